using Declarative.Runtime.Experiments;
using TorchSharp;

namespace Declarative.Runtime.Weights;

/// <summary>
/// Where one trial keeps its weights, set on <see cref="TrialContext.Weights"/> by the runner when
/// the run was asked to keep them (<c>--keep-weights</c>): <c>{root}/{experiment}/{trial id}/{initial,final,step-NNNNNNNN}/</c>.
/// The generated loop calls <see cref="Save"/>; the manifest carries the trial's identity and parameters.
/// </summary>
public sealed class TrialWeights(string folder, string experiment, ITrial trial)
{
    public string Folder { get; } = folder;

    public static TrialWeights For(string root, string experiment, ITrial trial) =>
        new(Path.Combine(root, experiment, trial.Id), experiment, trial);

    /// <summary>Saves the module under <paramref name="name"/> (<c>initial</c>, <c>final</c>, or a checkpoint's name).</summary>
    public string Save(torch.nn.Module module, string name, long step)
    {
        var path = Path.Combine(Folder, name);
        WeightsWriter.Save(module, path, new Dictionary<string, object?>
        {
            ["experiment"] = experiment,
            ["trial_id"] = trial.Id,
            ["seed"] = trial.Seed,
            ["step"] = step,
            ["parameters"] = trial.Parameters.ToDictionary(p => p.Key, p => p.Value),
            ["epochs"] = trial.Settings.Epochs,
        });
        return path;
    }

    /// <summary>The folder name of a periodic checkpoint at <paramref name="step"/>.</summary>
    public static string Checkpoint(long step) => "step-" + step.ToString("D8", System.Globalization.CultureInfo.InvariantCulture);
}
