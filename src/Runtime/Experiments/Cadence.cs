namespace Declarative.Runtime.Experiments;

/// <summary>When an instrument is measured. Steps count completed optimizer updates (1 is after the first).</summary>
public abstract class Cadence
{
    public abstract bool IsDue(long step, bool isEpochEnd, bool isLast);

    public static Cadence Every(int steps) => new EveryCadence(steps);
    public static Cadence AtEpochEnd() => new EpochEndCadence();
    public static Cadence AtEnd() => new EndCadence();
    public static Cadence AtSteps(params long[] steps) => new ListedCadence(steps);
    public static Cadence LogSpaced(int perDecade) => new LogCadence(perDecade);

    private sealed class EveryCadence(int steps) : Cadence
    {
        public override bool IsDue(long step, bool isEpochEnd, bool isLast) => isLast || step % steps == 0;
    }

    private sealed class EpochEndCadence : Cadence
    {
        public override bool IsDue(long step, bool isEpochEnd, bool isLast) => isLast || isEpochEnd;
    }

    private sealed class EndCadence : Cadence
    {
        public override bool IsDue(long step, bool isEpochEnd, bool isLast) => isLast;
    }

    private sealed class ListedCadence(long[] steps) : Cadence
    {
        private readonly HashSet<long> _steps = [.. steps];
        public override bool IsDue(long step, bool isEpochEnd, bool isLast) => isLast || _steps.Contains(step);
    }

    /// <summary>Steps 10^(k/n) rounded, deduplicated: 1, 2, 5, 10, 22, 46, 100, ... for n = 3. Pure: the same answer for the same step.</summary>
    private sealed class LogCadence(int perDecade) : Cadence
    {
        public override bool IsDue(long step, bool isEpochEnd, bool isLast)
        {
            if (isLast) return true;
            if (step < 1) return false;
            var k = (int)Math.Round(perDecade * Math.Log10(step));
            for (var j = Math.Max(0, k - 1); j <= k + 1; j++)
                if ((long)Math.Round(Math.Pow(10, (double)j / perDecade)) == step) return true;
            return false;
        }
    }
}
