#!/usr/bin/env bash
# The path a new user takes, end to end, with real parts: the packages of ./build.sh Pack, a project
# made by `dotnet new declarative` in a temporary folder outside the repository that restores the
# Declarative packages only from the packed folder (third-party packages from the machine's feed),
# its build, a run of its experiment on the smoke budget to a stored result and a report, and a
# broken record that must fail the build with its DCL diagnostic on the right line.
# Usage: tests/Template/template-test.sh <packages folder>   (./build.sh TestTemplate packs first)
set -euo pipefail
packages="$(cd "${1:?usage: template-test.sh <packages folder>}" && pwd)"
fail() { echo "template test: $*" >&2; exit 1; }

template=$(ls "$packages"/Declarative.Templates.*.nupkg 2>/dev/null | head -1)
[ -n "$template" ] || fail "no Declarative.Templates package in $packages (run ./build.sh Pack)"
version=$(basename "$template" .nupkg); version=${version#Declarative.Templates.}
for id in Declarative Declarative.Runtime; do
  [ -s "$packages/$id.$version.nupkg" ] || fail "no $id $version package in $packages"
done

# The packages' layout: what a consumer's compiler and build load from them.
has() { unzip -Z1 "$packages/$1.$version.nupkg" | grep -qx "$2" || fail "$1 $version lacks $2"; }
has Declarative analyzers/dotnet/cs/Declarative.Generators.dll
has Declarative analyzers/dotnet/cs/Declarative.CodeFixes.dll
has Declarative lib/netstandard2.0/Declarative.Dsl.xml
has Declarative.Runtime buildTransitive/Declarative.Runtime.targets
has Declarative.Runtime lib/net10.0/Declarative.Runtime.xml
has Declarative.Templates content/declarative/.template.config/template.json

work=$(mktemp -d "${TMPDIR:-/tmp}/declarative-template.XXXXXX")
trap 'rm -rf "$work"' EXIT
case "$work" in "$(git -C "$(dirname "$0")" rev-parse --show-toplevel)"/*) fail "$work is inside the repository" ;; esac

# A template engine and a package folder of its own: nothing of this test reaches the user's, and no
# earlier package of the same version can stand in for the one just packed. Third-party packages
# already on the machine are read from its package folder (a fallback folder, never written to).
export DOTNET_CLI_HOME="$work/cli-home" NUGET_PACKAGES="$work/nuget-packages"
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
machine_packages="${HOME}/.nuget/packages"
for id in declarative declarative.runtime; do
  # Our own packages must come from the packed folder, not from an earlier restore of the same version.
  [ ! -e "$machine_packages/$id/$version" ] || rm -rf "${machine_packages:?}/$id/$version"
done

echo "template test: dotnet new install $(basename "$template")"
dotnet new install "$template" >/dev/null 2>&1 || dotnet new install "$template"
cd "$work"
dotnet new declarative -n MyStudy >/dev/null
cd MyStudy
for f in MyStudy.csproj Program.cs LearningRateSweep.cs README.md; do [ -s "$f" ] || fail "the template made no $f"; done
grep -q "Version=\"$version\"" MyStudy.csproj || fail "MyStudy.csproj does not reference version $version"
grep -q -- "dotnet run -c Release -- run --budget smoke" README.md || fail "the README lacks the test command"

cat > nuget.config <<CONFIG
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <clear />
    <add key="declarative-packed" value="$packages" />
    <add key="nuget.org" value="https://api.nuget.org/v3/index.json" protocolVersion="3" />
  </packageSources>
  <packageSourceMapping>
    <packageSource key="declarative-packed"><package pattern="Declarative" /><package pattern="Declarative.*" /></packageSource>
    <packageSource key="nuget.org"><package pattern="*" /></packageSource>
  </packageSourceMapping>
  <fallbackPackageFolders>
    <add key="machine" value="$machine_packages" />
  </fallbackPackageFolders>
</configuration>
CONFIG

echo "template test: dotnet build (in $work/MyStudy)"
dotnet build -c Release -nologo -clp:NoSummary > build.log 2>&1 || { cat build.log; fail "the new project does not build"; }
grep -qE "warning" build.log && { grep -E "warning" build.log; fail "the new project builds with warnings"; }
[ -s obj/project.assets.json ] && grep -q "\"Declarative.Runtime/$version\"" obj/project.assets.json || fail "Declarative.Runtime $version was not restored"
[ -e "$NUGET_PACKAGES/declarative.runtime/$version" ] || fail "Declarative.Runtime did not come from the packed folder"

# The backend switch the package carries: an unknown backend and cuda over the cpu runtime are refused with the fix.
if dotnet build -c Release -nologo -p:TorchBackend=rocm > backend.log 2>&1; then fail "TorchBackend=rocm built"; fi
grep -q "TorchBackend 'rocm' is unknown: use cpu (default) or cuda" backend.log || { cat backend.log; fail "no message naming the valid backends"; }
if dotnet build -c Release -nologo -p:TorchBackend=cuda > backend.log 2>&1; then fail "TorchBackend=cuda built over the cpu runtime"; fi
grep -q "TorchBackend=cuda, but the cpu runtime libtorch-cpu-linux-x64 is referenced" backend.log || { cat backend.log; fail "no message saying how to switch to cuda"; }

echo "template test: dotnet run -- run --budget smoke"
dotnet run -c Release --no-build -- run --budget smoke --store "$work/results.db" --reports "$work/reports" --progress plain \
  > run.log 2>&1 || { cat run.log; fail "the study's smoke run failed"; }
grep -qE "^Workers: [0-9]+ at once" run.log && grep -qE "^  done " run.log || { cat run.log; fail "the run did not train in worker processes"; }
report="$work/reports/LearningRateSweep.md"
[ -s "$report" ] || { cat run.log; fail "no report for LearningRateSweep"; }
grep -q "^## Results" "$report" || fail "the report has no results table"
grep -qE "\*\*(✅ holds|❌ fails|⚠️ inconclusive)\*\*" "$report" || fail "the report has no claim verdict"

# A broken record: its DCL errors on the file and line of each mistake, with the fix in the message,
# from the generator (DCL006) and from an analyzer of the package (DCL024).
cat > Broken.cs <<'BROKEN'
namespace MyStudy;

[Experiment]
[FashionMnist]
[Mlp(64)]
[Sgd]
[Track(Instruments.TestAccuracy, AtEnd = true)]
public partial record Broken(
    [Values(0.1, 0.1)] double LearningRate)
{
    public Claim Rises => Expect.Increasing(r => r.Final(m => m.TestAccuracy), by: p => p.LearningRate);
}
BROKEN
if dotnet build -c Release -nologo > broken.log 2>&1; then fail "a record with a duplicate sweep value built"; fi
grep -qE "Broken.cs\(9,[0-9]+\): error DCL006: .*remove the duplicate" broken.log || { cat broken.log; fail "no DCL006 on Broken.cs line 9"; }
grep -qE "Broken.cs\(11,[0-9]+\): error DCL024: .*make it static" broken.log || { cat broken.log; fail "no DCL024 on Broken.cs line 11"; }

echo "template test: passed (version $version: new project, build, smoke run with report, DCL006 and DCL024 on a broken record)"
