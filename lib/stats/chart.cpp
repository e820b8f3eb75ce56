#include "stats/chart.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ctime>

namespace mlops::stats {

namespace {

const char* const kColours[] = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf"};

std::string xml(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  return buf;
}

std::string tick_label(double v, double step) {
  char buf[32];
  int decimals = step >= 1 ? 0 : static_cast<int>(std::ceil(-std::log10(step)));
  if (std::fabs(v) >= 1e6 || (std::fabs(v) < 1e-3 && v != 0))
    std::snprintf(buf, sizeof buf, "%.3g", v);
  else
    std::snprintf(buf, sizeof buf, "%.*f", std::min(decimals, 6), std::fabs(v) < step / 2 ? 0.0 : v);
  return buf;
}

// Time ticks at round steps (1 s ... 1 year), about six of them.
std::vector<int64_t> time_ticks(int64_t lo, int64_t hi, int64_t& step) {
  static const int64_t kSteps[] = {1000, 2000, 5000, 10000, 15000, 30000, 60000, 120000, 300000, 600000, 900000,
                                   1800000, 3600000, 7200000, 10800000, 21600000, 43200000, 86400000, 172800000,
                                   604800000, 2592000000, 31536000000};
  step = kSteps[0];
  for (int64_t s : kSteps) {
    step = s;
    if ((hi - lo) / s <= 6) break;
  }
  std::vector<int64_t> out;
  for (int64_t t = (lo / step + (lo % step > 0)) * step; t <= hi; t += step) out.push_back(t);
  return out;
}

std::string time_label(int64_t ms, int64_t step) {
  std::time_t t = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, step >= 86400000 ? "%m-%d" : step >= 60000 ? "%H:%M" : "%H:%M:%S", &tm);
  return buf;
}

}  // namespace

std::vector<double> nice_ticks(double lo, double hi, int count) {
  if (!(hi > lo)) return {lo};
  double raw = (hi - lo) / std::max(1, count);
  double mag = std::pow(10, std::floor(std::log10(raw)));
  double step = mag * (raw / mag < 1.5 ? 1 : raw / mag < 3.5 ? 2 : raw / mag < 7.5 ? 5 : 10);
  std::vector<double> out;
  for (double v = std::ceil(lo / step - 1e-9) * step; v <= hi + step * 1e-9; v += step) out.push_back(v);
  return out;
}

std::string render_svg(const Chart& c) {
  const double left = 80, right = 24, top = 56, bottom = 64;
  const double pw = c.width - left - right, ph = c.height - top - bottom;
  int64_t t0 = INT64_MAX, t1 = INT64_MIN;
  double v0 = INFINITY, v1 = -INFINITY;
  for (const auto& s : c.series)
    for (const auto& [t, v] : s.points) {
      t0 = std::min(t0, t);
      t1 = std::max(t1, t);
      v0 = std::min(v0, v);
      v1 = std::max(v1, v);
    }
  bool empty = t0 > t1;
  if (empty) t0 = 0, t1 = 1000, v0 = 0, v1 = 1;
  if (t1 == t0) t0 -= 30000, t1 += 30000;
  if (v1 == v0) v0 -= 1, v1 += 1;
  // The y range widened to whole ticks, so the lowest and highest lines have labels.
  auto yticks = nice_ticks(v0, v1, 5);
  double ystep = yticks.size() > 1 ? yticks[1] - yticks[0] : 1;
  v0 = std::floor(v0 / ystep + 1e-9) * ystep;
  v1 = std::ceil(v1 / ystep - 1e-9) * ystep;
  yticks = nice_ticks(v0, v1, static_cast<int>(std::llround((v1 - v0) / ystep)));
  auto x = [&](int64_t t) { return left + pw * static_cast<double>(t - t0) / static_cast<double>(t1 - t0); };
  auto y = [&](double v) { return top + ph * (1 - (v - v0) / (v1 - v0)); };

  std::string o;
  o += "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  o += "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + std::to_string(c.width) + "\" height=\"" +
       std::to_string(c.height) + "\" viewBox=\"0 0 " + std::to_string(c.width) + " " + std::to_string(c.height) +
       "\" font-family=\"DejaVu Sans, Helvetica, Arial, sans-serif\" font-size=\"12\">\n";
  o += "<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n";
  o += "<text x=\"" + num(left) + "\" y=\"24\" font-size=\"16\" font-weight=\"bold\" fill=\"#222222\">" + xml(c.title) + "</text>\n";
  // Grid and y axis.
  for (double v : yticks) {
    o += "<line x1=\"" + num(left) + "\" y1=\"" + num(y(v)) + "\" x2=\"" + num(left + pw) + "\" y2=\"" + num(y(v)) +
         "\" stroke=\"#e4e4e4\"/>\n";
    o += "<text x=\"" + num(left - 8) + "\" y=\"" + num(y(v) + 4) + "\" text-anchor=\"end\" fill=\"#333333\">" +
         tick_label(v, ystep) + "</text>\n";
  }
  int64_t tstep = 0;
  for (int64_t t : time_ticks(t0, t1, tstep)) {
    o += "<line x1=\"" + num(x(t)) + "\" y1=\"" + num(top + ph) + "\" x2=\"" + num(x(t)) + "\" y2=\"" + num(top + ph + 5) +
         "\" stroke=\"#333333\"/>\n";
    o += "<text x=\"" + num(x(t)) + "\" y=\"" + num(top + ph + 20) + "\" text-anchor=\"middle\" fill=\"#333333\">" +
         time_label(t, tstep) + "</text>\n";
  }
  o += "<path d=\"M" + num(left) + " " + num(top) + "V" + num(top + ph) + "H" + num(left + pw) +
       "\" fill=\"none\" stroke=\"#333333\"/>\n";
  o += "<text x=\"" + num(left + pw / 2) + "\" y=\"" + num(c.height - 14) + "\" text-anchor=\"middle\" fill=\"#333333\">time (UTC)</text>\n";
  o += "<text transform=\"translate(18 " + num(top + ph / 2) + ") rotate(-90)\" text-anchor=\"middle\" fill=\"#333333\">" +
       xml(c.y_label) + "</text>\n";
  if (empty)
    o += "<text x=\"" + num(left + pw / 2) + "\" y=\"" + num(top + ph / 2) + "\" text-anchor=\"middle\" fill=\"#888888\">no points</text>\n";
  // Lines, points, and the legend at the top right.
  double lx = left + pw;
  for (size_t i = c.series.size(); i-- > 0;) {
    const auto& s = c.series[i];
    std::string colour = kColours[i % std::size(kColours)];
    if (!s.points.empty()) {
      std::string d;
      for (const auto& [t, v] : s.points) d += (d.empty() ? "M" : "L") + num(x(t)) + " " + num(y(v));
      o += "<path d=\"" + d + "\" fill=\"none\" stroke=\"" + colour + "\" stroke-width=\"2\" stroke-linejoin=\"round\"/>\n";
      if (s.points.size() <= 200)
        for (const auto& [t, v] : s.points)
          o += "<circle cx=\"" + num(x(t)) + "\" cy=\"" + num(y(v)) + "\" r=\"2.5\" fill=\"" + colour + "\"/>\n";
    }
    double w = 7.0 * static_cast<double>(s.label.size()) + 34;
    lx -= w;
    o += "<line x1=\"" + num(lx) + "\" y1=\"40\" x2=\"" + num(lx + 18) + "\" y2=\"40\" stroke=\"" + colour +
         "\" stroke-width=\"3\"/>\n";
    o += "<text x=\"" + num(lx + 24) + "\" y=\"44\" fill=\"#222222\">" + xml(s.label) + "</text>\n";
  }
  o += "</svg>\n";
  return o;
}

}  // namespace mlops::stats
