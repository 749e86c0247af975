namespace Declarative.Runtime.Claims;

/// <summary>A point of an evidence figure; <see cref="Error"/> is the half-width of its interval (0: none).</summary>
public readonly record struct EvidencePoint(double X, double Y, double Error = 0);
