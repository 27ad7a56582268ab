#!/usr/bin/env python3
"""model.json rebuilds the forward pass with numpy alone.

Usage: model_json.py DIR

DIR holds an export of a deep run (model.json, the .npy files it names and
recon.png). The test reads recon.png's three rows (clean digits, the inputs
as corrupted, the run's reconstructions of them, 8-bit), runs the corrupted
inputs through the encoder and decoder that model.json lists, and checks
that the result is the run's reconstruction to within the 8-bit rounding.
A wrong shape, activation, order or transposition is off by far more.
"""
import json
import os
import struct
import sys
import zlib

import numpy as np


def read_png_gray(path):
    """8-bit grayscale, non-interlaced PNG into a 2-D uint8 array."""
    with open(path, "rb") as f:
        data = f.read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    at, idat, width, height = 8, b"", 0, 0
    while at < len(data):
        (n,) = struct.unpack(">I", data[at:at + 4])
        kind = data[at + 4:at + 8]
        body = data[at + 8:at + 8 + n]
        if kind == b"IHDR":
            width, height, depth, color = struct.unpack(">IIBB", body[:10])
            assert depth == 8 and color == 0, "not 8-bit gray"
        elif kind == b"IDAT":
            idat += body
        at += 12 + n
    raw = zlib.decompress(idat)
    out = np.zeros((height, width), dtype=np.int32)
    prev = np.zeros(width, dtype=np.int32)
    stride = width + 1
    for y in range(height):
        ftype = raw[y * stride]
        line = np.frombuffer(raw, dtype=np.uint8, count=width,
                             offset=y * stride + 1).astype(np.int32)
        cur = np.zeros(width, dtype=np.int32)
        for x in range(width):
            a = cur[x - 1] if x else 0
            b = prev[x]
            c = prev[x - 1] if x else 0
            if ftype == 0:
                p = 0
            elif ftype == 1:
                p = a
            elif ftype == 2:
                p = b
            elif ftype == 3:
                p = (a + b) // 2
            else:
                pa, pb, pc = abs(b - c), abs(a - c), abs(a + b - 2 * c)
                p = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
            cur[x] = (line[x] + p) & 255
        out[y] = cur
        prev = cur
    return out.astype(np.uint8)


def act(name, z):
    if name == "sigmoid":
        return 1.0 / (1.0 + np.exp(-z))
    if name == "linear":
        return z
    raise AssertionError("unknown activation " + name)


def main():
    d = sys.argv[1]
    with open(os.path.join(d, "model.json")) as f:
        model = json.load(f)
    rows, cols = model["image"]
    assert rows * cols == model["input"]
    sizes = [model["input"]] + [int(v) for v in model["layers"].split("-")]
    enc, dec = model["encoder"], model["decoder"]
    assert len(dec) == len(sizes) - 1
    # sparse coding infers its code (no encoder); PSD's encoder predicts it
    assert len(enc) == (0 if model.get("model") == "sc" else len(dec))
    for k, layer in enumerate(enc):
        w = np.load(os.path.join(d, layer["weights"]))
        b = np.load(os.path.join(d, layer["bias"]))
        assert list(w.shape) == layer["shape"] == [sizes[k + 1], sizes[k]]
        assert b.shape == (sizes[k + 1],)
    png = read_png_gray(os.path.join(d, "recon.png"))
    scale = 2 if cols >= 24 else (3 if cols >= 12 else 4)
    tw, th = cols * scale, rows * scale
    n = (png.shape[1] + 1) // (tw + 1)
    assert png.shape == (3 * th + 2, n * tw + n - 1), png.shape

    def tile(r, i):
        y0, x0 = r * (th + 1), i * (tw + 1)
        return png[y0:y0 + th:scale, x0:x0 + tw:scale].reshape(-1) / 255.0

    x = np.stack([tile(1, i) for i in range(n)])  # the corrupted inputs
    want = np.stack([tile(2, i) for i in range(n)])
    h = x
    for layer in enc + dec:
        w = np.load(os.path.join(d, layer["weights"])).astype(np.float64)
        b = np.load(os.path.join(d, layer["bias"])).astype(np.float64)
        assert w.shape[1] == h.shape[1], (layer, h.shape)
        if layer["activation"] == "gain_tanh":
            g = np.load(os.path.join(d, layer["gain"])).astype(np.float64)
            h = g * np.tanh(h @ w.T + b)
        else:
            h = act(layer["activation"], h @ w.T + b)
    got = np.clip(h, 0, 1)
    gap = np.abs(got - want).max()
    print("model.json forward pass of %d digits through %s: largest "
          "difference from recon.png %.4f (8-bit step %.4f)"
          % (n, model["layers"], gap, 1 / 255))
    # rounding to 8 bits: half a step, and the float32 run against float64
    assert gap <= 0.5 / 255 + 1e-3, gap
    # and the picture is a reconstruction, not a blank
    assert np.abs(want - want.mean()).max() > 0.2
    if "classifier" in model:
        c = model["classifier"]
        w = np.load(os.path.join(d, c["weights"]))
        assert list(w.shape) == c["shape"] == [c["shape"][0], sizes[-1]]
    print("ok")


if __name__ == "__main__":
    main()
