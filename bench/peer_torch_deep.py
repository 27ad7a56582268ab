#!/usr/bin/env python3
"""The PyTorch peer of bench_deep's fine-tuning step.

The same 784-1000-500-250-30 stack (tied: each decoder is W_k^T; sigmoid
layers, linear code, sigmoid output with cross-entropy summed over pixels
and averaged over the batch, SGD with momentum 0.9), on the same bundled
MNIST digits, in PyTorch's best configuration for this job on a CPU: one
intra-op thread (as bench_deep), float32, autograd with the fused
binary_cross_entropy_with_logits, torch.optim.SGD, the batch tensors
sliced from one contiguous tensor (no data loader), after a warm-up.
Then CD-1 on the first layer (784-1000, binary hidden samples, mean-field
visible reconstruction, momentum 0.9), written the fastest way PyTorch
offers for it: no autograd (torch.no_grad), torch.addmm for the
pre-activations with their biases, in-place sigmoid, torch.bernoulli,
the weight update folded into two addmm calls on the momentum (beta =
momentum), in-place updates of the biases. autoscope keeps the gradient
(the layers pane shows its norm), so it makes one more pass.
Prints examples/s per batch size; bench_deep.sh puts them beside
autoscope's. TORCH_THREADS=N tries N intra-op threads (slower here). Usage: peer_torch_deep.py ASSETS_DIR [seconds per cell]
"""
import gzip
import os
import struct
import sys
import time

import torch


def load_mnist(assets):
    path = os.path.join(assets, "mnist", "t10k-images-idx3-ubyte.gz")
    with gzip.open(path, "rb") as f:
        data = f.read()
    magic, n, rows, cols = struct.unpack(">IIII", data[:16])
    assert magic == 2051
    x = torch.frombuffer(bytearray(data[16:]), dtype=torch.uint8)
    return x.view(n, rows * cols).float() / 255.0


def main():
    assets = sys.argv[1]
    cell = float(sys.argv[2]) if len(sys.argv) > 2 else 1.0
    torch.set_num_threads(int(os.environ.get("TORCH_THREADS", "1")))
    torch.manual_seed(1)
    x = load_mnist(assets)[:8000].contiguous()
    sizes = [784, 1000, 500, 250, 30]
    ws, bs, cs = [], [], []
    for k in range(4):
        r = 4 * (6.0 / (sizes[k] + sizes[k + 1])) ** 0.5
        ws.append(((torch.rand(sizes[k + 1], sizes[k]) * 2 - 1) * r)
                  .requires_grad_())
        bs.append(torch.zeros(sizes[k + 1], requires_grad=True))
        cs.append(torch.zeros(sizes[k], requires_grad=True))
    params = ws + bs + cs
    opt = torch.optim.SGD(params, lr=0.001, momentum=0.9)

    def step(batch):
        h = batch
        for k in range(4):
            h = torch.nn.functional.linear(h, ws[k], bs[k])
            if k < 3:
                h = torch.sigmoid(h)
        for k in reversed(range(4)):
            h = torch.nn.functional.linear(h, ws[k].t(), cs[k])
            if k > 0:
                h = torch.sigmoid(h)
        loss = torch.nn.functional.binary_cross_entropy_with_logits(
            h, batch, reduction="sum") / batch.shape[0]
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()

    print("torch %s, %d thread" % (torch.__version__,
                                  torch.get_num_threads()))
    print("step              batch   step ex/s   s/epoch")
    for n in (20, 64, 256):
        at = 0
        for _ in range(20):  # warm-up
            step(x[at:at + n])
            at = (at + n) % (8000 - n)
        done, t0 = 0, time.perf_counter()
        while time.perf_counter() - t0 < 7 * cell:
            step(x[at:at + n])
            at = (at + n) % (8000 - n)
            done += n
        rate = done / (time.perf_counter() - t0)
        print("%-17s %5d %11.0f %9.2f" % ("torch fine-tuning", n, rate,
                                          8000 / rate))
        sys.stdout.flush()

    w = ws[0].detach().clone()
    b = torch.zeros(1000)
    c = torch.zeros(784)
    vw, vb, vc = torch.zeros_like(w), torch.zeros_like(b), torch.zeros_like(c)
    lr, mom = 0.01, 0.9

    def cd1(v0):
        n = v0.shape[0]
        ph0 = torch.addmm(b, v0, w.t()).sigmoid_()
        h0 = torch.bernoulli(ph0)
        v1 = torch.addmm(c, h0, w).sigmoid_()
        ph1 = torch.addmm(b, v1, w.t()).sigmoid_()
        # vw = mom vw + lr (ph0^T v0 - ph1^T v1) / n, in the GEMMs
        # themselves (no gradient array: PyTorch's fastest form here)
        vw.addmm_(ph0.t(), v0, beta=mom, alpha=lr / n)
        vw.addmm_(ph1.t(), v1, alpha=-lr / n)
        w.add_(vw)
        vb.mul_(mom).add_((ph1 - ph0).mean(0), alpha=-lr)
        b.add_(vb)
        vc.mul_(mom).add_((v1 - v0).mean(0), alpha=-lr)
        c.add_(vc)

    with torch.no_grad():
        for n in (20, 64, 256):
            at = 0
            for _ in range(20):  # warm-up
                cd1(x[at:at + n])
                at = (at + n) % (8000 - n)
            done, t0 = 0, time.perf_counter()
            while time.perf_counter() - t0 < 7 * cell:
                cd1(x[at:at + n])
                at = (at + n) % (8000 - n)
                done += n
            rate = done / (time.perf_counter() - t0)
            print("%-17s %5d %11.0f %9.2f" % ("torch CD-1", n, rate,
                                              8000 / rate))
            sys.stdout.flush()


if __name__ == "__main__":
    main()
