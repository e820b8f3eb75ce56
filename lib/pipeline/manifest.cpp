#include "pipeline/manifest.hpp"

#include <algorithm>
#include <cctype>
#include <functional>
#include <set>

#include "store/model_ref.hpp"
#include "util/error.hpp"
#include "util/strings.hpp"

namespace mlops::pipeline {

using manifest::Value;

namespace {

void check_value(const Value& v, const std::string& type) {
  if (type == "int") v.as_int();
  else if (type == "float") v.as_number();
  else if (type == "bool") v.as_bool();
  else v.as_string();
}

Arg parse_arg(const Value& v, std::set<std::string>& names) {
  v.only_keys({"name", "type", "default", "description"});
  Arg a;
  Value name = v.at("name");
  a.name = name.as_identifier("argument name");
  if (!names.insert(a.name).second) name.fail("duplicate argument '" + a.name + "'");
  a.type = v.has("type") ? v.at("type").as_choice({"string", "int", "float", "bool"}) : "string";
  if (v.has("default")) {
    Value d = v.at("default");
    check_value(d, a.type);
    a.value = d.as_string();
  }
  if (v.has("description")) a.description = v.at("description").as_string();
  return a;
}

SparkApp parse_spark(const Value& v) {
  v.only_keys({"app", "class", "args", "conf", "packages"});
  SparkApp s;
  s.app = v.at("app").as_string();
  if (v.has("class")) s.main_class = v.at("class").as_string();
  if (v.has("args")) s.args = v.at("args").as_string_list();
  if (v.has("conf")) s.conf = v.at("conf").as_string_map();
  if (v.has("packages")) s.packages = v.at("packages").as_string_list();
  return s;
}

// Orders steps so each comes after what it depends on; a cycle is an error at its first step.
std::vector<Step> ordered(std::vector<Step> steps, const std::vector<Value>& nodes) {
  std::map<std::string, size_t> index;
  for (size_t i = 0; i < steps.size(); ++i) index[steps[i].name] = i;
  std::vector<int> state(steps.size(), 0);  // 0 new, 1 on the path, 2 done
  std::vector<size_t> order, path;
  std::function<void(size_t)> visit = [&](size_t i) {
    if (state[i] == 2) return;
    if (state[i] == 1) {
      auto start = std::find(path.begin(), path.end(), i);
      std::string cycle;
      for (auto it = start; it != path.end(); ++it) cycle += steps[*it].name + " -> ";
      nodes[i].fail("steps form a cycle: " + cycle + steps[i].name);
    }
    state[i] = 1;
    path.push_back(i);
    for (const auto& dep : steps[i].after) visit(index.at(dep));
    path.pop_back();
    state[i] = 2;
    order.push_back(i);
  };
  for (size_t i = 0; i < steps.size(); ++i) visit(i);
  std::vector<Step> out;
  for (size_t i : order) out.push_back(steps[i]);
  return out;
}

}  // namespace

PipelineManifest parse_pipeline(const manifest::Source& source) {
  auto docs = manifest::parse_documents(source);
  if (docs.empty()) manifest::fail_at(source, 0, 0, "empty manifest: expected a Pipeline");
  if (docs.size() > 1) docs[1].fail("a pipeline.yaml holds one document, found " + std::to_string(docs.size()));
  const Value& doc = docs[0];
  doc.only_keys({"apiVersion", "kind", "metadata", "spec"});
  doc.at("apiVersion").as_choice({"mlops/v1"});
  doc.at("kind").as_choice({"Pipeline"});

  PipelineManifest p;
  Value meta = doc.at("metadata");
  meta.only_keys({"name", "description", "labels"});
  Value name = meta.at("name");
  p.name = name.as_string();
  try {
    store::validate_model_name(p.name);
  } catch (const util::Error& e) {
    name.fail(std::string("invalid pipeline name '") + p.name + "'" + std::string(e.what()).substr(std::string(e.what()).find("':")+1));
  }
  if (meta.has("description")) p.description = meta.at("description").as_string();
  if (meta.has("labels")) p.labels = meta.at("labels").as_string_map();

  Value spec = doc.at("spec");
  spec.only_keys({"engine", "venv", "produces", "consumes", "args", "steps"});
  p.engine = spec.at("engine").as_choice(kEngines);
  if (spec.has("venv")) {
    Value venv = spec.at("venv");
    if (p.engine != "python" && p.engine != "tensorflow")
      venv.fail("'venv' is for the python and tensorflow engines, not '" + p.engine + "'");
    p.venv = venv.as_string();
    if (p.venv.empty()) venv.fail("'venv' cannot be empty");
  }
  if (spec.has("produces")) p.produces = spec.at("produces").as_bool();
  if (spec.has("consumes")) p.consumes = spec.at("consumes").as_bool();
  std::set<std::string> arg_names;
  if (spec.has("args"))
    for (const auto& a : spec.at("args").items()) p.args.push_back(parse_arg(a, arg_names));

  auto step_nodes = spec.at("steps").items();
  if (step_nodes.empty()) spec.at("steps").fail("a pipeline needs at least one step");
  std::vector<Step> steps;
  std::set<std::string> step_names;
  for (const auto& v : step_nodes) {
    v.only_keys({"name", "run", "spark", "after", "env"});
    Step s;
    Value sname = v.at("name");
    s.name = sname.as_identifier("step name");
    if (!step_names.insert(s.name).second) sname.fail("duplicate step '" + s.name + "'");
    bool has_run = v.has("run"), has_spark = v.has("spark");
    if (has_run == has_spark) v.fail("step '" + s.name + "' needs exactly one of 'run' or 'spark'");
    if (has_run) {
      Value run = v.at("run");
      if (run.is_scalar()) {
        s.run = {"/bin/sh", "-c", run.as_string()};
      } else {
        s.run = run.as_string_list();
        if (s.run.empty()) run.fail("'run' of step '" + s.name + "' is empty");
      }
    } else {
      if (p.engine != "spark") v.at("spark").fail("step '" + s.name + "' is a Spark application, but the engine is '" + p.engine + "'",
                                                  "set 'spec.engine: spark'");
      s.spark = parse_spark(v.at("spark"));
    }
    if (v.has("env")) s.env = v.at("env").as_string_map();
    steps.push_back(std::move(s));
  }
  // 'after' may name a later step, so it is checked once every name is known.
  for (size_t i = 0; i < steps.size(); ++i) {
    if (!step_nodes[i].has("after")) continue;
    std::vector<std::string> names(step_names.begin(), step_names.end());
    for (const auto& dep : step_nodes[i].at("after").items()) {
      std::string d = dep.as_string();
      if (d == steps[i].name) dep.fail("step '" + d + "' cannot run after itself");
      if (!step_names.count(d)) {
        std::string guess = util::did_you_mean(d, names);
        dep.fail("step '" + steps[i].name + "' runs after unknown step '" + d + "'", guess.empty() ? "" : "did you mean '" + guess + "'?");
      }
      steps[i].after.push_back(d);
    }
  }
  p.steps = ordered(std::move(steps), step_nodes);
  return p;
}

}  // namespace mlops::pipeline
