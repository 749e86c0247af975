namespace Declarative.Runtime.Data;

/// <summary>A data file is missing or unreadable; the message names the file, the expected format and the fix.</summary>
public sealed class DataSetException(string message, Exception? inner = null) : Exception(message, inner);
