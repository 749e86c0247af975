using System.Text.Json.Serialization;

namespace Declarative.Runtime.Weights;

/// <summary>One tensor of a weights folder; <c>dtype</c> is NumPy's name (<c>float32</c>, <c>float64</c>, <c>int64</c>).</summary>
public sealed record WeightsTensor(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("file")] string File,
    [property: JsonPropertyName("dtype")] string DType,
    [property: JsonPropertyName("shape")] IReadOnlyList<long> Shape);
