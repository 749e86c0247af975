using Declarative.Runtime.Schedules;

namespace Declarative.Runtime.Training;

/// <summary>
/// What a training loop keeps per member: the seed that orders its batches, its data (the shared inputs with its
/// own labels, e.g. the label noise its seed flips), its declared learning rate (the one owner of the trial's
/// learning rate in the loop: the value its schedule starts from) and, optionally, its learning-rate schedule over updates
/// (which then gives the learning rate of every update, <see cref="TrainingState.ScheduledLearningRate"/>).
/// </summary>
public sealed record LoopMember(long Seed, Data.ClassificationData Data, double DeclaredLearningRate, Schedule? LearningRateSchedule = null);
