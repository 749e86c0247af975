#!/usr/bin/python3
"""PyTorch reference for the training benchmark: one epoch of the 784-256-256-10 MLP with plain SGD
on Fashion-MNIST, the same data handling as Declarative's loop (standardised pixels, one shuffle per
epoch, contiguous batch views, last partial batch dropped). Prints one JSON line per measured epoch.

Run with Debian's python3-torch and OpenBLAS (apt-get install python3-torch libopenblas0-openmp):
  /usr/bin/python3 benchmarks/pytorch/mlp_epoch.py --batch 128 --threads 2 --epochs 3
"""
import argparse, gzip, json, os, resource, struct, time

import numpy as np
import torch


def read_idx(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        data = f.read()
    dims = data[3]
    shape = struct.unpack(">" + "I" * dims, data[4:4 + 4 * dims])
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def locate(folder, name):
    for candidate in (name, name + ".gz"):
        path = os.path.join(folder, candidate)
        if os.path.exists(path):
            return path
    raise SystemExit(f"missing {os.path.join(folder, name)}[.gz]: apt-get install dataset-fashion-mnist")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--batch", type=int, default=128)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--lr", type=float, default=0.01)
    parser.add_argument("--data", default=os.environ.get("DECLARATIVE_FASHION_MNIST", "/usr/share/datasets/fashion-mnist"))
    args = parser.parse_args()

    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    x = torch.from_numpy(read_idx(locate(args.data, "train-images-idx3-ubyte")).reshape(-1, 784).astype(np.float32) / 255.0)
    y = torch.from_numpy(read_idx(locate(args.data, "train-labels-idx1-ubyte")).astype(np.int64))
    x = (x - x.mean()) / x.std()

    model = torch.nn.Sequential(torch.nn.Linear(784, 256), torch.nn.ReLU(), torch.nn.Linear(256, 256), torch.nn.ReLU(), torch.nn.Linear(256, 10))
    optimizer = torch.optim.SGD(model.parameters(), lr=args.lr)
    loss_fn = torch.nn.CrossEntropyLoss()
    steps = x.shape[0] // args.batch
    generator = torch.Generator().manual_seed(1)
    for epoch in range(args.epochs):
        start = time.perf_counter()
        perm = torch.randperm(x.shape[0], generator=generator)
        xs, ys = x[perm], y[perm]
        for i in range(steps):
            xb = xs.narrow(0, i * args.batch, args.batch)
            yb = ys.narrow(0, i * args.batch, args.batch)
            optimizer.zero_grad()
            loss = loss_fn(model(xb), yb)
            loss.backward()
            optimizer.step()
        final = loss.item()
        seconds = time.perf_counter() - start
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(json.dumps({"engine": "pytorch", "batch": args.batch, "threads": args.threads, "epoch": epoch,
                          "seconds": seconds, "steps": steps, "loss": final, "peak_rss_mb": peak_mb}), flush=True)


if __name__ == "__main__":
    main()
