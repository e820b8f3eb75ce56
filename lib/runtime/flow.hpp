// Models moving through an ION. A produced model travels along the producer's edges: a policy node
// decides (auto passes; gate checks its conditions against the model's metrics; approval holds it
// pending for people), and a pipeline node receives it: its next run reads it at $MLOPS_MODEL_IN.
// Every decision and delivery is recorded with its reason.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "ion/manifest.hpp"
#include "store/store.hpp"

namespace mlops::runtime {

struct FlowEvent {
  std::string ion, node;
  std::string model;  // NAME:VERSION
  std::string kind;   // passed, failed, pending, delivered
  std::string reason;
  int64_t at_ms = 0;
};

// Sends `model` (NAME:VERSION, already in the store) out of `from` along the ION's edges.
std::vector<FlowEvent> propagate(store::Store& store, const ion::IonManifest& ion, const std::string& from,
                                 const std::string& model, int64_t now_ms);

// What happened to `model` (NAME:VERSION) at the nodes of an ION, oldest first.
std::vector<FlowEvent> model_flows(store::Store& store, const std::string& ion, const std::string& model);

// The model most recently delivered to a pipeline node, or "".
std::string delivered_model(store::Store& store, const std::string& ion, const std::string& node);

// Redeploys a model to a pipeline node, as if delivered anew: `to` (any ref), or by default the model
// delivered before the current one. Batch nodes use it on their next run; a running service
// hot-swaps it. Returns the delivery; errors (a policy node, nothing earlier) change nothing.
FlowEvent rollback(store::Store& store, const ion::IonManifest& ion, const std::string& node, const std::string& to,
                   const std::string& actor, int64_t now_ms);

// Records a decision or delivery made elsewhere (an agent recording what its server delivered):
// a delivery starts the node's 'on: model' runs like one made here.
void record_flow(store::Store& store, const FlowEvent& ev);

// "gate quality passed model/x:1 (metric inertia 558 < 2000)"
std::string describe(const FlowEvent& e);

}  // namespace mlops::runtime
