// mlops ion diff -f FILE: what apply would change, as a unified diff of the canonical YAML.
// Exit 0: no differences; 1: differences (like diff(1) and kubectl diff); errors exit above 1.
#include <memory>

#include "cli/commands.hpp"
#include "cli/ion_common.hpp"
#include "cli/output.hpp"
#include "util/error.hpp"
#include "util/strings.hpp"

namespace mlops::cli {

namespace {

struct DiffOptions {
  std::string file;
};

// Longest common subsequence line diff, printed as unified hunks with three lines of context.
// Manifests are small, so the quadratic table is fine.
std::vector<std::string> diff_lines(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  std::vector<std::vector<int>> lcs(a.size() + 1, std::vector<int>(b.size() + 1, 0));
  for (size_t i = a.size(); i-- > 0;)
    for (size_t j = b.size(); j-- > 0;)
      lcs[i][j] = a[i] == b[j] ? lcs[i + 1][j + 1] + 1 : std::max(lcs[i + 1][j], lcs[i][j + 1]);
  struct Line {
    char op;
    std::string text;
    size_t old_no, new_no;  // 1-based line numbers before the line
  };
  std::vector<Line> all;
  size_t i = 0, j = 0;
  while (i < a.size() || j < b.size()) {
    if (i < a.size() && j < b.size() && a[i] == b[j]) {
      all.push_back({' ', a[i], i + 1, j + 1});
      ++i, ++j;
    } else if (i < a.size() && (j == b.size() || lcs[i + 1][j] >= lcs[i][j + 1])) {
      all.push_back({'-', a[i], i + 1, j + 1});
      ++i;
    } else {
      all.push_back({'+', b[j], i + 1, j + 1});
      ++j;
    }
  }
  const size_t context = 3;
  std::vector<bool> keep(all.size(), false);
  for (size_t k = 0; k < all.size(); ++k)
    if (all[k].op != ' ')
      for (size_t m = (k >= context ? k - context : 0); m < std::min(all.size(), k + context + 1); ++m) keep[m] = true;
  std::vector<std::string> out;
  for (size_t k = 0; k < all.size();) {
    if (!keep[k]) {
      ++k;
      continue;
    }
    size_t end = k;
    while (end < all.size() && keep[end]) ++end;
    size_t old_count = 0, new_count = 0;
    for (size_t m = k; m < end; ++m) {
      if (all[m].op != '+') ++old_count;
      if (all[m].op != '-') ++new_count;
    }
    out.push_back("@@ -" + std::to_string(old_count ? all[k].old_no : all[k].old_no - 1) + "," + std::to_string(old_count) +
                  " +" + std::to_string(new_count ? all[k].new_no : all[k].new_no - 1) + "," + std::to_string(new_count) +
                  " @@");
    for (size_t m = k; m < end; ++m) out.push_back(std::string(1, all[m].op) + all[m].text);
    k = end;
  }
  return out;
}

std::vector<std::string> text_lines(const std::string& text) {
  auto lines = util::split(text, '\n');
  if (!lines.empty() && lines.back().empty()) lines.pop_back();
  return lines;
}

int run(const DiffOptions& o, Env& env) {
  env.generic_error_exit = static_cast<int>(util::Exit::diff_failed);
  IonInputs inputs = load_ion_inputs(env, o.file);
  bool differs = false;
  env.client().apply_ions(inputs, "", true);  // checks, as an apply would
  for (const auto& item : inputs.items) {
    std::vector<std::string> before;
    std::string from = "ion/" + item.ion.name + " (not applied)";
    try {
      auto current = env.client().current_ion(item.ion.name);
      before = text_lines(canonical_yaml(current.spec));
      from = "ion/" + item.ion.name + " (revision " + std::to_string(current.revision) + ")";
    } catch (const util::Error& e) {
      if (e.code() != util::Exit::not_found) throw;
    }
    auto after = text_lines(canonical_yaml(ion::to_json(item.ion)));
    if (before == after) continue;
    differs = true;
    env.out << "--- " << from << "\n+++ " << item.source_name << "\n";
    for (const auto& l : diff_lines(before, after)) env.out << l << "\n";
  }
  return differs ? 1 : 0;
}

}  // namespace

Action setup_ion_diff(Args& args) {
  auto o = std::make_shared<DiffOptions>();
  args.option("-f,--filename", o->file, "FILE", "ION manifest file, directory, or - for stdin", true);
  return [o](Env& env) { return run(*o, env); };
}

}  // namespace mlops::cli
