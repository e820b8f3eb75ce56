"""Pictures: 'stats plot' and 'ion graph --format svg' write SVG that a browser draws with visible
lines and labels (headless Chromium takes a screenshot; its pixels are counted)."""
import os
import shutil
import struct
import subprocess
import xml.etree.ElementTree as ET
import zlib

import harness
from test_stats import seed

EXAMPLES = os.path.join(harness.SOURCE_DIR, "examples")


def read_png(path):
    """(width, height, rows of (r, g, b)) of an 8-bit RGB or RGBA PNG, by the book (RFC 2083)."""
    with open(path, "rb") as f:
        data = f.read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat = 8, b""
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", body)
            assert depth == 8 and colour in (2, 6) and interlace == 0, (depth, colour, interlace)
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    channels = 4 if colour == 6 else 3
    raw, stride, rows, prev = zlib.decompress(idat), width * channels, [], bytearray(width * channels)
    for y in range(height):
        kind, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - channels] if i >= channels else 0
            b, c = prev[i], prev[i - channels] if i >= channels else 0
            if kind == 1: line[i] = (line[i] + a) & 255
            elif kind == 2: line[i] = (line[i] + b) & 255
            elif kind == 3: line[i] = (line[i] + (a + b) // 2) & 255
            elif kind == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append([tuple(line[x * channels:x * channels + 3]) for x in range(width)])
        prev = line
    return width, height, rows


def near(pixel, colour, tolerance=40):
    return all(abs(p - c) <= tolerance for p, c in zip(pixel, colour))


class Plot(harness.MlopsTest):
    def screenshot(self, svg, width, height):
        browser = shutil.which("chromium") or shutil.which("chromium-browser")
        if not browser:
            self.fail("headless Chromium is missing: scripts/setup installs Debian's chromium")
        png = svg + ".png"
        subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                        f"--user-data-dir={self.path('chromium')}", f"--screenshot={png}",
                        f"--window-size={width},{height}", "file://" + svg],
                       capture_output=True, timeout=120, env=dict(self.env, HOME=self.path("home")))
        self.assertTrue(os.path.exists(png), "Chromium wrote no screenshot")
        return read_png(png)

    def count(self, rows, colour, box=None, tolerance=40):
        x0, y0, x1, y1 = box or (0, 0, len(rows[0]), len(rows))
        return sum(near(rows[y][x], colour, tolerance) for y in range(y0, y1) for x in range(x0, x1))

    def test_a_stats_chart_shows_its_lines_axes_and_labels(self):
        seed(self)
        svg = self.path("lat.svg")
        self.assertEqual(self.ok("stats", "plot", "lat", "rows", "--out", svg, "--unit", "ms",
                                 "--since", "2025-12-01T10:00:00Z", "--until", "2025-12-01T10:02:00Z"),
                         "plot/lat.svg written (2 lines, 7 points)\n")
        root = ET.parse(svg).getroot()
        texts = [t.text for t in root.iter("{http://www.w3.org/2000/svg}text")]
        for label in ("lat, rows", "time (UTC)", "value (ms)", "lat", "rows", "10:00:00", "100"):
            self.assertIn(label, texts)
        width, height, rows = self.screenshot(svg, 900, 480)
        self.assertEqual((width, height), (900, 480))
        # The plot area (inside the axes): both lines drawn, in their colours.
        plot = (80, 56, 876, 416)
        self.assertGreater(self.count(rows, (0x1f, 0x77, 0xb4), plot), 300, "the blue line of 'lat'")
        self.assertGreater(self.count(rows, (0xd6, 0x27, 0x28), (0, 30, 900, 50)), 20, "the red legend mark of 'rows'")
        # Dark text: title, y tick labels left of the axis, time labels under it.
        dark = (0x33, 0x33, 0x33)
        self.assertGreater(self.count(rows, dark, (0, 0, 400, 30), 60), 50, "the title")
        self.assertGreater(self.count(rows, dark, (20, 56, 78, 420), 60), 50, "the y labels")
        self.assertGreater(self.count(rows, dark, (80, 420, 876, 480), 60), 50, "the time labels")
        self.assertEqual(self.fails(2, "stats", "plot", "lat"), "mlops: error: --out is required [see 'mlops stats plot --help']\n")

    def test_an_ion_graph_renders_through_graphviz(self):
        for p in ("kmeans-train", "kmeans-infer"):
            self.ok("pipeline", "upload", os.path.join(EXAMPLES, "pipelines", p), "-q")
        self.ok("ion", "apply", "-f", os.path.join(EXAMPLES, "ions", "quickstart.yaml"), "-q")
        svg = self.write("graph.svg", self.ok("ion", "graph", "quickstart", "--format", "svg"))
        texts = [t.text for t in ET.parse(svg).getroot().iter("{http://www.w3.org/2000/svg}text")]
        for label in ("train", "quality", "detect", "on alert drift"):
            self.assertIn(label, texts)
        _, _, rows = self.screenshot(svg, 1400, 200)
        self.assertGreater(self.count(rows, (0, 0, 0), tolerance=80), 500, "boxes, arrows and names in black")
        self.assertGreater(self.count(rows, (0xc0, 0x39, 0x2b)), 50, "the dashed red alert edge")
        err = self.fails(1, "ion", "graph", "quickstart", "--format", "svg", env={"PATH": "/nonexistent"})
        self.assertEqual(err, "mlops: error: cannot draw svg: Graphviz's 'dot' is not installed "
                              "[apt-get install graphviz, or use --format dot and draw it elsewhere]\n")


if __name__ == "__main__":
    harness.main()
