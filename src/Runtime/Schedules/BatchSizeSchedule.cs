namespace Declarative.Runtime.Schedules;

/// <summary>
/// The batch size of each epoch, from a <see cref="Schedule"/> over epochs (t = epoch, T = epochs),
/// rounded to the nearest integer and clamped to [1, training examples]. Any schedule shape works:
/// <c>Schedule.Step(128, every: 2, gamma: 2)</c> doubles the batch every two epochs (increasing
/// the batch instead of decaying the learning rate).
/// </summary>
public sealed record BatchSizeSchedule(Schedule Schedule)
{
    public int At(int epoch, int epochs, int trainCount)
    {
        var value = (int)Math.Round(Schedule.At(epoch, epochs), MidpointRounding.AwayFromZero);
        return Math.Clamp(value, 1, Math.Max(1, trainCount));
    }

    public static BatchSizeSchedule Constant(int batchSize) => new(Schedule.Constant(batchSize));

    public string Description => $"batch size {Schedule.Description}";
}
