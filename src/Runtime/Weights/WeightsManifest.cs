using System.Text.Json.Serialization;

namespace Declarative.Runtime.Weights;

/// <summary>
/// <c>manifest.json</c> of a weights folder: the format tag, one entry per tensor (its name in the
/// module's state dict, its file, dtype and shape) and free-form extras (the trial's experiment, id,
/// seed, parameters, step).
/// </summary>
public sealed record WeightsManifest(
    [property: JsonPropertyName("format")] string Format,
    [property: JsonPropertyName("tensors")] IReadOnlyList<WeightsTensor> Tensors,
    [property: JsonPropertyName("extras")] IReadOnlyDictionary<string, object?> Extras)
{
    public const string CurrentFormat = "declarative-weights/1";
}
