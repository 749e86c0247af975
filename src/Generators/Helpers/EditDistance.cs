using System;
using System.Collections.Generic;
using System.Linq;

namespace Declarative.Generators.Helpers
{
    /// <summary>The closest name to a misspelt one, for "did you mean" suggestions.</summary>
    internal static class EditDistance
    {
        /// <summary>The candidate nearest to <paramref name="name"/> (case-insensitive Levenshtein), if it is near enough to be a misspelling.</summary>
        public static string? Closest(string name, IEnumerable<string> candidates) => Closest(name, candidates, Math.Max(2, name.Length / 3));

        /// <summary>The candidate nearest to <paramref name="name"/>, if at most <paramref name="maxDistance"/> edits away.</summary>
        public static string? Closest(string name, IEnumerable<string> candidates, int maxDistance)
        {
            var best = candidates
                .Select(c => (Name: c, Distance: Distance(name.ToLowerInvariant(), c.ToLowerInvariant())))
                .OrderBy(c => c.Distance).ThenBy(c => c.Name, StringComparer.Ordinal)
                .FirstOrDefault();
            return best.Name is not null && best.Distance <= maxDistance ? best.Name : null;
        }

        private static int Distance(string a, string b)
        {
            var previous = new int[b.Length + 1];
            var current = new int[b.Length + 1];
            for (var j = 0; j <= b.Length; j++) previous[j] = j;
            for (var i = 1; i <= a.Length; i++)
            {
                current[0] = i;
                for (var j = 1; j <= b.Length; j++)
                    current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
                (previous, current) = (current, previous);
            }
            return previous[b.Length];
        }
    }
}
