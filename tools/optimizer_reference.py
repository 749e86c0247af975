# Reference values for tests/Declarative.Runtime.Tests/Optimizers/OptimizerReferenceTests.cs.
# Run once with Debian's PyTorch 1.13: /usr/bin/python3 tools/optimizer_reference.py
# A tiny fixed least-squares problem in float64; prints the flattened parameters [W(2x2), b(2)]
# after steps 1, 2, 3 and 10 of each optimizer, as C# array literals.
import torch

torch.set_default_dtype(torch.float64)
X = torch.tensor([[1.0, 2.0], [-1.0, 0.5], [0.3, -0.7]])
Y = torch.tensor([[0.5, -1.0], [1.5, 0.2], [-0.4, 0.9]])

def run(make):
    W = torch.tensor([[0.5, -0.3], [0.8, 0.1]], requires_grad=True)
    b = torch.tensor([0.1, -0.2], requires_grad=True)
    opt = make([W, b])
    out = {}
    for step in range(1, 11):
        opt.zero_grad()
        loss = ((X @ W.T + b - Y) ** 2).mean()
        loss.backward()
        opt.step()
        if step in (1, 2, 3, 10):
            out[step] = torch.cat([W.detach().flatten(), b.detach()]).tolist()
    return out

cases = {
    "Sgd": lambda p: torch.optim.SGD(p, lr=0.1, weight_decay=0.01),
    "Momentum": lambda p: torch.optim.SGD(p, lr=0.1, momentum=0.9, dampening=0.1, weight_decay=0.01),
    "Nesterov": lambda p: torch.optim.SGD(p, lr=0.1, momentum=0.9, nesterov=True, weight_decay=0.01),
    "Adam": lambda p: torch.optim.Adam(p, lr=0.05, betas=(0.8, 0.99), eps=1e-6, weight_decay=0.01),
    "AdamW": lambda p: torch.optim.AdamW(p, lr=0.05, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.1),
    "RAdam": lambda p: torch.optim.RAdam(p, lr=0.05, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.01),
}
print("// torch", torch.__version__)
for name, make in cases.items():
    out = run(make)
    for step, values in out.items():
        print(f'["{name}:{step}"] = [{", ".join(repr(v) for v in values)}],')
