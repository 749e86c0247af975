namespace Declarative.Runtime.Runner;

/// <summary>Where the runner reports what happens.</summary>
public interface IProgressView
{
    /// <summary>Runs the sweep's loop; the view renders while it runs.</summary>
    void Run(Action<IProgressSink> loop);
}
