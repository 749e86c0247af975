using Declarative.Benchmarks;

try
{
    return args.FirstOrDefault() switch
    {
        "instruments" => InstrumentCost.Run(args.Skip(1).ToArray()),
        "crosscheck" => CrossCheck.Run(args.Skip(1).ToArray()),
        "sharpness" => SharpnessEstimate.Run(args.Skip(1).ToArray()),
        _ => Usage(),
    };
}
catch (Declarative.Runtime.Data.DataSetException e)
{
    // A missing or unreadable data set is the user's to fix: its message names the folder and how to install it.
    Console.Error.WriteLine(e.Message);
    return 2;
}

static int Usage()
{
    Console.Error.WriteLine("usage: Declarative.Benchmarks crosscheck --trial <weights folder of a trial> [--out dir] (then tools/crosscheck_pytorch.py)");
    Console.Error.WriteLine("usage: Declarative.Benchmarks instruments [--data <fashion-mnist folder>] [--modes cheap,cheap-parts,cockpit,cockpit-floor,floor,lanczos,pack] [--threads 2] [--repeats 5] [--steps 64] [--calls 3] [--lanczos-calls 8] [--tolerance 1e-4] [--top-k 1] [--instruments Name,Name]");
    Console.Error.WriteLine("usage: Declarative.Benchmarks sharpness [--data <fashion-mnist folder>] [--threads 2] [--at 100,1000] [--subsets 4]");
    return 2;
}
