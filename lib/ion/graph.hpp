// Drawings of an ION: nodes (pipelines with their schedule and placement, policies), and the edges
// that carry models between them.
#pragma once

#include <string>

#include "ion/manifest.hpp"

namespace mlops::ion {

std::string render_text(const IonManifest& ion, int64_t revision);
// Graphviz: `mlops ion graph NAME --format dot | dot -Tsvg > ion.svg`.
std::string render_dot(const IonManifest& ion);
// Mermaid flowchart, for Markdown that renders it.
std::string render_mermaid(const IonManifest& ion);

}  // namespace mlops::ion
