namespace Declarative.Runtime.Reports;

/// <summary>The small statistics the reports and the claim checker need, written out so every number can be traced.</summary>
public static class Statistics
{
    public static double Mean(IReadOnlyList<double> values) => values.Count == 0 ? double.NaN : values.Average();

    /// <summary>Sample standard deviation (n − 1); 0 for a single value.</summary>
    public static double StandardDeviation(IReadOnlyList<double> values)
    {
        if (values.Count < 2) return 0;
        var mean = Mean(values);
        return Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Count - 1));
    }

    /// <summary>Sample variance (n − 1); 0 for a single value.</summary>
    public static double Variance(IReadOnlyList<double> values)
    {
        var sd = StandardDeviation(values);
        return sd * sd;
    }

    /// <summary>Ranks starting at 1, ties sharing the mean of their ranks.</summary>
    public static double[] Ranks(IReadOnlyList<double> values)
    {
        var order = Enumerable.Range(0, values.Count).OrderBy(i => values[i]).ToArray();
        var ranks = new double[values.Count];
        for (var start = 0; start < order.Length;)
        {
            var end = start;
            while (end + 1 < order.Length && values[order[end + 1]] == values[order[start]]) end++;
            var rank = (start + end) / 2.0 + 1;
            for (var k = start; k <= end; k++) ranks[order[k]] = rank;
            start = end + 1;
        }
        return ranks;
    }

    /// <summary>Pearson correlation; NaN when either side has no variance or fewer than two pairs.</summary>
    public static double Pearson(IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        if (x.Count != y.Count) throw new ArgumentException("x and y must have the same length.");
        if (x.Count < 2) return double.NaN;
        double mx = Mean(x), my = Mean(y), sxy = 0, sxx = 0, syy = 0;
        for (var i = 0; i < x.Count; i++)
        {
            sxy += (x[i] - mx) * (y[i] - my);
            sxx += (x[i] - mx) * (x[i] - mx);
            syy += (y[i] - my) * (y[i] - my);
        }
        return sxx == 0 || syy == 0 ? double.NaN : sxy / Math.Sqrt(sxx * syy);
    }

    /// <summary>Spearman's rank correlation ρ (Pearson on ranks, ties averaged); NaN when either side is constant.</summary>
    public static double Spearman(IReadOnlyList<double> x, IReadOnlyList<double> y) => Pearson(Ranks(x), Ranks(y));

    /// <summary>Least-squares line y = intercept + slope·x and its R² (NaN when y is constant or x has no spread).</summary>
    public static (double Slope, double Intercept, double R2) LinearFit(IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        if (x.Count != y.Count) throw new ArgumentException("x and y must have the same length.");
        double mx = Mean(x), my = Mean(y), sxy = 0, sxx = 0, syy = 0;
        for (var i = 0; i < x.Count; i++)
        {
            sxy += (x[i] - mx) * (y[i] - my);
            sxx += (x[i] - mx) * (x[i] - mx);
            syy += (y[i] - my) * (y[i] - my);
        }
        if (sxx == 0) return (double.NaN, double.NaN, double.NaN);
        var slope = sxy / sxx;
        var intercept = my - slope * mx;
        var r2 = syy == 0 ? double.NaN : sxy * sxy / (sxx * syy);
        return (slope, intercept, r2);
    }

    /// <summary>
    /// Welch's difference of means mean(a) − mean(b), the variance of that difference (s²ₐ/nₐ + s²_b/n_b) and its
    /// Welch–Satterthwaite degrees of freedom (infinite when neither side has spread). Each side needs at least two values.
    /// </summary>
    public static (double Difference, double Variance, double DegreesOfFreedom) Welch(IReadOnlyList<double> a, IReadOnlyList<double> b)
    {
        if (a.Count < 2 || b.Count < 2) throw new ArgumentException("Welch's difference needs at least two values on each side.");
        double va = Variance(a) / a.Count, vb = Variance(b) / b.Count;
        var df = va + vb == 0 ? double.PositiveInfinity : (va + vb) * (va + vb) / (va * va / (a.Count - 1) + vb * vb / (b.Count - 1));
        return (Mean(a) - Mean(b), va + vb, df);
    }

    /// <summary>
    /// The Hodges–Lehmann estimate (median of the Walsh averages (xᵢ + xⱼ)/2, i ≤ j) with the exact Wilcoxon signed-rank
    /// interval at the given two-sided confidence: [W₍ₖ₎, W₍ₘ₊₁₋ₖ₎] of the m = n(n + 1)/2 sorted Walsh averages, k the largest
    /// with P(T ≤ k − 1) ≤ (1 − confidence)/2 under the signed-rank distribution. When no k exists (too few values:
    /// 5 or fewer at 95%) the interval is the whole line.
    /// </summary>
    public static (double Estimate, double Lower, double Upper) SignedRankInterval(IReadOnlyList<double> values, double confidence = 0.95)
    {
        var n = values.Count;
        if (n == 0) throw new ArgumentException("The signed-rank interval needs at least one value.");
        var walsh = new List<double>(n * (n + 1) / 2);
        for (var i = 0; i < n; i++)
        for (var j = i; j < n; j++)
            walsh.Add((values[i] + values[j]) / 2);
        walsh.Sort();
        var m = walsh.Count;
        var estimate = m % 2 == 1 ? walsh[m / 2] : (walsh[m / 2 - 1] + walsh[m / 2]) / 2;
        // counts[t] = number of subsets of {1..n} whose sum is t: the null distribution of T.
        var counts = new double[m + 1];
        counts[0] = 1;
        for (var r = 1; r <= n; r++)
            for (var t = m; t >= r; t--)
                counts[t] += counts[t - r];
        var total = Math.Pow(2, n);
        double cumulative = 0;
        var k = 0;
        for (var t = 0; t <= m; t++)
        {
            cumulative += counts[t] / total;
            if (cumulative > (1 - confidence) / 2) break;
            k = t + 1;
        }
        return k == 0 ? (estimate, double.NegativeInfinity, double.PositiveInfinity) : (estimate, walsh[k - 1], walsh[m - k]);
    }

    /// <summary>The p-quantile of Student's t distribution with <paramref name="df"/> degrees of freedom (p in (0, 1)).</summary>
    public static double StudentTQuantile(double p, double df)
    {
        if (p <= 0 || p >= 1) throw new ArgumentOutOfRangeException(nameof(p));
        if (p < 0.5) return -StudentTQuantile(1 - p, df);
        double lo = 0, hi = 1;
        while (StudentTCdf(hi, df) < p) hi *= 2;
        for (var i = 0; i < 200 && hi - lo > 1e-12 * Math.Max(1, hi); i++)
        {
            var mid = (lo + hi) / 2;
            if (StudentTCdf(mid, df) < p) lo = mid; else hi = mid;
        }
        return (lo + hi) / 2;
    }

    /// <summary>The cumulative distribution function of Fisher's F with (d1, d2) degrees of freedom.</summary>
    public static double FCdf(double x, double d1, double d2) =>
        x <= 0 ? 0 : double.IsPositiveInfinity(x) ? 1 : RegularizedIncompleteBeta(d1 / 2, d2 / 2, d1 * x / (d1 * x + d2));

    /// <summary>The p-quantile of Fisher's F with (d1, d2) degrees of freedom (p in (0, 1)), by bisection on log x.</summary>
    public static double FQuantile(double p, double d1, double d2)
    {
        if (p <= 0 || p >= 1) throw new ArgumentOutOfRangeException(nameof(p));
        double lo = -60, hi = 60;
        for (var i = 0; i < 200 && hi - lo > 1e-12; i++)
        {
            var mid = (lo + hi) / 2;
            if (FCdf(Math.Exp(mid), d1, d2) < p) lo = mid; else hi = mid;
        }
        return Math.Exp((lo + hi) / 2);
    }

    /// <summary>The cumulative distribution function of Student's t.</summary>
    public static double StudentTCdf(double t, double df)
    {
        if (double.IsPositiveInfinity(df)) return 0.5 * (1 + Erf(t / Math.Sqrt(2)));
        var tail = 0.5 * RegularizedIncompleteBeta(df / 2, 0.5, df / (df + t * t));
        return t >= 0 ? 1 - tail : tail;
    }

    private static double Erf(double x)
    {
        // Numerical Recipes' Chebyshev fit of erfc (fractional error below 1.2e-7); only used for infinite degrees of freedom.
        var sign = Math.Sign(x);
        x = Math.Abs(x);
        var t = 1 / (1 + 0.5 * x);
        var y = 1 - t * Math.Exp(-x * x - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 +
                t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
        return sign * y;
    }

    /// <summary>I_x(a, b) by the continued fraction of Numerical Recipes (Lentz's method).</summary>
    public static double RegularizedIncompleteBeta(double a, double b, double x)
    {
        if (x <= 0) return 0;
        if (x >= 1) return 1;
        var front = Math.Exp(LogGamma(a + b) - LogGamma(a) - LogGamma(b) + a * Math.Log(x) + b * Math.Log(1 - x));
        return x < (a + 1) / (a + b + 2)
            ? front * BetaContinuedFraction(a, b, x) / a
            : 1 - front * BetaContinuedFraction(b, a, 1 - x) / b;
    }

    private static double BetaContinuedFraction(double a, double b, double x)
    {
        const double tiny = 1e-300;
        double c = 1, d = 1 - (a + b) * x / (a + 1);
        if (Math.Abs(d) < tiny) d = tiny;
        d = 1 / d;
        var h = d;
        for (var m = 1; m <= 500; m++)
        {
            var m2 = 2 * m;
            var aa = m * (b - m) * x / ((a + m2 - 1) * (a + m2));
            d = 1 + aa * d; if (Math.Abs(d) < tiny) d = tiny;
            c = 1 + aa / c; if (Math.Abs(c) < tiny) c = tiny;
            d = 1 / d; h *= d * c;
            aa = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1));
            d = 1 + aa * d; if (Math.Abs(d) < tiny) d = tiny;
            c = 1 + aa / c; if (Math.Abs(c) < tiny) c = tiny;
            d = 1 / d;
            var delta = d * c;
            h *= delta;
            if (Math.Abs(delta - 1) < 1e-15) break;
        }
        return h;
    }

    /// <summary>ln Γ(x) for x &gt; 0 (Lanczos, g = 7, n = 9).</summary>
    public static double LogGamma(double x)
    {
        double[] c = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
            12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7];
        if (x < 0.5) return Math.Log(Math.PI / Math.Abs(Math.Sin(Math.PI * x))) - LogGamma(1 - x);
        x -= 1;
        var sum = c[0];
        for (var i = 1; i < 9; i++) sum += c[i] / (x + i);
        var t = x + 7.5;
        return 0.5 * Math.Log(2 * Math.PI) + (x + 0.5) * Math.Log(t) - t + Math.Log(sum);
    }
}
