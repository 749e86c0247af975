namespace Declarative.Runtime.Store;

/// <summary>The store cannot be used (newer schema, corrupt file, unwritable folder); nothing was deleted.</summary>
public sealed class StoreException(string message, Exception? inner = null) : Exception(message, inner);
