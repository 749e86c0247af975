using Declarative.Benchmarks;

return args.FirstOrDefault() switch
{
    "instruments" => InstrumentCost.Run(args.Skip(1).ToArray()),
    "crosscheck" => CrossCheck.Run(args.Skip(1).ToArray()),
    "sharpness" => SharpnessEstimate.Run(args.Skip(1).ToArray()),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: Declarative.Benchmarks crosscheck --trial <weights folder of a trial> [--out dir] (then tools/crosscheck_pytorch.py)");
    Console.Error.WriteLine("usage: Declarative.Benchmarks instruments [--data <fashion-mnist folder>] [--modes cheap,cockpit,floor,lanczos] [--threads 2] [--repeats 5] [--steps 64] [--calls 3] [--lanczos-calls 8] [--tolerance 1e-4] [--top-k 1] [--instruments Name,Name]");
    Console.Error.WriteLine("usage: Declarative.Benchmarks sharpness [--data <fashion-mnist folder>] [--threads 2] [--at 100,1000] [--subsets 4]");
    return 2;
}
