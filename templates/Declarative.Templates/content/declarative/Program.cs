// The study's command line: `run`, `report`, `list`, `export` (see `dotnet run -- --help`).
// The catalogue of experiments is generated from the [Experiment] records of this project.
return Declarative.Runtime.Runner.Cli.Main(args, Declarative.Generated.ExperimentCatalog.All);
