namespace Declarative.Runtime.Runner;

public interface IProgressSink
{
    void Message(string line);
    void Started(string label);
    void Finished(string label, string status, string detail);
    void Update(SweepProgress progress);
}
