// The mlops/v1 shapes of pipelines, IONs and model history, both ways: what the CLI prints with
// -o json and the server answers, and back into the library's types for what a server sends.
// A shape the reader cannot use is an error naming what is wrong.
#pragma once

#include <nlohmann/json.hpp>

#include "ion/apply.hpp"
#include "ion/registry.hpp"
#include "pipeline/registry.hpp"
#include "runtime/events.hpp"
#include "store/registry.hpp"

namespace mlops::api {

// The body of a PipelineVersion: its fields and its summary's (description, args, steps...).
nlohmann::json pipeline_version(const pipeline::PipelineVersion& v);
pipeline::PipelineVersion pipeline_version_from(const nlohmann::json& j);

// An ION as applied: its canonical document with a status (revision, who, when, why, and the
// YAML it was applied with), as 'ion get NAME -o json' prints it plus the source.
nlohmann::json ion_revision(const ion::Revision& r);
ion::Revision ion_revision_from(const nlohmann::json& j);
// One line of an ION's history (no spec), as 'ion history -o json' prints it.
nlohmann::json ion_history_entry(const ion::Revision& r);
ion::Revision ion_history_entry_from(const nlohmann::json& j, const std::string& name);

// One item of an ApplyResult: a pipeline's version, or an ION's revision.
nlohmann::json applied(const ion::Applied& a);
ion::Applied applied_from(const nlohmann::json& j);

// One Event of 'mlops events'.
nlohmann::json event(const runtime::Event& e);
runtime::Event event_from(const nlohmann::json& j);

// One ModelEvent of a model's history.
nlohmann::json model_event(const store::ModelEvent& e);
store::ModelEvent model_event_from(const nlohmann::json& j, const std::string& model);

}  // namespace mlops::api
