using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Declarative.Runtime.Optimizers;

/// <summary>
/// TorchSharp's RAdam with its update corrected to PyTorch's. In TorchSharp 0.107 the rectified branch
/// (ρ_t &gt; 5, from about the sixth step with β₂ = 0.999) multiplies by the learning rate twice
/// (<c>t6 = m̂·lr</c>, then <c>t6 * lr * adaptive_lr * rect</c>), so RAdam effectively trains with lr²
/// once rectification starts; OptimizerReferenceTests shows the divergence from PyTorch 1.13 at step
/// 10. Only <see cref="step"/> is replaced; parameter groups, state and learning-rate control are
/// TorchSharp's. Remove this class when TorchSharp fixes RAdam.step.
/// </summary>
public sealed class RectifiedAdam : TorchSharp.Modules.RAdam
{
    public RectifiedAdam(IEnumerable<Parameter> parameters, double lr = 0.002, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8, double weight_decay = 0)
        : base(parameters, lr, beta1, beta2, eps, weight_decay)
    {
    }

    public override Tensor step(Func<Tensor>? closure = null)
    {
        return _step<ParamGroup>(group =>
        {
            var options = (Options)group.Options;
            var beta1 = options.beta1!.Value;
            var beta2 = options.beta2!.Value;
            var eps = options.eps!.Value;
            var weightDecay = options.weight_decay!.Value;
            var lr = options.LearningRate!.Value;

            foreach (var param in group.Parameters)
            {
                var grad = param.grad;
                if (grad is null) continue;
                var state = (State)_state[param.Handle];
                state.step += 1;

                var biasCorrection1 = 1 - Math.Pow(beta1, state.step);
                var biasCorrection2 = 1 - Math.Pow(beta2, state.step);
                grad = weightDecay != 0 ? grad.add(param, alpha: weightDecay) : grad.alias();

                state.exp_avg.mul_(beta1).add_(grad, alpha: 1 - beta1);
                state.exp_avg_sq.mul_(beta2).addcmul_(grad, grad, value: 1 - beta2);
                var correctedAverage = state.exp_avg / biasCorrection1;

                var rhoInf = 2 / (1 - beta2) - 1;
                var rhoT = rhoInf - 2 * state.step * Math.Pow(beta2, state.step) / biasCorrection2;
                if (rhoT > 5)
                {
                    var rect = Math.Sqrt((rhoT - 4) * (rhoT - 2) * rhoInf / ((rhoInf - 4) * (rhoInf - 2) * rhoT));
                    var adaptive = Math.Sqrt(biasCorrection2) / state.exp_avg_sq.sqrt().add_(eps);
                    param.add_(correctedAverage * adaptive * (lr * rect), alpha: -1.0);
                }
                else
                {
                    param.add_(correctedAverage * lr, alpha: -1.0);
                }
            }
        }, closure);
    }
}
