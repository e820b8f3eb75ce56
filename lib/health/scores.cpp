#include "health/scores.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>

#include "util/error.hpp"

namespace mlops::health {

using nlohmann::json;

namespace {

[[noreturn]] void bad(const std::string& name, const std::string& what) {
  throw util::Error(util::Exit::usage, "distribution '" + name + "': " + what);
}

double count_at(const json& j, const std::string& name, const char* what) {
  if (!j.is_number() || !std::isfinite(j.get<double>()) || j.get<double>() < 0)
    bad(name, std::string(what) + " must be counts of zero or more");
  return j.get<double>();
}

double sum(const std::vector<double>& v) {
  double s = 0;
  for (double x : v) s += x;
  return s;
}

std::string short_number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3g", v);
  return buf;
}

// Both sides as counts over the same bins, the missing values last.
struct Aligned {
  std::vector<double> p, q;
  size_t value_bins = 0;
};

Aligned align(const Distribution& b, const Distribution& w) {
  Aligned a;
  if (b.categorical != w.categorical)
    bad(w.name, std::string("is ") + (w.categorical ? "categorical" : "continuous") + ", its baseline is not");
  if (!b.categorical) {
    if (b.edges != w.edges) bad(w.name, "is not binned on its baseline's edges");
    a.p = b.counts;
    a.q = w.counts;
  } else {
    std::map<std::string, size_t> index;
    for (size_t i = 0; i < b.values.size(); ++i) index[b.values[i]] = i;
    a.p = b.counts;
    a.q.assign(b.counts.size(), 0);
    double unseen = 0;
    for (size_t i = 0; i < w.values.size(); ++i) {
      auto it = index.find(w.values[i]);
      it == index.end() ? unseen += w.counts[i] : a.q[it->second] += w.counts[i];
    }
    if (unseen > 0) {
      a.p.push_back(0);
      a.q.push_back(unseen);
    }
  }
  a.value_bins = a.p.size();
  a.p.push_back(b.missing);
  a.q.push_back(w.missing);
  if (sum(a.p) <= 0) bad(b.name, "the baseline has no values");
  if (sum(a.q) <= 0) bad(w.name, "the window has no values");
  return a;
}

std::vector<double> shares(const std::vector<double>& counts) {
  double total = sum(counts);
  std::vector<double> out;
  for (double c : counts) out.push_back(c / total);
  return out;
}

double psi(const std::vector<double>& p, const std::vector<double>& q) {
  std::vector<double> ps, qs;
  for (size_t i = 0; i < p.size(); ++i)
    if (p[i] > 0 || q[i] > 0) {
      ps.push_back(p[i] > 0 ? p[i] : 0.5);
      qs.push_back(q[i] > 0 ? q[i] : 0.5);
    }
  ps = shares(ps);
  qs = shares(qs);
  double s = 0;
  for (size_t i = 0; i < ps.size(); ++i) s += (qs[i] - ps[i]) * std::log(qs[i] / ps[i]);
  return s;
}

double kl(const std::vector<double>& p, const std::vector<double>& m) {
  double s = 0;
  for (size_t i = 0; i < p.size(); ++i)
    if (p[i] > 0) s += p[i] * std::log2(p[i] / m[i]);
  return s;
}

}  // namespace

Distribution distribution_from(const json& r) {
  Distribution d;
  if (!r.is_object() || !r.contains("name") || !r["name"].is_string() || r["name"].get<std::string>().empty())
    throw util::Error(util::Exit::usage, "a distribution needs a name");
  d.name = r["name"];
  if (!r.contains("counts") || !r["counts"].is_array() || r["counts"].empty()) bad(d.name, "needs counts");
  for (const auto& c : r["counts"]) d.counts.push_back(count_at(c, d.name, "counts"));
  if (r.contains("missing")) d.missing = count_at(r["missing"], d.name, "missing");
  if (r.contains("values")) {
    d.categorical = true;
    if (!r["values"].is_array() || r["values"].size() != d.counts.size()) bad(d.name, "needs one value per count");
    for (const auto& v : r["values"]) {
      if (!v.is_string()) bad(d.name, "values must be strings");
      d.values.push_back(v);
    }
    std::vector<std::string> sorted = d.values;
    std::sort(sorted.begin(), sorted.end());
    if (std::adjacent_find(sorted.begin(), sorted.end()) != sorted.end()) bad(d.name, "has a value twice");
  } else {
    if (!r.contains("edges") || !r["edges"].is_array() || r["edges"].size() != d.counts.size() + 1)
      bad(d.name, "needs edges, one more than counts (or values, for a categorical feature)");
    for (const auto& e : r["edges"]) {
      if (!e.is_number() || !std::isfinite(e.get<double>())) bad(d.name, "edges must be finite numbers");
      if (!d.edges.empty() && e.get<double>() <= d.edges.back()) bad(d.name, "edges must increase");
      d.edges.push_back(e);
    }
  }
  return d;
}

json to_json(const Distribution& d) {
  json j = {{"name", d.name}, {"counts", d.counts}, {"missing", d.missing}};
  if (d.categorical)
    j["values"] = d.values;
  else
    j["edges"] = d.edges;
  return j;
}

Scores score(const Distribution& baseline, const Distribution& window) {
  Aligned a = align(baseline, window);
  Scores s;
  s.psi = psi(a.p, a.q);
  auto p = shares(a.p), q = shares(a.q);
  std::vector<double> m;
  s.overlap = 0;
  for (size_t i = 0; i < p.size(); ++i) {
    m.push_back((p[i] + q[i]) / 2);
    s.overlap += std::min(p[i], q[i]);
  }
  // Rounding can leave a hair below zero for identical histograms.
  s.js = std::sqrt(std::max(0.0, (kl(p, m) + kl(q, m)) / 2));
  if (!baseline.categorical) {
    std::vector<double> pv(a.p.begin(), a.p.begin() + static_cast<long>(a.value_bins));
    std::vector<double> qv(a.q.begin(), a.q.begin() + static_cast<long>(a.value_bins));
    if (sum(pv) > 0 && sum(qv) > 0) {
      pv = shares(pv);
      qv = shares(qv);
      double cp = 0, cq = 0, ks = 0;
      for (size_t i = 0; i < pv.size(); ++i) {
        cp += pv[i];
        cq += qv[i];
        ks = std::max(ks, std::fabs(cp - cq));
      }
      s.ks = ks;
    }
  }
  return s;
}

json to_json(const Thresholds& t) {
  json j = json::object();
  if (t.psi) j["psi"] = *t.psi;
  if (t.ks) j["ks"] = *t.ks;
  if (t.js) j["js"] = *t.js;
  if (t.overlap) j["overlap"] = *t.overlap;
  return j;
}

Verdict judge(const Scores& s, const Thresholds& t) {
  Verdict v;
  auto over = [&](const char* what, std::optional<double> value, std::optional<double> limit, bool low_is_bad) {
    if (!value || !limit || v.drift) return;
    if (low_is_bad ? *value < *limit : *value > *limit) {
      v.drift = true;
      v.reason = std::string(what) + " " + short_number(*value) + (low_is_bad ? " under " : " over ") +
                 short_number(*limit);
    }
  };
  over("psi", s.psi, t.psi, false);
  over("ks", s.ks, t.ks, false);
  over("js", s.js, t.js, false);
  over("overlap", s.overlap, t.overlap, true);
  return v;
}

}  // namespace mlops::health
