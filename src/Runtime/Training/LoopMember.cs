using Declarative.Runtime.Schedules;

namespace Declarative.Runtime.Training;

/// <summary>
/// What a training loop keeps per member: the seed that orders its batches, its data (the shared inputs with its
/// own labels, e.g. the label noise its seed flips), its declared learning rate and, optionally, its learning-rate
/// schedule over updates (which then gives the learning rate of every update).
/// </summary>
public sealed record LoopMember(long Seed, Data.ClassificationData Data, double LearningRate, Schedule? LearningRateSchedule = null);
