#!/usr/bin/env bash
# ./build.sh <Target> [--option value ...]   Targets: Compile, Test, RunExperiments, Report, Export, Pack, TestTemplate, Benchmark.
# Sets up what the build needs on a fresh Debian 12 machine with the .NET 10 SDK: the Cake tool
# (dotnet tool restore) and, for RunExperiments, the Fashion-MNIST data set (apt package).
set -euo pipefail
cd "$(dirname "$0")"

if ! command -v dotnet >/dev/null 2>&1; then
  echo "error: the .NET 10 SDK is not on PATH (https://learn.microsoft.com/dotnet/core/install/linux-debian)." >&2
  exit 1
fi

target="${1:-Test}"
[ $# -gt 0 ] && shift

# Cake takes --name=value; accept --name value too.
args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --*=*) args+=("$1") ;;
    --retry-failed) args+=("--retry-failed=true") ;;
    --*) if [ $# -gt 1 ] && [[ "$2" != --* ]]; then args+=("$1=$2"); shift; else args+=("$1=true"); fi ;;
    *) echo "error: unexpected argument '$1' (options look like --budget smoke)" >&2; exit 2 ;;
  esac
  shift
done

# Debian packages the build needs: fonts for the report plots; Fashion-MNIST for RunExperiments.
apt_install() {
  command -v apt-get >/dev/null 2>&1 || { echo "warning: no apt-get; install $* yourself" >&2; return 0; }
  local sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
  echo "Installing Debian packages: $*"
  $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

ensure_fonts() {
  [ -n "$(ls /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf 2>/dev/null)" ] || apt_install fonts-dejavu-core
}

ensure_fashion_mnist() {
  local folder="${DECLARATIVE_FASHION_MNIST:-/usr/share/datasets/fashion-mnist}"
  for a in "${args[@]+"${args[@]}"}"; do case "$a" in --data=*) folder="${a#--data=}" ;; esac; done
  [ -e "$folder/train-images-idx3-ubyte.gz" ] || [ -e "$folder/train-images-idx3-ubyte" ] && return 0
  if [ "$folder" = /usr/share/datasets/fashion-mnist ]; then apt_install dataset-fashion-mnist; fi
}

# The tests run docs/analysis.md's pandas example against a real store.
ensure_pandas() {
  [ -x /usr/bin/python3 ] && /usr/bin/python3 -c "import pandas" >/dev/null 2>&1 || apt_install python3 python3-pandas
}

case "$target" in
  RunExperiments|TestTemplate) ensure_fonts; ensure_fashion_mnist ;;
  Test) ensure_fonts; ensure_pandas ;;
  Report|Default) ensure_fonts ;;
esac

dotnet tool restore >/dev/null

# The build runs in a process group of its own (the build tool, the runner and its workers) and this script
# forwards SIGINT/SIGTERM/SIGHUP to all of it, so stopping this script (Ctrl+C, kill, timeout) stops the sweep:
# running trials are put back, finished ones kept. If this script is killed outright (SIGKILL cannot be
# forwarded), the runner sees DECLARATIVE_WRAPPER_PID (an ancestor of it) gone and stops by itself.
# Job control on for the launch only: the job gets its own process group and keeps SIGINT (a background job of a
# script without job control would ignore it, and so would every process it starts).
[ "$target" = RunExperiments ] && export DECLARATIVE_WRAPPER_PID=$$
set -m
dotnet cake build/build.cake --target="$target" "${args[@]+"${args[@]}"}" &
child=$!
set +m
forward() { kill "-$1" -- "-$child" 2>/dev/null || true; }
trap 'forward INT' INT
trap 'forward TERM' TERM
trap 'forward HUP' HUP
code=0
while :; do
  wait "$child" && code=0 || code=$?
  kill -0 "$child" 2>/dev/null || break   # wait returns early when a trapped signal arrives
done
exit "$code"
