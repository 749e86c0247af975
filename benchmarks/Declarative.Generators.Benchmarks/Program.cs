// dotnet run -c Release --project benchmarks/Declarative.Generators.Benchmarks -- --filter '*'
BenchmarkDotNet.Running.BenchmarkSwitcher.FromAssembly(typeof(Declarative.Generators.Benchmarks.GeneratorBenchmarks).Assembly).Run(args);
