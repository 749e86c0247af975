namespace Declarative.Runtime.Claims;

/// <summary>
/// One finished trial's value as the stratified statistics see it: its sweep point, its parameters,
/// an explicit stratum when the claim declares one (<c>within</c>), its seed, and the quantity it is
/// compared or correlated by (X; 0 when unused).
/// </summary>
internal sealed record Observation(string PointKey, IReadOnlyList<KeyValuePair<string, string>> Parameters, string? Stratum, int Seed, double X, double Value)
{
    public string? Parameter(string axis)
    {
        foreach (var p in Parameters)
            if (p.Key == axis) return p.Value;
        return null;
    }
}
