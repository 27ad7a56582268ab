#!/usr/bin/python3
"""Writes the seed corpus of the fuzz targets into tests/fuzz/corpus/.

Real inputs made small (the first MNIST digits, crops of the bundled
photographs in every PNG colour type and bit depth, the bundled
checkpoints, option lines of the README and of --help, the lessons'
settings) and crafted edge cases around each. Deterministic: running it
again writes the same bytes. Needs python3-pil (Debian). The files the
fuzzer found and -merge=1 added (named by their SHA-1) are left alone.

    /usr/bin/python3 tests/fuzz/make_seeds.py [AUTOSCOPE]

With the path of a built autoscope it also trains two tiny runs and keeps
their checkpoints as seeds of today's format (v<version>-*.ascp); without
it the ones already in corpus/checkpoint/ stay as they are.
"""

import gzip
import io
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import zlib

from PIL import Image

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
CORPUS = os.path.join(HERE, "corpus")


def put(target, name, data):
    d = os.path.join(CORPUS, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def gz(data):
    out = io.BytesIO()
    with gzip.GzipFile(fileobj=out, mode="wb", mtime=0) as f:
        f.write(data)
    return out.getvalue()


# ---- IDX --------------------------------------------------------------

def idx(dims, payload, kind=0x08):
    head = bytes([0, 0, kind, len(dims)])
    return head + b"".join(struct.pack(">I", d) for d in dims) + payload


def mnist(n):
    with gzip.open(os.path.join(ROOT, "assets/mnist/t10k-images-idx3-ubyte.gz")) as f:
        im = f.read(16 + n * 784)[16:]
    with gzip.open(os.path.join(ROOT, "assets/mnist/t10k-labels-idx1-ubyte.gz")) as f:
        lb = f.read(8 + n)[8:]
    return im, lb


def idx_seeds():
    im, lb = mnist(3)
    images = idx([3, 28, 28], im)
    labels = idx([3], lb)
    put("idx", "mnist3-images", images)
    put("idx", "mnist3-labels", labels)
    put("idx", "mnist3-flat", idx([3, 784], im))
    put("idx", "mnist1-4d", idx([1, 1, 28, 28], im[:784]))
    put("idx", "tiny-2x2", idx([1, 2, 2], b"\x00\x40\x80\xff"))
    put("idx", "empty", b"")
    put("idx", "short-3", b"\x00\x00\x08")
    put("idx", "header-only", idx([3, 28, 28], b""))
    put("idx", "one-short", images[:-1])
    put("idx", "one-long", images + b"\x00")
    put("idx", "bad-magic", b"\x01" + images[1:])
    put("idx", "type-float", idx([1, 2], b"\0" * 8, kind=0x0D))
    put("idx", "ndim-0", bytes([0, 0, 8, 0]))
    put("idx", "ndim-5", idx([1, 1, 1, 1, 1], b"\x07"))
    put("idx", "dim-zero", idx([0, 28, 28], b""))
    put("idx", "overflow", idx([0xFFFFFFFF] * 4, b"\x01"))
    put("idx", "huge-count", idx([1000000000], b"\x01\x02"))
    put("idx", "cut-dims", images[:9])

    # idx_gz: [flags][u16 images length, if labels][images][labels]
    def with_labels(flags, a, b):
        return bytes([flags | 1]) + struct.pack("<H", len(a)) + a + b

    def alone(flags, a):
        return bytes([flags & ~1]) + a

    h25 = 2 << 1  # held out 2/8
    put("idx_gz", "plain", alone(h25, images))
    put("idx_gz", "gzip", alone(h25, gz(images)))
    put("idx_gz", "gzip-labels-gzip", with_labels(h25, gz(images), gz(labels)))
    put("idx_gz", "plain-labels-plain", with_labels(h25, images, labels))
    put("idx_gz", "max2-labels", with_labels(h25 | 2 << 4, gz(images), labels))
    put("idx_gz", "holdout-7of8", alone(7 << 1, gz(images)))
    put("idx_gz", "holdout-0", alone(0, images))
    put("idx_gz", "flat-gzip", alone(h25, gz(idx([3, 784], im))))
    put("idx_gz", "flat-10", alone(h25, idx([3, 10], im[:30])))
    put("idx_gz", "one-example", alone(h25, idx([1, 28, 28], im[:784])))
    put("idx_gz", "labels-2-of-3", with_labels(h25, images, idx([2], lb[:2])))
    put("idx_gz", "labels-2d", with_labels(h25, images, idx([3, 1], lb)))
    put("idx_gz", "labels-255", with_labels(h25, images, idx([3], b"\xff\x00\x09")))
    put("idx_gz", "images-1d", alone(h25, labels))
    put("idx_gz", "images-4d", alone(h25, idx([1, 1, 28, 28], im[:784])))
    g = gz(images)
    put("idx_gz", "gzip-cut", alone(h25, g[: len(g) // 2]))
    put("idx_gz", "gzip-no-trailer", alone(h25, g[:-8]))
    put("idx_gz", "gzip-bad-crc", alone(h25, g[:-8] + b"\0\0\0\0" + g[-4:]))
    put("idx_gz", "gzip-two-members", alone(h25, gz(images[:100]) + gz(images[100:])))
    put("idx_gz", "gzip-garbage", alone(h25, gz(b"not an idx file at all")))
    put("idx_gz", "gzip-header-only", alone(h25, g[:10]))
    put("idx_gz", "empty", alone(h25, b""))
    put("idx_gz", "labels-missing", with_labels(h25, images, b""))


# ---- PNG --------------------------------------------------------------

def chunk(kind, body):
    crc = zlib.crc32(kind + body) & 0xFFFFFFFF
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)


CHANNELS = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}
ADAM7 = [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4),
         (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)]


def pack_row(samples, depth):
    """samples: flat list of ints; returns the packed bytes of one row."""
    if depth == 16:
        return b"".join(struct.pack(">H", s) for s in samples)
    if depth == 8:
        return bytes(samples)
    per = 8 // depth
    out = bytearray()
    for i in range(0, len(samples), per):
        b = 0
        group = samples[i:i + per]
        for k, s in enumerate(group):
            b |= s << (8 - depth * (k + 1))
        out.append(b)
    return bytes(out)


def paeth(a, b, c):
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    if pa <= pb and pa <= pc:
        return a
    return b if pb <= pc else c


def filter_rows(rows, bpp):
    """Filters each row with type (row index % 5): all five unfilters."""
    out = bytearray()
    prev = bytes(len(rows[0])) if rows else b""
    for y, row in enumerate(rows):
        ft = y % 5
        out.append(ft)
        for i, x in enumerate(row):
            a = row[i - bpp] if i >= bpp else 0
            b = prev[i]
            c = prev[i - bpp] if i >= bpp else 0
            pred = [0, a, b, (a + b) // 2, paeth(a, b, c)][ft]
            out.append((x - pred) & 0xFF)
        prev = row
    return bytes(out)


def png(pixels, w, h, ctype, depth, interlace=False, extra=b"",
        palette=None, trns=None):
    """pixels[y][x] is a tuple of CHANNELS[ctype] samples."""
    ch = CHANNELS[ctype]
    bpp = max(1, ch * depth // 8)
    raw = b""
    passes = ADAM7 if interlace else [(0, 0, 1, 1)]
    for x0, y0, dx, dy in passes:
        xs = range(x0, w, dx)
        ys = range(y0, h, dy)
        if not xs or not ys:
            continue
        rows = [pack_row([s for x in xs for s in pixels[y][x]], depth)
                for y in ys]
        raw += filter_rows(rows, bpp)
    ihdr = struct.pack(">IIBBBBB", w, h, depth, ctype, 0, 0,
                       1 if interlace else 0)
    body = chunk(b"IHDR", ihdr) + extra
    if palette is not None:
        body += chunk(b"PLTE", bytes(c for rgb in palette for c in rgb))
    if trns is not None:
        body += chunk(b"tRNS", trns)
    return (b"\x89PNG\r\n\x1a\n" + body +
            chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))


def crop(name, mode, w=16, h=16, at=(200, 200)):
    im = Image.open(os.path.join(ROOT, "assets/images", name))
    return im.convert(mode).crop((at[0], at[1], at[0] + w, at[1] + h))


def png_seeds():
    gray = crop("camera.png", "L")
    rgb = crop("chelsea.png", "RGB", at=(180, 100))
    coffee = crop("coffee.png", "RGB", 20, 12, at=(300, 150))
    w, h = gray.size
    g = [[(gray.getpixel((x, y)),) for x in range(w)] for y in range(h)]
    c = [[rgb.getpixel((x, y)) for x in range(w)] for y in range(h)]
    alpha = [[(x * 16 + y) & 255 for x in range(w)] for y in range(h)]

    for depth in (1, 2, 4, 8, 16):
        scale = (1 << depth) - 1
        px = [[(round(v[0] * scale / 255),) for v in row] for row in g]
        put("png", "gray%d.png" % depth, png(px, w, h, 0, depth))
    px = [[(round(v[0] * 1 / 255),) for v in row] for row in g]
    put("png", "gray1-interlaced.png", png(px, w, h, 0, 1, interlace=True))
    put("png", "gray8-interlaced.png", png(g, w, h, 0, 8, interlace=True))
    put("png", "gray8-trns-gama.png",
        png(g, w, h, 0, 8, extra=chunk(b"gAMA", struct.pack(">I", 45455)),
            trns=struct.pack(">H", g[0][0][0])))
    px16 = [[tuple(s * 257 for s in v) for v in row] for row in c]
    put("png", "rgb8.png", png(c, w, h, 2, 8))
    put("png", "rgb16.png", png(px16, w, h, 2, 16))
    put("png", "rgb8-interlaced.png", png(c, w, h, 2, 8, interlace=True))
    ga = [[(g[y][x][0], alpha[y][x]) for x in range(w)] for y in range(h)]
    put("png", "gray-alpha8.png", png(ga, w, h, 4, 8))
    ga16 = [[(s * 257, a * 257) for s, a in row] for row in ga]
    put("png", "gray-alpha16.png", png(ga16, w, h, 4, 16))
    rgba = [[c[y][x] + (alpha[y][x],) for x in range(w)] for y in range(h)]
    put("png", "rgba8.png", png(rgba, w, h, 6, 8))
    rgba16 = [[tuple(s * 257 for s in v) for v in row] for row in rgba]
    put("png", "rgba16.png", png(rgba16, w, h, 6, 16))
    put("png", "rgba16-interlaced.png", png(rgba16, w, h, 6, 16, interlace=True))
    for depth in (1, 2, 4, 8):
        q = rgb.quantize(colors=1 << depth)
        pal = q.getpalette()[: 3 << depth]
        pal = [tuple(pal[i:i + 3]) for i in range(0, len(pal), 3)]
        while len(pal) < (1 << depth):
            pal.append((0, 0, 0))
        idxs = [[(q.getpixel((x, y)),) for x in range(w)] for y in range(h)]
        put("png", "palette%d.png" % depth, png(idxs, w, h, 3, depth,
                                                 palette=pal))
        if depth == 4:
            put("png", "palette4-interlaced-trns.png",
                png(idxs, w, h, 3, 4, interlace=True, palette=pal,
                    trns=bytes(range(0, 256, 16))))
    # PIL's own encoder on the same crops
    for mode, im in (("L", gray), ("RGB", coffee), ("RGBA", rgb.convert("RGBA")),
                     ("LA", gray.convert("LA")), ("1", gray.convert("1")),
                     ("P", coffee.quantize(colors=7)), ("I;16", gray.convert("I"))):
        out = io.BytesIO()
        if mode == "I;16":
            im = im.point(lambda v: v * 257)
        im.save(out, format="PNG", optimize=False)
        put("png", "pil-%s.png" % mode.replace(";", ""), out.getvalue())

    one = png([[(128,)]], 1, 1, 0, 8)
    put("png", "1x1.png", one)
    base = png(g, w, h, 0, 8)
    put("png", "cut-in-idat.png", base[: len(base) - 40])
    put("png", "cut-after-ihdr.png", base[:33])
    put("png", "no-iend.png", base[:-12])
    put("png", "after-iend.png", base + b"trailing bytes")
    bad = bytearray(base)
    bad[29] ^= 1  # IHDR CRC
    put("png", "bad-ihdr-crc.png", bytes(bad))
    bad = bytearray(base)
    bad[45] ^= 0x10  # inside the IDAT data
    put("png", "bad-idat-byte.png", bytes(bad))
    put("png", "signature-only.png", base[:8])
    put("png", "bad-signature.png", b"\x89PNX" + base[4:])

    def header_only(w, h, depth=8, ctype=0, idat=b""):
        ihdr = struct.pack(">IIBBBBB", w, h, depth, ctype, 0, 0, 0)
        return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) +
                chunk(b"IDAT", idat) + chunk(b"IEND", b""))

    put("png", "declares-20000x20000.png", header_only(20000, 20000))
    put("png", "declares-20001x1.png", header_only(20001, 1))
    put("png", "declares-0x16.png", header_only(0, 16))
    put("png", "declares-4000x4000-zeros.png",
        header_only(4000, 4000, idat=bytes(16000)))
    put("png", "declares-rgba16-1000x1000.png",
        header_only(1000, 1000, 16, 6, zlib.compress(bytes(2000))))
    put("png", "bad-depth.png", header_only(16, 16, depth=7))
    pal2 = [(0, 0, 0), (255, 255, 255)]
    put("png", "palette-index-out-of-range.png",
        png([[(x * 16 + y,) for x in range(w)] for y in range(h)], w, h, 3, 8,
            palette=pal2))
    put("png", "palette-missing.png",
        png([[(0,)] * w for _ in range(h)], w, h, 3, 8))
    z = zlib.compress(filter_rows([bytes(v[0] for v in row) for row in g], 1), 9)
    ihdr = struct.pack(">IIBBBBB", w, h, 8, 0, 0, 0, 0)
    put("png", "two-idat.png",
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) +
        chunk(b"IDAT", z[:50]) + chunk(b"tEXt", b"Comment\0between") +
        chunk(b"IDAT", z[50:]) + chunk(b"IEND", b""))
    put("png", "two-idat-consecutive.png",
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"tEXt", b"Comment\0before") +
        chunk(b"IDAT", z[:50]) + chunk(b"IDAT", z[50:]) + chunk(b"IEND", b""))
    text = zlib.compress(b"a comment " * 10000, 9)
    put("png", "ancillary-chunks.png",
        base[:33] + chunk(b"zTXt", b"Comment\0\0" + text) +
        chunk(b"iTXt", b"Title\0\0\0en\0\0photo") +
        chunk(b"iCCP", b"icc\0\0" + zlib.compress(bytes(3000))) +
        chunk(b"sPLT", b"p\0\x08" + bytes(60)) + chunk(b"prVt", b"private") +
        base[33:])
    put("png", "idat-not-zlib.png",
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) +
        chunk(b"IDAT", b"\x00" * 40) + chunk(b"IEND", b""))
    put("png", "idat-short-stream.png",
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) +
        chunk(b"IDAT", zlib.compress(b"\x00" * 20)) + chunk(b"IEND", b""))


# ---- checkpoint ---------------------------------------------------------

MAGIC = b"ASCKPT01"
TAGS = {"config": 1, "data": 2, "counters": 3, "rng": 4, "order": 5,
        "dims": 6, "params": 7, "velocity": 8, "history": 9}


def ck_split(b):
    assert b[:8] == MAGIC
    version, count = struct.unpack("<II", b[8:16])
    at, secs = 16, []
    for _ in range(count):
        tag, n = struct.unpack("<IQ", b[at:at + 12])
        secs.append([tag, b[at + 12:at + 12 + n]])
        at += 12 + n
    assert at == len(b) - 4
    return version, secs


def ck_join(version, secs, count=None, crc=True):
    b = MAGIC + struct.pack("<II", version, len(secs) if count is None else count)
    for tag, body in secs:
        b += struct.pack("<IQ", tag, len(body)) + body
    return b + struct.pack("<I", zlib.crc32(b) & 0xFFFFFFFF if crc else 0)


def sec(secs, name):
    return next(s for s in secs if s[0] == TAGS[name])


def ck_seeds():
    data = os.path.join(ROOT, "tests/data")
    real = sorted(f for f in os.listdir(data) if f.endswith(".ascp"))
    for f in real:
        with open(os.path.join(data, f), "rb") as fh:
            put("checkpoint", f, fh.read())
    with open(os.path.join(data, "v1-patches-untied.ascp"), "rb") as fh:
        version, secs = ck_split(fh.read())
    # the crafted ones start from a small but valid cut of the real one: one
    # hidden unit (its 64 x 1 model from the first 193 weights), no
    # momentum, an epoch of 8 examples; the rest as saved
    cfg = sec(secs, "config")
    cfg[1] = cfg[1].replace(b"hidden=5\n", b"hidden=1\n")
    nv = struct.unpack("<Q", sec(secs, "dims")[1][:8])[0]
    n_params = 2 * nv + nv + 1
    sec(secs, "dims")[1] = struct.pack("<QQIQ", nv, 1, 0, n_params)
    sec(secs, "params")[1] = sec(secs, "params")[1][: 4 * n_params]
    secs.remove(sec(secs, "velocity"))
    sec(secs, "order")[1] = struct.pack("<Q8I", 8, 3, 1, 4, 0, 7, 5, 2, 6)
    c = bytearray(sec(secs, "counters")[1])
    struct.pack_into("<Q", c, 32, min(struct.unpack_from("<Q", c, 32)[0], 8))
    sec(secs, "counters")[1] = bytes(c)
    orig = ck_join(version, secs)
    put("checkpoint", "small", orig)

    def variant(name, edit, **kw):
        s = [[t, bytes(b)] for t, b in secs]
        v = edit(s)
        put("checkpoint", name, ck_join(version if v is None else v, s, **kw))

    def cfg_edit(old, new):
        def e(s):
            c = sec(s, "config")
            assert old in c[1], old
            c[1] = c[1].replace(old, new)
        return e

    put("checkpoint", "cut-19", orig[:19])
    put("checkpoint", "cut-header", orig[:40])
    put("checkpoint", "cut-half", orig[: len(orig) // 2])
    put("checkpoint", "cut-last-byte", orig[:-1])
    put("checkpoint", "crc-zero", orig[:-4] + b"\0\0\0\0")
    variant("version-0", lambda s: 0)
    variant("version-2", lambda s: 2)
    variant("version-99", lambda s: 99)
    variant("count-0", lambda s: None, count=0)
    variant("count-2000", lambda s: None, count=2000)
    variant("unknown-section", lambda s: s.insert(3, [77, b"from a newer version"]))
    variant("unknown-critical-section",
            lambda s: s.insert(3, [0x80000000 | 77, b"needed"]))
    variant("two-configs", lambda s: s.insert(1, list(sec(s, "config"))))
    variant("no-data", lambda s: s.remove(sec(s, "data")))
    variant("velocity-zero", lambda s: s.insert(7, [TAGS["velocity"], bytes(4 * n_params)]))
    variant("no-history", lambda s: s.remove(sec(s, "history")))
    variant("config-hidden-2", cfg_edit(b"hidden=1\n", b"hidden=2\n"))
    variant("config-unknown-setting", cfg_edit(b"tied=off\n", b"tied=off\nfuture_knob=3\n"))
    variant("config-critical-setting", cfg_edit(b"tied=off\n", b"tied=off\n!future_knob=3\n"))
    variant("config-twice", cfg_edit(b"tied=off\n", b"tied=off\ntied=off\n"))
    variant("config-no-equals", cfg_edit(b"tied=off\n", b"tied off\n"))
    variant("config-long-line", cfg_edit(b"tied=off\n", b"tied=" + b"o" * 300 + b"\n"))
    variant("config-no-newline", lambda s: sec(s, "config").__setitem__(1, sec(s, "config")[1][:-1]))
    def linear_sparse(s):
        cfg_edit(b"sparsity_weight=0\n", b"sparsity_weight=1\n")(s)
        cfg_edit(b"encoder=sigmoid\n", b"encoder=linear\n")(s)

    variant("config-linear-sparse", linear_sparse)
    variant("config-linear", cfg_edit(b"encoder=sigmoid\n", b"encoder=linear\n"))
    variant("config-out-of-range", cfg_edit(b"momentum=0.5\n", b"momentum=7\n"))
    variant("data-nul", lambda s: sec(s, "data").__setitem__(1, b"patches:\0grass.png"))
    variant("data-300", lambda s: sec(s, "data").__setitem__(1, b"x" * 300))
    variant("counters-short", lambda s: sec(s, "counters").__setitem__(1, sec(s, "counters")[1][:-8]))

    def counters(i, value, fmt="<Q"):
        def e(s):
            c = sec(s, "counters")
            b = bytearray(c[1])
            struct.pack_into(fmt, b, 8 * i, value)
            c[1] = bytes(b)
        return e

    variant("counters-elapsed-nan", counters(3, float("nan"), "<d"))
    variant("counters-acc-too-many", counters(6, 1 << 40))
    variant("counters-cursor-past", counters(4, 1 << 20))
    variant("rng-zero", lambda s: sec(s, "rng").__setitem__(1, bytes(32) + sec(s, "rng")[1][32:]))

    def order(edit):
        def e(s):
            o = sec(s, "order")
            n = struct.unpack("<Q", o[1][:8])[0]
            vals = list(struct.unpack("<%dI" % n, o[1][8:]))
            n, vals = edit(n, vals)
            o[1] = struct.pack("<Q", n) + struct.pack("<%dI" % len(vals), *vals)
        return e

    variant("order-count-off", order(lambda n, v: (n + 1, v)))
    variant("order-duplicate", order(lambda n, v: (n, [v[1]] + v[1:])))
    variant("order-out-of-range", order(lambda n, v: (n, v[:-1] + [n])))
    variant("order-empty", order(lambda n, v: (0, [])))
    variant("order-huge-count", order(lambda n, v: (1 << 62, v)))

    def dims(nv=None, nh=None, tied=None, n_params=None):
        def e(s):
            d = sec(s, "dims")
            v = list(struct.unpack("<QQIQ", d[1]))
            for i, x in enumerate((nv, nh, tied, n_params)):
                if x is not None:
                    v[i] = x
            d[1] = struct.pack("<QQIQ", *v)
        return e

    variant("dims-nv-0", dims(nv=0))
    variant("dims-tied-2", dims(tied=2))
    variant("dims-nh-mismatch", dims(nh=6))
    variant("dims-overflow", dims(nv=1 << 62, n_params=(1 << 64) - 1))
    variant("dims-wrap-to-small", dims(nv=(1 << 63) + 64, n_params=n_params))
    variant("dims-huge-nv", dims(nv=1 << 40, n_params=(3 << 40) + 1))
    variant("params-nan", lambda s: sec(s, "params").__setitem__(
        1, struct.pack("<f", float("nan")) + sec(s, "params")[1][4:]))
    variant("params-short", lambda s: sec(s, "params").__setitem__(1, sec(s, "params")[1][:-4]))
    variant("velocity-inf", lambda s: s.insert(7, [TAGS["velocity"], bytes(
        4 * n_params - 4) + struct.pack("<f", float("inf"))]))
    variant("velocity-short", lambda s: s.insert(7, [TAGS["velocity"], bytes(8)]))

    def history(edit):
        def e(s):
            h = sec(s, "history")
            h[1] = edit(bytearray(h[1]))
        return e

    variant("history-points-huge", history(lambda b: struct.pack("<I", 5000) + b[4:]))
    variant("history-points-past-end", history(lambda b: struct.pack("<I", 1000) + b[4:]))
    variant("history-short", history(lambda b: b[:-3]))
    variant("history-trailing", history(lambda b: b + b"\0"))
    variant("history-changes-huge", history(lambda b: b[:-4] + struct.pack("<I", 300)))

    def change_no_nul(b):
        npts = struct.unpack("<I", b[:4])[0]
        at = 4 + 32 * npts
        # one change, its name filling all 32 bytes
        return bytes(b[:at]) + struct.pack("<IQQ", 1, 1, 1) + b"x" * 32 + bytes(48)

    variant("history-change-no-nul", history(change_no_nul))

    def change_ok(b):
        npts = struct.unpack("<I", b[:4])[0]
        at = 4 + 32 * npts
        name = b"lr".ljust(32, b"\0")
        return (bytes(b[:at]) + struct.pack("<IQQ", 1, 8, 160) + name +
                b"0.01".ljust(24, b"\0") + b"0.02".ljust(24, b"\0"))

    variant("history-one-change", history(change_ok))
    b = ck_join(version, secs)
    put("checkpoint", "trailing-bytes", b[:-4] + b"xx" + struct.pack(
        "<I", zlib.crc32(b[:-4] + b"xx") & 0xFFFFFFFF))
    big = [[t, bytes(x)] for t, x in secs]
    b = ck_join(version, big)
    hdr = bytearray(b)
    struct.pack_into("<Q", hdr, 16 + 4, 1 << 63)  # the first section's length
    put("checkpoint", "section-length-huge", bytes(hdr[:-4]) + struct.pack(
        "<I", zlib.crc32(bytes(hdr[:-4])) & 0xFFFFFFFF))


def run_seeds(autoscope):
    """Checkpoints of two real runs: 8x8 patches, tied; 7x7 digits (every
    4th pixel of the first 20 MNIST digits), untied, with momentum."""
    im, _ = mnist(20)
    small = bytes(im[i * 784 + 4 * r * 28 + 4 * c]
                  for i in range(20) for r in range(7) for c in range(7))
    runs = {
        "patches-tied": ["--data", "patches:grass.png", "--patches", "100",
                         "--hidden", "2", "--epochs", "2"],
        "digits-untied": ["--data", "tiny-images-idx3-ubyte", "--hidden", "3",
                          "--epochs", "3", "--tied", "off", "--momentum",
                          "0.5", "--lr", "0.05", "--batch-size", "4"],
    }
    with tempfile.TemporaryDirectory() as tmp:
        with open(os.path.join(tmp, "tiny-images-idx3-ubyte"), "wb") as f:
            f.write(idx([20, 7, 7], small))
        for name, args in runs.items():
            subprocess.run([os.path.abspath(autoscope), "train", "--quiet",
                            "--probe", "off", "--out", name] + args,
                           cwd=tmp, check=True, stdout=subprocess.DEVNULL,
                           env=dict(os.environ, AUTOSCOPE_ASSETS=os.path.join(ROOT, "assets")))
            ck = os.path.join(tmp, name, "checkpoint.ascp")
            with open(ck, "rb") as f:
                version = struct.unpack("<I", f.read(12)[8:12])[0]
            os.makedirs(os.path.join(CORPUS, "checkpoint"), exist_ok=True)
            shutil.copy(ck, os.path.join(CORPUS, "checkpoint",
                                         "v%d-%s.ascp" % (version, name)))


# ---- text: parameters, settings, options --------------------------------

def param_names():
    src = open(os.path.join(ROOT, "src/params.c")).read()
    table = src[src.index("static const struct as_param table[]"):]
    return re.findall(r'^\t\{"(\w+)",', table, re.M)


def text_seeds():
    names = param_names()
    vals = {
        "corruption_level": ["0.25", "0", "1", "0.5", "1.0001", "-0.1"],
        "corruption": ["mask", "gauss", "saltpepper", "Gauss", "salt", "2"],
        "sparsity_weight": ["0", "0.1", "100", "100.5", "1e-45", "0x1p-3"],
        "sparsity_target": ["0.05", "0.01", "0.99", "0.0099", "0.995", "0.01000001"],
        "tied": ["on", "off", "yes", "No", "TRUE", "0", "1", "2", "onn"],
        "contractive_weight": ["0", "0.3", "100", "1e2", "-0", "1e-400"],
        "weight_decay": ["0", "0.003", "1", "1.5", "3e-3", "nan"],
        "lr": ["0.1", "1e-6", "10", "9.99e-7", "0.0000010", "inf"],
        "momentum": ["0", "0.9", "0.99", "0.991", " 0.5 ", "0.5x"],
        "lr_decay": ["0", "0.01", "10", "10.0000001", "-inf", "1e400"],
        "batch_size": ["20", "1", "1024", "1025", "1.5", "64.0", "0"],
        "loss": ["ce", "mse", "MSE", "l2", "", "ce "],
        "encoder": ["sigmoid", "linear", "relu", "Linear", "sigmoid\t", "1"],
        "hidden": ["500", "1", "4096", "4097", "2.5", "-3", "30"],
        "seed": ["1", "0", "9007199254740992", "9007199254740993",
                 "18446744073709551616", "-1", "1e15", "123456789012"],
    }
    assert set(vals) == set(names), names
    for i, n in enumerate(names):
        for k, v in enumerate(vals[n]):
            put("param", "%s-%d" % (n, k), bytes([i]) + v.encode())
    generic = ["", " ", "\t\n", "x" * 70, "0" * 63, "1" * 64, "-", "+",
               ".", "e5", "1e", "0x", "nan(123)", "Infinity", "1,5"]
    for k, v in enumerate(generic):
        put("param", "any-%d" % k, bytes([k % len(names)]) + v.encode())

    mnist_ae = "hidden=500 tied=on loss=ce encoder=sigmoid lr=0.1 batch_size=20"
    settings = [
        mnist_ae + " corruption=mask", "corruption_level=0",
        "corruption_level=0.25", "corruption_level=0.5",
        "hidden=30 loss=mse encoder=linear corruption_level=0 "
        "batch_size=64 momentum=0.9 lr=0.005", "tied=off", "tied=on",
        mnist_ae + " corruption_level=0", "hidden=30", "hidden=1000",
        "hidden=1000 corruption_level=0.25",
        "hidden=1000 sparsity_weight=0.1 sparsity_target=0.05",
        "hidden=100 loss=mse encoder=sigmoid tied=on corruption_level=0 "
        "sparsity_weight=1 sparsity_target=0.01 weight_decay=0.003 lr=0.1 "
        "batch_size=20", "sparsity_weight=0", "",
        "hidden=2 corruption_level=0 lr=0.1",
        "corruption_level=0 contractive_weight=0.3",
        "hidden=32 tied=on loss=ce encoder=sigmoid lr=0.1 batch_size=20 "
        "corruption_level=0.25",
        # crafted
        "corruption-level=0.3", "lr=", "=1", "lr", "a=b=c", "lr=0.1=2",
        "  lr=0.1   hidden=4  ", "lr=0.1 lr=11", "hidden=" + "9" * 100,
        "x" * 95 + "=1", "nosuch=1", "encoder=linear sparsity_weight=1",
    ]
    labels = ["noise 0%", "noise 25%", "noise 50%", "untied", "tied",
              "30 units", "1000 units", "1000 + noise", "1000 + sparse",
              "sparse", "not sparse", "500 units", "2 units", "plain",
              "contractive", "denoising 25%", "32 bits", "fork 2",
              "../../etc", "...", "", "--", "A-B", "x/y z"]
    lessons = ["denoising", "pca", "capacity", "edges", "codes",
               "contractive", "hashing", "1", "7", "0", "8", "-1", "01",
               "3x", "Denoising", " 2"]
    for k, v in enumerate(settings):
        put("settings", "settings-%d" % k, bytes([63]) + v.encode())
    for k, v in enumerate(labels):
        put("settings", "label-%d" % k, bytes([(7 * k) % 64]) + v.encode())
    for k, v in enumerate(lessons):
        put("settings", "lesson-%d" % k, bytes([31]) + v.encode())

    lines = [
        # README
        "", "--corruption-level 0.5", "--lesson 3",
        "train --epochs 5 --corruption-level 0.5 --out run1",
        "train --loss mse --encoder linear --hidden 30 --tied off "
        "--corruption-level 0 --batch-size 64 --momentum 0.9 --lr 0.005 --epochs 15",
        "train --resume run1/checkpoint.ascp --epochs 10",
        "train --data patches:grass.png,brick.png --hidden 100 --sparsity-weight 0.1",
        "train --data /usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz",
        "--resume DIR/checkpoint.ascp", "train --lesson edges --epochs 3 --out o",
        # --help examples
        "--lesson denoising", "train --lesson edges --out edges-run",
        "train --data patches:grass.png --sparsity-weight 0.1",
        "--resume autoscope-out/checkpoint.ascp",
        # every run option
        "--labels l.idx --holdout 0.1 --patch-size 12 --patches 1000 "
        "--whiten pca --whiten-eps 0.1", "--whiten none", "--whiten zca",
        "--threads 2 --probe off --quiet", "--probe yes", "--probe 1",
        "--help", "--version", "train --help", "--quiet --quiet",
        # crafted
        "--holdout 1", "--holdout=0.999", "--holdout -0", "--holdout nan",
        "--patch-size 1", "--patch-size 65", "--patches 9", "--patches 10000001",
        "--whiten-eps 0", "--whiten-eps 100", "--whiten-eps 1e-300",
        "--epochs 0", "--epochs 1000000", "--epochs 99999999999999999999",
        "--threads 65", "--probe maybe", "--whiten ZCA", "--lesson 8",
        "--lesson 3 --resume x", "--resume x --lesson edges",
        "--nosuch 1", "--lr", "--lr=", "--lr=0.1=2", "-x", "--", "train train",
        "--" + "h" * 70 + "=1", "--data= --out=", "--tied=maybe",
        "--corruption_level 0.3", "--Corruption-Level 0.3", "--seed=-1",
        "--quiet=1", "--help=now", "--hidden 0", "--batch-size 1025",
    ]
    for k, v in enumerate(lines):
        put("options", "line-%d" % k, "\0".join(v.split(" ")).encode() if v else b"")
    put("options", "value-with-space", b"--data\0patches:a b.png\0--out\0my run")
    put("options", "value-empty", b"--out\0\0--data\0")
    put("options", "trailing-nul", b"--help\0")
    put("options", "many-args", b"\0".join([b"--quiet"] * 70))


def dicts():
    names = param_names()
    words = ["mask", "gauss", "saltpepper", "on", "off", "yes", "no",
             "true", "false", "ce", "mse", "sigmoid", "linear", "nan",
             "inf", "1e-6", "0.99"]
    extras = ["data", "labels", "holdout", "patch-size", "patches",
              "whiten", "whiten-eps", "lesson", "epochs", "out", "resume",
              "threads", "probe", "quiet", "help", "version"]
    lessons = ["denoising", "pca", "capacity", "edges", "codes",
               "contractive", "hashing", "zca", "pca", "none", "train",
               "patches:", "mnist"]
    def write(name, entries):
        seen = []
        for e in entries:
            if e not in seen:
                seen.append(e)
        with open(os.path.join(HERE, name), "w") as f:
            f.write("# libFuzzer dictionary, written by make_seeds.py\n")
            for e in seen:
                f.write('"%s"\n' % e)
    write("options.dict", ["--" + n.replace("_", "-") for n in names] +
          ["--" + e for e in extras] + words + lessons)
    write("settings.dict", [n + "=" for n in names] + words + lessons[:7])
    write("checkpoint.dict", [n + "=" for n in names] + ["\\x0a", "!"] + words)


if __name__ == "__main__":
    idx_seeds()
    png_seeds()
    ck_seeds()
    if len(sys.argv) > 1:
        run_seeds(sys.argv[1])
    text_seeds()
    dicts()
