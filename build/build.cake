// The build: ./build.sh <Target> [options]. Targets: Compile, Test, RunExperiments, Report, Export, Pack, TestTemplate, Benchmark.
// RunExperiments: --budget, --filter, --parallel N, --threads N, --trial-timeout S, --stale-after S, --retry-failed,
// --keep-weights [--weights folder], --progress auto|live|plain, --device, --data, --store, --reports,
// --executor local|slurm with --array-tasks N, --partition P, --time-limit T, --cpus-per-task C,
// --sbatch-args="...", --slurm-logs folder (docs/scale-out.md).
// --store is a SQLite file or a PostgreSQL URI/connection string; without it, $DECLARATIVE_STORE, else artifacts/results.db.
// Options are passed through as --name=value (build.sh also accepts --name value).

var target = Argument("target", "Test");
var configuration = Argument("configuration", "Release");
var budget = Argument("budget", "smoke");
var filter = Argument("filter", "");
var store = Argument("store", "");
var reports = Argument("reports", "artifacts/reports");
var data = Argument("data", "");
var threads = Argument("threads", "0");
var device = Argument("device", "auto");
var retryFailed = HasArgument("retry-failed");
var parallel = Argument("parallel", ""); // empty: the runner's default (one one-thread worker per core, at most 16; per Slurm task, one per CPU of the task)
var trialTimeout = Argument("trial-timeout", "0");
var staleAfter = Argument("stale-after", "30");
var keepWeights = HasArgument("keep-weights");
var noPack = HasArgument("no-pack");
var weights = Argument("weights", "artifacts/weights");
var progress = Argument("progress", "auto");
var experiment = Argument("experiment", "");
var output = Argument("output", "");
var testFilter = Argument("test-filter", "Category!=Slow&Category!=ScaleOut");
var executor = Argument("executor", "local");
var arrayTasks = Argument("array-tasks", "4");
var partition = Argument("partition", "");
var timeLimit = Argument("time-limit", "");
var cpusPerTask = Argument("cpus-per-task", "1");
var sbatchArgs = Argument("sbatch-args", "");
var slurmLogs = Argument("slurm-logs", "artifacts/slurm");
var torchBackend = Argument("torch-backend", "cpu");
var packages = Argument("packages", "artifacts/packages");

var root = MakeAbsolute(Directory(".."));
var solution = root.CombineWithFilePath("Declarative.sln");
var experimentsDll = root.CombineWithFilePath($"experiments/bin/{configuration}/net10.0/Declarative.Experiments.dll");

// Paths on the command line are relative to the repository root, where ./build.sh runs.
string FromRoot(string path) => System.IO.Path.GetFullPath(path, root.FullPath);

// A PostgreSQL store is a URI or a connection string, not a path.
bool IsServerStore(string location) => location.Contains("://") || location.Contains("=");

DotNetMSBuildSettings MsBuild() => new DotNetMSBuildSettings().WithProperty("TorchBackend", torchBackend);

Task("Compile")
    .Description("Builds the solution (and patches TorchSharp's native library where the system needs it).")
    .Does(() =>
{
    DotNetBuild(solution.FullPath, new DotNetBuildSettings
    {
        Configuration = configuration,
        MSBuildSettings = MsBuild(),
        Verbosity = DotNetVerbosity.Minimal,
    });
});

// What running needs: the experiments project and what it references (not the tests and benchmarks).
Task("BuildExperiments")
    .Description("Builds the experiments project and its dependencies only.")
    .Does(() =>
{
    DotNetBuild(root.CombineWithFilePath("experiments/Declarative.Experiments.csproj").FullPath, new DotNetBuildSettings
    {
        Configuration = configuration,
        MSBuildSettings = MsBuild(),
        Verbosity = DotNetVerbosity.Minimal,
    });
});

Task("Test")
    .Description("Runs the test suite (slow and scale-out tests excluded unless --test-filter is given).")
    .IsDependentOn("Compile")
    .Does(() =>
{
    DotNetTest(solution.FullPath, new DotNetTestSettings
    {
        Configuration = configuration,
        NoBuild = true,
        Filter = testFilter,
        Loggers = { "console;verbosity=normal" },
    });
});

void RunExperimentsCommand(string verb, IEnumerable<string> extra)
{
    var args = new ProcessArgumentBuilder()
        .Append(verb)
        .AppendSwitchQuoted("--budget", " ", budget)
        .AppendSwitchQuoted("--reports", " ", FromRoot(reports));
    if (!string.IsNullOrWhiteSpace(store)) args.AppendSwitchQuoted("--store", " ", IsServerStore(store) ? store : FromRoot(store));
    if (!string.IsNullOrWhiteSpace(filter)) args.AppendSwitchQuoted("--filter", " ", filter);
    foreach (var e in extra) args.Append(e);
    var exit = StartProcess("dotnet", new ProcessSettings
    {
        Arguments = new ProcessArgumentBuilder().AppendQuoted(experimentsDll.FullPath).Append(args.Render()),
        WorkingDirectory = root,
    });
    if (exit != 0) throw new CakeException(exit, $"The experiments' `{verb}` command failed with exit code {exit} (its message is above).");
}

Task("RunExperiments")
    .Description("Runs every experiment's unfinished trials at --budget (smoke or full), stores them and renders the reports.")
    .IsDependentOn("BuildExperiments")
    .Does(() =>
{
    var extra = new List<string>
    {
        "--threads " + threads, "--device " + device, "--trial-timeout " + trialTimeout,
        "--stale-after " + staleAfter, "--progress " + progress,
    };
    if (!string.IsNullOrWhiteSpace(parallel)) extra.Add("--parallel " + parallel);
    if (!string.IsNullOrWhiteSpace(data)) extra.Add("--data \"" + FromRoot(data) + "\"");
    if (retryFailed) extra.Add("--retry-failed");
    if (noPack) extra.Add("--no-pack");
    if (keepWeights) extra.AddRange(new[] { "--keep-weights", "--weights \"" + FromRoot(weights) + "\"" });
    if (executor == "slurm")
    {
        extra.AddRange(new[] { "--executor slurm", "--array-tasks " + arrayTasks, "--cpus-per-task " + cpusPerTask, "--slurm-logs \"" + FromRoot(slurmLogs) + "\"" });
        if (!string.IsNullOrWhiteSpace(partition)) extra.Add("--partition \"" + partition + "\"");
        if (!string.IsNullOrWhiteSpace(timeLimit)) extra.Add("--time-limit \"" + timeLimit + "\"");
        if (!string.IsNullOrWhiteSpace(sbatchArgs)) extra.Add(new ProcessArgumentBuilder().AppendSwitchQuoted("--sbatch-args", " ", sbatchArgs).Render());
    }
    else if (executor != "local") throw new CakeException($"--executor '{executor}' is unknown: use local (default) or slurm.");
    RunExperimentsCommand("run", extra);
});

Task("Report")
    .Description("Re-renders the reports from the store without running anything.")
    .IsDependentOn("BuildExperiments")
    .Does(() => RunExperimentsCommand("report", Array.Empty<string>()));

Task("Export")
    .Description("Writes one experiment's metric rows to CSV: --experiment <Name> --output <file.csv>.")
    .IsDependentOn("BuildExperiments")
    .Does(() =>
{
    if (string.IsNullOrWhiteSpace(experiment) || string.IsNullOrWhiteSpace(output))
        throw new CakeException("Export needs --experiment <Name> and --output <file.csv>.");
    var exportArgs = new ProcessArgumentBuilder().AppendQuoted(experimentsDll.FullPath).Append("export")
        .AppendSwitchQuoted("--experiment", " ", experiment).AppendSwitchQuoted("--output", " ", FromRoot(output));
    if (!string.IsNullOrWhiteSpace(store)) exportArgs.AppendSwitchQuoted("--store", " ", IsServerStore(store) ? store : FromRoot(store));
    var exit = StartProcess("dotnet", new ProcessSettings { Arguments = exportArgs, WorkingDirectory = root });
    if (exit != 0) throw new CakeException(exit, $"The experiments' `export` command failed with exit code {exit} (its message is above).");
});

// The packages a project outside this repository installs: Declarative (attributes, generator, analyzers,
// code fixes), Declarative.Runtime (engine, with the TorchSharp build fix as buildTransitive targets) and
// Declarative.Templates (`dotnet new declarative`), all of one version from git (MinVer).
Task("Pack")
    .Description("Packs Declarative, Declarative.Runtime and Declarative.Templates into --packages (default artifacts/packages).")
    .Does(() =>
{
    var folder = FromRoot(packages);
    EnsureDirectoryExists(folder);
    // One version in the folder: the template's project references exactly the version packed with it.
    foreach (var old in System.IO.Directory.GetFiles(folder, "Declarative*.*nupkg")) System.IO.File.Delete(old);
    var settings = MsBuild();
    if (OriginIsGitHub()) settings.WithProperty("DeclarativeSourceLink", "true");
    else Information("Source Link is off: this clone's `origin` is not a GitHub repository.");
    foreach (var project in new[] { "src/Dsl/Declarative.Dsl.csproj", "src/Runtime/Declarative.Runtime.csproj", "templates/Declarative.Templates/Declarative.Templates.csproj" })
    {
        DotNetPack(root.CombineWithFilePath(project).FullPath, new DotNetPackSettings
        {
            Configuration = configuration,
            OutputDirectory = folder,
            MSBuildSettings = settings,
            Verbosity = DotNetVerbosity.Minimal,
        });
    }
    Information($"Packages in {folder}: " + string.Join(", ", System.IO.Directory.GetFiles(folder, "*.nupkg").Select(System.IO.Path.GetFileName).OrderBy(n => n)));
});

Task("TestTemplate")
    .Description("Packs, then makes a project with `dotnet new declarative` outside the repository, builds it from the packages, runs it to a report and checks a broken record's diagnostic.")
    .IsDependentOn("Pack")
    .Does(() =>
{
    var exit = StartProcess("bash", new ProcessSettings
    {
        Arguments = new ProcessArgumentBuilder().AppendQuoted(root.CombineWithFilePath("tests/Template/template-test.sh").FullPath).AppendQuoted(FromRoot(packages)),
        WorkingDirectory = root,
    });
    if (exit != 0) throw new CakeException(exit, $"The template test failed with exit code {exit} (its message is above).");
});

Task("Benchmark")
    .Description("The training-speed and instrument-cost benchmarks in one run, one after the other (about 25 min; run it on an otherwise idle machine): writes each one's table of targets into docs/benchmarks.md, the training page into docs/benchmarks/training.md and the instruments' output into artifacts/benchmarks/instruments.md.")
    .Does(() =>
{
    var load = System.IO.File.ReadAllText("/proc/loadavg").Split(' ')[0];
    Information($"Load average before the benchmarks: {load} (figures are comparable only on an idle machine: below 1.5).");
    foreach (var project in new[] { "benchmarks/Declarative.Benchmarks.Training", "benchmarks/Declarative.Benchmarks" })
        DotNetBuild(root.Combine(project).FullPath, new DotNetBuildSettings { Configuration = "Release", MSBuildSettings = MsBuild() });
    void Bench(string dll, string arguments, string output = null)
    {
        var settings = new ProcessSettings { Arguments = $"{dll} {arguments}", WorkingDirectory = root, RedirectStandardOutput = output is not null };
        IEnumerable<string> lines = Array.Empty<string>();
        var exit = output is null ? StartProcess("dotnet", settings) : StartProcess("dotnet", settings, out lines);
        if (output is not null)
        {
            System.IO.Directory.CreateDirectory(System.IO.Path.GetDirectoryName(output));
            System.IO.File.WriteAllLines(output, lines);
        }
        if (exit != 0) throw new CakeException(exit, $"The benchmark `{dll} {arguments}` failed with exit code {exit}.");
    }
    Bench("benchmarks/Declarative.Benchmarks.Training/bin/Release/net10.0/Declarative.Benchmarks.Training.dll", "--repeats 2 --epochs 3");
    Bench("benchmarks/Declarative.Benchmarks/bin/Release/net10.0/Declarative.Benchmarks.dll",
        "instruments --threads 2 --modes cheap,cheap-parts,cockpit,cockpit-floor,floor,lanczos --repeats 9 --steps 128 --calls 5 --summary-into docs/benchmarks.md",
        FromRoot("artifacts/benchmarks/instruments.md"));
    Information("Tables written into docs/benchmarks.md; the instruments' full output is in artifacts/benchmarks/instruments.md.");
});

bool OriginIsGitHub()
{
    IEnumerable<string> lines;
    var exit = StartProcess("git", new ProcessSettings { Arguments = "remote get-url origin", WorkingDirectory = root, RedirectStandardOutput = true, RedirectStandardError = true }, out lines);
    return exit == 0 && lines.Any(l => l.Contains("github.com"));
}

Task("Default").IsDependentOn("Test");

RunTarget(target);
