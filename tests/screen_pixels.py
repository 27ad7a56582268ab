#!/usr/bin/env python3
"""screen_pixels: the gray pixels of the images on a tmux screen.

Reads `tmux capture-pane -p -e` on stdin (the screen with its colour
escapes) and, for the image whose top-left cell is under the label LABEL
(the first line holding it with a half-block image on the next line), prints
its pixels as rows of gray levels 0..23, the upper and lower half of each
half-block cell being one pixel each (fg and bg of the 24-step gray ramp,
colours 232..255). Usage: screen_pixels.py LABEL WIDTH HEIGHT < capture
(WIDTH in cells = pixels across, HEIGHT in cells = pixels down / 2).
"""
import re
import sys


def cells(line):
    """(char, fg, bg) per column of one captured line."""
    out, fg, bg, i = [], None, None, 0
    sgr = re.compile(r"\x1b\[([0-9;]*)m")
    while i < len(line):
        m = sgr.match(line, i)
        if m:
            p = [int(x) if x else 0 for x in m.group(1).split(";")]
            k = 0
            while k < len(p):
                if p[k] == 38 and k + 2 < len(p) and p[k + 1] == 5:
                    fg, k = p[k + 2], k + 3
                    continue
                if p[k] == 48 and k + 2 < len(p) and p[k + 1] == 5:
                    bg, k = p[k + 2], k + 3
                    continue
                if p[k] == 0:
                    fg = bg = None
                elif p[k] == 39:
                    fg = None
                elif p[k] == 49:
                    bg = None
                k += 1
            i = m.end()
            continue
        if line[i] == "\x1b":  # another escape: skip to its letter
            j = i + 1
            while j < len(line) and not line[j].isalpha():
                j += 1
            i = j + 1
            continue
        out.append((line[i], fg, bg))
        i += 1
    return out


def main():
    label, w, h = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    lines = [cells(l) for l in sys.stdin.read().split("\n")]
    for y, row in enumerate(lines):
        text = "".join(c for c, _, _ in row)
        x = text.find(label)
        # the label with an image right under it (not a title that
        # happens to hold the word)
        if x < 0 or y + 1 >= len(lines) or len(lines[y + 1]) <= x or \
                lines[y + 1][x][0] != "\u2580":
            continue
        for cy in range(y + 1, y + 1 + h):
            if cy >= len(lines) or len(lines[cy]) < x + w:
                sys.exit("screen_pixels: the image runs off the screen")
            up, down = [], []
            for c, fg, bg in lines[cy][x:x + w]:
                if c != "\u2580" or fg is None or bg is None:
                    sys.exit("screen_pixels: not a half-block image at "
                             f"row {cy}: {c!r}")
                up.append(max(0, fg - 232))
                down.append(max(0, bg - 232))
            print(" ".join(map(str, up)))
            print(" ".join(map(str, down)))
        return
    sys.exit(f"screen_pixels: no '{label}' on the screen")


main()
