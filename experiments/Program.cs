// The experiments' command line: `run`, `report`, `list` (see `--help`). The catalogue is generated.
return Declarative.Runtime.Runner.Cli.Main(args, Declarative.Generated.ExperimentCatalog.All);
