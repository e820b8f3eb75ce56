// pipeline.yaml: what a pipeline is (kind: Pipeline). The JSON Schema in schemas/pipeline.schema.json
// describes the same shape; this parser adds what a schema cannot say (unique names, 'after' pointing
// at real steps, no cycles) and locates every error at file:line:col.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "manifest/document.hpp"

namespace mlops::pipeline {

struct Arg {
  std::string name;
  std::string type;                   // string, int, float, bool
  std::optional<std::string> value;   // default, as text; none: the argument is required
  std::string description;
};

struct SparkApp {
  std::string app;         // .py file or .jar inside the bundle
  std::string main_class;  // JVM applications
  std::vector<std::string> args;
  std::map<std::string, std::string> conf;
  std::vector<std::string> packages;
};

struct Step {
  std::string name;
  std::vector<std::string> run;  // argv; a string in YAML becomes /bin/sh -c STRING
  std::optional<SparkApp> spark;
  std::vector<std::string> after;
  std::map<std::string, std::string> env;
};

struct PipelineManifest {
  std::string name;
  std::string description;
  std::map<std::string, std::string> labels;
  std::string engine;  // python, process, spark, tensorflow
  // python and tensorflow: a virtual environment whose bin/ comes first in PATH (relative paths are
  // inside the run's workspace, so a step may create it); "" runs the host's python3.
  std::string venv;
  bool produces = false;
  bool consumes = false;
  std::vector<Arg> args;
  std::vector<Step> steps;  // in a valid execution order
};

inline const std::vector<std::string> kEngines = {"python", "process", "spark", "tensorflow"};

// Parses and validates one pipeline.yaml. Errors are usage errors located in `source`.
PipelineManifest parse_pipeline(const manifest::Source& source);

}  // namespace mlops::pipeline
