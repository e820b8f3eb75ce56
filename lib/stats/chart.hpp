// A line chart as a standalone SVG document: time on x (UTC), values on y with "nice" ticks, one
// coloured line per series with its points marked, a legend and a title. No scripts, no external
// fonts or styles, so it opens the same in any browser and in image viewers.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace mlops::stats {

struct Series {
  std::string label;
  std::vector<std::pair<int64_t, double>> points;  // (ms since the epoch, value), oldest first
};

struct Chart {
  std::string title;
  std::string y_label = "value";  // with the unit, e.g. "latency (ms)"
  std::vector<Series> series;
  int width = 900, height = 480;
};

std::string render_svg(const Chart& chart);

// Tick positions for [lo, hi]: steps of 1, 2 or 5 times a power of ten, about `count` of them.
std::vector<double> nice_ticks(double lo, double hi, int count);

}  // namespace mlops::stats
