#!/usr/bin/python3
"""Cross-check of Declarative's numerics against PyTorch (Debian's python3-torch), on exported weights.

1. Train a trial and keep its weights:
     ./build.sh RunExperiments --filter ValleyFloorBetweenIterates --keep-weights
2. Let Declarative compute its figures on the trial's initial/ and final/ weights:
     dotnet benchmarks/Declarative.Benchmarks/bin/Release/net10.0/Declarative.Benchmarks.dll crosscheck \
         --trial artifacts/weights/ValleyFloorBetweenIterates/<trial-id> --out artifacts/crosscheck
3. Compute the same in PyTorch and compare (exit code 1 on any disagreement):
     /usr/bin/python3 tools/crosscheck_pytorch.py --trial artifacts/weights/ValleyFloorBetweenIterates/<trial-id> --out artifacts/crosscheck

Compared, on the same first N Fashion-MNIST test examples (written by step 2), all in float64:
mean cross-entropy and the interpolation profile between the initial and final weights (relative
tolerance 1e-9), the top Hessian eigenvalues (Lanczos with full re-orthogonalisation here too;
relative tolerance 1e-6), and Hutchinson trace estimates (independent Rademacher probes on each
side: they agree when the difference is within 4 combined standard errors).
"""
import argparse, json, math, os, sys

import numpy as np
import torch


def load_snapshot(folder):
    manifest = json.load(open(os.path.join(folder, "manifest.json")))
    return {t["name"]: torch.from_numpy(np.load(os.path.join(folder, t["file"]))).double() for t in manifest["tensors"]}


def build_mlp(state, hidden):
    names = [n for n in state if n.endswith(".weight")]
    sizes = [state[names[0]].shape[1]] + hidden + [state[names[-1]].shape[0]]
    layers = []
    for i in range(len(sizes) - 1):
        layers.append(torch.nn.Linear(sizes[i], sizes[i + 1]))
        if i < len(sizes) - 2:
            layers.append(torch.nn.ReLU())
    model = torch.nn.Sequential(*layers).double()
    linear = [m for m in model if isinstance(m, torch.nn.Linear)]
    weights = [state[n] for n in names]
    biases = [state[n[: -len("weight")] + "bias"] for n in names]
    with torch.no_grad():
        for layer, w, b in zip(linear, weights, biases):
            layer.weight.copy_(w)
            layer.bias.copy_(b)
    return model


def flat(params):
    return torch.cat([p.reshape(-1) for p in params])


def assign(params, vector):
    offset = 0
    with torch.no_grad():
        for p in params:
            n = p.numel()
            p.copy_(vector[offset: offset + n].view_as(p))
            offset += n


def lanczos_top(hvp, n, k, iterations, generator):
    q = torch.randn(n, dtype=torch.float64, generator=generator)
    q /= q.norm()
    basis, alphas, betas = [q], [], []
    for j in range(iterations):
        w = hvp(basis[-1])
        alpha = torch.dot(w, basis[-1]).item()
        alphas.append(alpha)
        Q = torch.stack(basis)
        w = w - Q.T @ (Q @ w)
        w = w - Q.T @ (Q @ w)  # full re-orthogonalisation, twice
        beta = w.norm().item()
        if beta < 1e-12 or j == iterations - 1:
            break
        betas.append(beta)
        basis.append(w / beta)
    T = np.diag(alphas) + np.diag(betas[: len(alphas) - 1], 1) + np.diag(betas[: len(alphas) - 1], -1)
    return sorted(np.linalg.eigvalsh(T), reverse=True)[:k]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--trial", required=True)
    parser.add_argument("--out", default="artifacts/crosscheck")
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)

    ours = json.load(open(os.path.join(args.out, "declarative.json")))
    x = torch.from_numpy(np.load(os.path.join(args.out, "inputs.npy"))).double()
    y = torch.from_numpy(np.load(os.path.join(args.out, "labels.npy")))

    initial = load_snapshot(os.path.join(args.trial, "initial"))
    final = load_snapshot(os.path.join(args.trial, "final"))
    model = build_mlp(final, ours["hidden"])
    params = [p for p in model.parameters()]
    loss_fn = lambda: torch.nn.functional.cross_entropy(model(x), y)

    loss = loss_fn()
    grads = torch.autograd.grad(loss, params, create_graph=True)
    g = flat(grads)

    def hvp(v):
        return flat(torch.autograd.grad(g, params, grad_outputs=v, retain_graph=True)).detach()

    n = g.numel()
    generator = torch.Generator().manual_seed(11)
    eig = lanczos_top(hvp, n, len(ours["top_eigenvalues"]), 80, generator)
    probes = []
    for _ in range(ours["trace_probes"]):
        z = torch.randint(0, 2, (n,), generator=generator, dtype=torch.float64) * 2 - 1
        probes.append(torch.dot(z, hvp(z)).item())
    trace_mean = float(np.mean(probes))
    trace_stderr = float(np.std(probes, ddof=1) / math.sqrt(len(probes)))

    theta0 = flat(model.parameters()).detach().clone()
    end = theta0
    # the state dict lists weight, bias per layer in order: the same order as model.parameters()
    start = torch.cat([initial[name].reshape(-1) for name in final])
    profile = []
    for a in ours["alphas"]:
        assign(params, start + a * (end - start))
        with torch.no_grad():
            profile.append(loss_fn().item())
    assign(params, theta0)

    rows = []
    def compare(name, theirs, mine, rel):
        error = abs(theirs - mine) / max(abs(mine), 1e-300)
        rows.append((name, mine, theirs, error, rel, error <= rel))

    compare("loss", loss.item(), ours["loss"], 1e-9)
    for i, (a, b) in enumerate(zip(eig, ours["top_eigenvalues"])):
        compare(f"lambda_{i + 1}", a, b, 1e-6)
    worst = max(abs(a - b) / max(abs(b), 1e-300) for a, b in zip(profile, ours["profile"]))
    rows.append(("profile (21 alphas, worst)", ours["profile"][0], profile[0], worst, 1e-9, worst <= 1e-9))
    combined = math.sqrt(trace_stderr ** 2 + ours["trace_stderr"] ** 2)
    diff = abs(trace_mean - ours["trace_mean"])
    rows.append(("trace (Hutchinson)", ours["trace_mean"], trace_mean, diff / combined, 4.0, diff <= 4 * combined))

    print(f"{'quantity':28} {'Declarative':>16} {'PyTorch':>16} {'error':>10} {'tolerance':>10}  agree")
    for name, mine, theirs, error, tol, ok in rows:
        print(f"{name:28} {mine:16.10g} {theirs:16.10g} {error:10.3g} {tol:10.3g}  {'yes' if ok else 'NO'}")
    print(f"(trace error is in combined standard errors: Declarative ± {ours['trace_stderr']:.3g}, PyTorch ± {trace_stderr:.3g})")
    return 0 if all(r[-1] for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
