// The runner's command line over the fake catalogue; the tests start this executable as a real process.
return Declarative.Runtime.Runner.Cli.Main(args, Declarative.EndToEnd.Fakes.FakeCatalog.All);
