"""PyTorch side of the library benchmark (bench/library.ts starts it).

Trains the same networks as the hand-coded side, in float64, from the same
initial weights on the same minibatches in the same order, with torch.optim.SGD.
It answers one JSON line per request read from stdin, so the benchmark can
interleave its runs with the other sides' runs:

  {"cmd": "load", "id": "P2", "dir": "/tmp/…"}    the problem written by library.ts
  {"cmd": "train", "id": "P2", "epochs": 1}       → {"seconds", "cpuSeconds", "finalLoss", "accuracy"}
  {"cmd": "mm", "n": 100, "m": 784, "p": 100, "repeat": 50}  → {"seconds"} per dense product (best of repeat)

Files in a problem's directory: meta.json, X.f64 (N×d), y.f64 (N), the
parameters w0.f64 … and b0.f64 … (row-major, our W is u(l−1)×u(l): a = h·W + b)
and batches.i32 (every epoch's permutation of 0..N−1, one after another).
"""
import json
import os
import sys
import time

import torch
import torch.nn.functional as F

torch.set_default_dtype(torch.float64)


def read(directory, name, dtype, shape):
    with open(os.path.join(directory, name), "rb") as f:
        data = bytearray(f.read())
    return torch.frombuffer(data, dtype=dtype).reshape(shape).clone()


class Problem:
    def __init__(self, directory):
        meta = json.load(open(os.path.join(directory, "meta.json")))
        self.meta = meta
        n, units = meta["rows"], meta["units"]
        self.X = read(directory, "X.f64", torch.float64, (n, units[0]))
        self.y = read(directory, "y.f64", torch.float64, (n,))
        layers = len(units) - 1
        self.W0 = [read(directory, f"w{l}.f64", torch.float64, (units[l], units[l + 1])) for l in range(layers)]
        self.b0 = [read(directory, f"b{l}.f64", torch.float64, (units[l + 1],)) for l in range(layers)]
        order = read(directory, "batches.i32", torch.int32, (meta["epochs"], n)).long()
        size = meta["batchSize"]
        self.batches = [[order[e, s : s + size] for s in range(0, n, size)] for e in range(meta["epochs"])]
        self.labels = self.y.long() if meta["loss"] == "softmax_cross_entropy" else self.y

    def scores(self, W, b, x):
        h = x
        for l in range(len(W)):
            a = h @ W[l] + b[l]
            h = torch.relu(a) if l < len(W) - 1 else a
        return h

    def loss(self, s, y):
        if self.meta["loss"] == "softmax_cross_entropy":
            return F.cross_entropy(s, y)
        if self.meta["loss"] == "logistic_loss":  # labels ±1: mean log(1 + e^(−y·s))
            return F.softplus(-y * s[:, 0]).mean()
        raise ValueError(f"library_torch.py: loss {self.meta['loss']} is not implemented")

    def accuracy(self, s):
        if self.meta["loss"] == "softmax_cross_entropy":
            pred = s.argmax(dim=1).double()
        else:
            pred = torch.where(s[:, 0] > 0, 1.0, -1.0)  # as the logistic loss predicts in lib/losses.ts
        return (pred == self.y).double().mean().item()

    def train(self, epochs):
        W = [w.clone().requires_grad_() for w in self.W0]
        b = [v.clone().requires_grad_() for v in self.b0]
        optimizer = torch.optim.SGD(W + b, lr=self.meta["learningRate"])
        wall, cpu = time.perf_counter(), time.process_time()
        for e in range(epochs):
            for idx in self.batches[e]:
                optimizer.zero_grad(set_to_none=True)
                loss = self.loss(self.scores(W, b, self.X[idx]), self.labels[idx])
                loss.backward()
                optimizer.step()
        seconds, cpu_seconds = time.perf_counter() - wall, time.process_time() - cpu
        with torch.no_grad():
            s = self.scores(W, b, self.X)
            return {
                "seconds": seconds,
                "cpuSeconds": cpu_seconds,
                "finalLoss": self.loss(s, self.labels).item(),
                "accuracy": self.accuracy(s),
            }


def dense_product_seconds(n, m, p, repeat):
    """Best time of one dense float64 n×m · m×p product (the machine's peak for that shape)."""
    generator = torch.Generator().manual_seed(0)
    a, b = torch.rand(n, m, generator=generator), torch.rand(m, p, generator=generator)
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        torch.mm(a, b)
        best = min(best, time.perf_counter() - start)
    return best


def main():
    threads = int(os.environ.get("NNLAB_TORCH_THREADS", "2"))
    torch.set_num_threads(threads)
    problems = {}
    print(json.dumps({"ready": True, "torch": torch.__version__, "threads": torch.get_num_threads()}), flush=True)
    for line in sys.stdin:
        request = json.loads(line)
        try:
            if request["cmd"] == "load":
                problems[request["id"]] = Problem(request["dir"])
                answer = {"ok": True}
            elif request["cmd"] == "train":
                answer = problems[request["id"]].train(request["epochs"])
            elif request["cmd"] == "mm":
                answer = {"seconds": dense_product_seconds(request["n"], request["m"], request["p"], request["repeat"])}
            else:
                answer = {"error": f"unknown command {request['cmd']}"}
        except Exception as e:  # reported to library.ts, which stops with the message
            answer = {"error": f"{type(e).__name__}: {e}"}
        print(json.dumps(answer), flush=True)


if __name__ == "__main__":
    main()
