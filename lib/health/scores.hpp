// ML health: how far the data a model sees now has moved from the data it was trained on, feature
// by feature. Both sides are histograms on the same bins: the training run's baseline (continuous
// features on fixed edges, categorical ones by value, each with a count of missing values) and an
// inference window binned on the baseline's edges.
//
// The scores, over the bins and a last bin of missing values (p: baseline shares, q: window's):
//   PSI      sum (q_i - p_i) ln(q_i / p_i), on smoothed shares: a bin empty on both sides is left
//            out, a bin empty on one side only gets half a count there before dividing, so it
//            gives a large, finite term instead of infinity (and histograms of the same shape
//            still score 0, whatever their totals)
//   KS       max_i |P_i - Q_i| over the cumulative shares of the value bins (continuous features
//            only; missing values left out, as a two-sample Kolmogorov-Smirnov statistic would)
//   JS       Jensen-Shannon distance, base 2 (0 same, 1 disjoint): sqrt((KL(p||m) + KL(q||m)) / 2)
//            with m = (p + q) / 2; needs no smoothing, 0 ln 0 is 0
//   overlap  sum min(p_i, q_i): the share of the two histograms that coincides, the original
//            platform's overlap score (1 same, 0 disjoint; low is bad, unlike the others)
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace mlops::health {

struct Distribution {
  std::string name;
  bool categorical = false;
  std::vector<double> edges;        // continuous: counts.size() + 1 increasing edges
  std::vector<std::string> values;  // categorical: one value per count
  std::vector<double> counts;
  double missing = 0;
};

// From the SDK's record: {"name", "edges" | "values", "counts", "missing"}. A usage error naming
// what is wrong when it is not one.
Distribution distribution_from(const nlohmann::json& record);
nlohmann::json to_json(const Distribution& d);

struct Scores {
  double psi = 0;
  std::optional<double> ks;  // none for categorical features
  double js = 0;
  double overlap = 1;
};

// `window` must be binned like `baseline` (the same edges); categorical windows are matched by
// value, and values the baseline never saw count in one extra bin. An error when the bins differ
// or either side is empty.
Scores score(const Distribution& baseline, const Distribution& window);

// Above (below, for overlap) any of these is drift. Unset ones are not checked.
struct Thresholds {
  std::optional<double> psi, ks, js, overlap;
  bool any() const { return psi || ks || js || overlap; }
};

// {"psi": 0.2, ...}: the thresholds that are set.
nlohmann::json to_json(const Thresholds& t);

struct Verdict {
  bool drift = false;
  std::string reason;  // "psi 0.83 over 0.2", "" when healthy
};
Verdict judge(const Scores& s, const Thresholds& t);

}  // namespace mlops::health
