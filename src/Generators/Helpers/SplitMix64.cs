namespace Declarative.Generators.Helpers
{
    /// <summary>
    /// A tiny, fully specified random generator (SplitMix64), so that [RandomSample] values are the
    /// same on every machine and compiler version forever. The runtime compiles this same file (linked) for the
    /// gradient-noise instruments' batches.
    /// </summary>
    internal static class SplitMix64
    {
        public static ulong Next(ref ulong state)
        {
            unchecked
            {
                state += 0x9E3779B97F4A7C15UL;
                var z = state;
                z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
                z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
                return z ^ (z >> 31);
            }
        }

        /// <summary>A uniform double in [0, 1) with 53 random bits.</summary>
        public static double NextUnit(ref ulong state) => (Next(ref state) >> 11) * (1.0 / (1UL << 53));
    }
}
