namespace System.Runtime.CompilerServices
{
    // Lets netstandard2.0 declare records and init-only members.
    internal static class IsExternalInit
    {
    }
}
