namespace Declarative.Runtime.Experiments;

/// <summary>How much compute a run may spend: <c>smoke</c> checks the machinery, <c>full</c> answers the question.</summary>
public sealed record Budget(string Name)
{
    public static readonly Budget Smoke = new("smoke");
    public static readonly Budget Full = new("full");

    public static IReadOnlyList<Budget> All { get; } = [Smoke, Full];

    public static bool TryParse(string? text, out Budget budget)
    {
        budget = All.FirstOrDefault(b => string.Equals(b.Name, text, StringComparison.OrdinalIgnoreCase))!;
        return budget is not null;
    }

    public override string ToString() => Name;
}
