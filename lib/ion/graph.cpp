#include "ion/graph.hpp"

#include <algorithm>

namespace mlops::ion {

namespace {

std::vector<std::string> lines_of(const Node& n) {
  if (n.policy) return {n.name, "policy: " + describe(*n.policy)};
  return {n.name, "pipeline " + n.pipeline, describe(n.schedule) + ", " + describe(n.placement)};
}

std::string quote_dot(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

std::string escape_mermaid(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '"') out += "#quot;";
    else if (c == '<') out += "#lt;";
    else if (c == '>') out += "#gt;";
    else out += c;
  }
  return out;
}

}  // namespace

std::string render_text(const IonManifest& ion, int64_t revision) {
  std::string out = "ion/" + ion.name + " (revision " + std::to_string(revision) + ")\n";
  size_t width = 0;
  for (const auto& n : ion.nodes) width = std::max(width, n.name.size());
  for (const auto& n : ion.nodes) {
    auto l = lines_of(n);
    out += "  " + n.name + std::string(width - n.name.size() + 2, ' ') + l[1];
    if (l.size() > 2) out += "  [" + l[2] + "]";
    out += "\n";
  }
  if (!ion.edges.empty()) out += "edges:\n";
  for (const auto& e : ion.edges) out += "  " + e.from + " -> " + e.to + (e.on == "alert" ? " (" + describe(e) + ")" : "") + "\n";
  return out;
}

std::string render_dot(const IonManifest& ion) {
  std::string out = "digraph " + quote_dot(ion.name) + " {\n  rankdir=LR;\n  node [fontname=\"Helvetica\"];\n";
  for (const auto& n : ion.nodes) {
    auto l = lines_of(n);
    std::string label;
    for (size_t i = 0; i < l.size(); ++i) {
      if (i) label += '\n';
      label += l[i];
    }
    // quote_dot escapes the backslash of "\n" too, so lines are joined after quoting.
    std::string quoted = quote_dot(label);
    for (size_t pos = 0; (pos = quoted.find('\n', pos)) != std::string::npos;) quoted.replace(pos, 1, "\\n");
    out += "  " + quote_dot(n.name) + " [shape=" + (n.policy ? "diamond" : "box") + ", label=" + quoted + "];\n";
  }
  for (const auto& e : ion.edges)
    out += "  " + quote_dot(e.from) + " -> " + quote_dot(e.to) + " [label=" + quote_dot(describe(e)) +
           (e.on == "alert" ? ", style=dashed, color=\"#c0392b\"" : "") + "];\n";
  return out + "}\n";
}

std::string render_mermaid(const IonManifest& ion) {
  // Mermaid ids cannot hold every character a node name can, so nodes are n0, n1, ... by position.
  auto id = [&](const std::string& name) {
    size_t i = 0;
    while (i < ion.nodes.size() && ion.nodes[i].name != name) ++i;
    std::string out = "n";
    out += std::to_string(i);
    return out;
  };
  std::string out = "flowchart LR\n";
  for (const auto& n : ion.nodes) {
    auto l = lines_of(n);
    std::string label;
    for (size_t i = 0; i < l.size(); ++i) {
      if (i) label += "<br/>";
      label += escape_mermaid(l[i]);
    }
    out += "  " + id(n.name) + (n.policy ? "{\"" + label + "\"}" : "[\"" + label + "\"]") + "\n";
  }
  for (const auto& e : ion.edges)
    out += "  " + id(e.from) + (e.on == "alert" ? " -.->|" : " -->|") + escape_mermaid(describe(e)) + "| " + id(e.to) + "\n";
  return out;
}

}  // namespace mlops::ion
