namespace Declarative.Runtime.Tests.Instruments;

internal static class Approx
{
    public static void Relative(double expected, double actual, double tolerance = 1e-9, string? what = null)
    {
        var scale = Math.Max(Math.Abs(expected), 1e-300);
        Assert.True(Math.Abs(actual - expected) <= tolerance * scale,
            $"{what ?? "value"}: expected {expected:R}, got {actual:R} (relative error {Math.Abs(actual - expected) / scale:E2} > {tolerance:E0})");
    }

    public static void Relative(double[] expected, double[] actual, double tolerance = 1e-9, string? what = null)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++) Relative(expected[i], actual[i], tolerance, $"{what ?? "entry"}[{i}]");
    }
}
