#include "runtime/run.hpp"

#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <cstdio>
#include <random>

#include "engine/process.hpp"
#include "ion/registry.hpp"
#include "pipeline/archive.hpp"
#include "pipeline/manifest.hpp"
#include "pipeline/registry.hpp"
#include "runtime/flow.hpp"
#include "runtime/sdk.hpp"
#include "util/error.hpp"
#include "util/fs.hpp"
#include "util/strings.hpp"

namespace mlops::runtime {

using nlohmann::json;
using store::Stmt;
using util::Error;
using util::Exit;

namespace {

std::string new_run_id(int64_t now_ms) {
  time_t secs = static_cast<time_t>(now_ms / 1000);
  struct tm tm;
  gmtime_r(&secs, &tm);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &tm);
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  char suffix[8];
  std::snprintf(suffix, sizeof suffix, "%06x", static_cast<unsigned>(rng() & 0xffffff));
  return std::string("r") + stamp + "-" + suffix;
}

RunRecord read_row(const Stmt& s) {
  RunRecord r;
  r.id = s.text(0);
  r.ion = s.text(1);
  r.node = s.text(2);
  r.pipeline = s.text(3);
  r.status = s.text(4);
  r.outcome = s.text(5);
  r.args = json::parse(s.text(6)).get<std::map<std::string, std::string>>();
  r.model = s.text(7);
  r.started_ms = s.integer(8);
  r.finished_ms = s.is_null(9) ? 0 : s.integer(9);
  r.actor = s.text(10);
  r.model_in = s.text(11);
  return r;
}

const char* const kColumns =
    "id, ion, node, pipeline, status, outcome, args, model, started_ms, finished_ms, actor, model_in";

void save(store::Store& store, const RunRecord& r, bool insert) {
  Stmt s(store.catalog().handle(),
         insert ? "INSERT INTO runs(status, outcome, model, model_in, finished_ms, id, ion, node, pipeline, args, "
                  "started_ms, actor) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                : "UPDATE runs SET status = ?, outcome = ?, model = ?, model_in = ?, finished_ms = ? WHERE id = ?");
  s.bind(1, r.status).bind(2, r.outcome).bind(3, r.model).bind(4, r.model_in);
  r.finished_ms ? s.bind(5, r.finished_ms) : s.bind_null(5);
  s.bind(6, r.id);
  if (insert)
    s.bind(7, r.ion).bind(8, r.node).bind(9, r.pipeline).bind(10, json(r.args).dump()).bind(11, r.started_ms).bind(12, r.actor);
  s.run();
}

std::string env_name(const std::string& arg) {
  std::string out = "MLOPS_ARG_";
  for (char c : arg) out += c == '-' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

// Metrics reported through the stats channel, and how many lines were not valid records.
std::pair<json, size_t> read_metrics(const std::string& path) {
  json metrics = json::object();
  size_t bad = 0;
  if (!util::path_exists(path)) return {metrics, bad};
  for (const auto& line : util::split(util::read_file(path), '\n')) {
    if (line.empty()) continue;
    json record = json::parse(line, nullptr, false);
    if (record.is_discarded() || !record.is_object() || !record.contains("type")) {
      ++bad;
      continue;
    }
    if (record["type"] == "metric") {
      if (!record.contains("name") || !record["name"].is_string() || !record.contains("value") ||
          !record["value"].is_number()) {
        ++bad;
        continue;
      }
      metrics[record["name"].get<std::string>()] = record["value"];
    }
  }
  return {metrics, bad};
}

// What a producing run left in model-out: its single entry, or the directory when there are several.
std::string produced_model(const std::string& dir) {
  std::vector<std::string> entries;
  if (DIR* d = ::opendir(dir.c_str())) {
    while (dirent* e = ::readdir(d))
      if (std::string(e->d_name) != "." && std::string(e->d_name) != "..") entries.push_back(e->d_name);
    ::closedir(d);
  }
  if (entries.empty()) return "";
  return entries.size() == 1 ? dir + "/" + entries[0] : dir;
}

}  // namespace

std::string model_name(const std::string& ion, const std::string& node) { return ion + "." + node; }

std::string run_dir(const store::Store& store, const std::string& id) { return store.root() + "/runs/" + id; }

RunRecord run_node(store::Store& store, const RunRequest& req) {
  auto revision = ion::current_revision(store, req.ion);
  auto manifest = ion::load_revision(revision);
  const ion::Node* node = manifest.find(req.node);
  if (!node) {
    std::vector<std::string> names;
    for (const auto& n : manifest.nodes) names.push_back(n.name);
    std::string guess = util::did_you_mean(req.node, names);
    throw Error(Exit::not_found, "ION '" + req.ion + "' has no node '" + req.node + "'",
                guess.empty() ? "" : "did you mean '" + guess + "'?");
  }
  if (node->policy) throw Error(Exit::usage, "node '" + req.node + "' is a policy; only pipeline nodes run");
  auto version = pipeline::resolve_pipeline(store, store::parse_model_ref(node->pipeline));

  RunRecord r;
  r.id = new_run_id(req.clock->now_ms());
  r.ion = req.ion;
  r.node = req.node;
  r.pipeline = version.name + ":" + std::to_string(version.version);
  r.status = "running";
  r.outcome = "running";
  r.started_ms = req.clock->now_ms();
  r.actor = req.actor;
  for (const auto& a : version.summary["args"])
    if (a.contains("default")) r.args[a["name"]] = a["default"];
  for (const auto& [k, v] : node->args) r.args[k] = v;

  std::string dir = run_dir(store, r.id);
  util::make_dirs(dir);
  save(store, r, true);

  auto finish = [&](const std::string& status, const std::string& outcome) {
    r.status = status;
    r.outcome = outcome;
    r.finished_ms = req.clock->now_ms();
    save(store, r, false);
    return r;
  };
  try {
    pipeline::extract_archive(store.blobs().read_verified(version.digest), dir + "/workspace",
                              "pipeline/" + r.pipeline);
    auto m = pipeline::parse_pipeline({"pipeline.yaml", util::read_file(dir + "/workspace/pipeline.yaml")});
    for (const char* sub : {"/model-out", "/tensorboard", "/sdk"}) util::make_dirs(dir + sub);
    {
      util::TempFile sdk(dir + "/sdk");
      std::string source = python_sdk_source();
      util::write_all(sdk.fd(), source.data(), source.size(), sdk.path());
      sdk.commit(dir + "/sdk/mlops_sdk.py", false);
    }
    std::map<std::string, std::string> env = req.base_env;
    env["MLOPS_RUN_ID"] = r.id;
    env["MLOPS_ION"] = r.ion;
    env["MLOPS_NODE"] = r.node;
    env["MLOPS_PIPELINE"] = r.pipeline;
    env["MLOPS_WORKSPACE"] = dir + "/workspace";
    env["MLOPS_STATS"] = dir + "/stats.jsonl";
    env["MLOPS_TENSORBOARD_DIR"] = dir + "/tensorboard";
    for (const auto& [k, v] : r.args) env[env_name(k)] = v;
    auto pythonpath = env.find("PYTHONPATH");
    env["PYTHONPATH"] = dir + "/sdk" + (pythonpath != env.end() && !pythonpath->second.empty() ? ":" + pythonpath->second : "");
    // The path to create: a file or a directory, as the pipeline likes.
    env["MLOPS_MODEL_OUT"] = dir + "/model-out/model";
    if (m.consumes) {
      std::string model = delivered_model(store, r.ion, r.node);
      if (model.empty())
        return finish("failed", "no model has reached node '" + r.node + "' yet (pipeline '" + m.name + "' consumes one)");
      auto pulled = store.pull(store::parse_model_ref(model), dir + "/model-in", false);
      env["MLOPS_MODEL_IN"] = pulled.path;
      r.model_in = model;
    }
    for (const auto& step : m.steps) {
      if (step.spark) return finish("failed", "step '" + step.name + "': the spark engine is not available yet");
      engine::ProcessSpec spec;
      spec.argv = step.run;
      spec.env = env;
      for (const auto& [k, v] : step.env) spec.env[k] = v;
      spec.cwd = dir + "/workspace";
      spec.stdout_path = spec.stderr_path = dir + "/run.log";
      engine::Process process(spec);
      auto outcome = process.wait();
      if (!outcome.ok()) return finish("failed", "step '" + step.name + "': " + outcome.describe());
    }
    auto [metrics, bad_lines] = read_metrics(dir + "/stats.jsonl");
    std::string note = bad_lines ? " (" + std::to_string(bad_lines) + " malformed stats lines ignored)" : "";
    if (m.produces) {
      std::string produced = produced_model(dir + "/model-out");
      if (produced.empty()) return finish("failed", "wrote no model (expected one at $MLOPS_MODEL_OUT)");
      store::PushRequest push;
      push.path = produced;
      push.name = model_name(r.ion, r.node);
      push.labels = {{"ion", r.ion}, {"node", r.node}, {"run", r.id}, {"pipeline", r.pipeline}, {"agent", "local"}};
      push.params = {{"pipelineDigest", "sha256:" + version.digest}};
      for (const auto& [k, v] : r.args) push.params["arg." + k] = v;
      push.metrics = metrics;
      push.actor = req.actor;
      push.now_ms = req.clock->now_ms();
      auto pushed = store.push(push);
      r.model = pushed.name + ":" + std::to_string(pushed.version);
    }
    return finish("succeeded", "exit 0" + note);
  } catch (const Error& e) {
    finish("failed", e.what());
    throw;
  }
}

std::vector<RunRecord> list_runs(store::Store& store, const std::string& ion, const std::string& node) {
  std::string sql = std::string("SELECT ") + kColumns + " FROM runs WHERE (? = '' OR ion = ?) AND (? = '' OR node = ?) "
                                                        "ORDER BY started_ms, id";
  Stmt s(store.catalog().handle(), sql);
  s.bind(1, ion).bind(2, ion).bind(3, node).bind(4, node);
  std::vector<RunRecord> out;
  while (s.step()) out.push_back(read_row(s));
  return out;
}

RunRecord get_run(store::Store& store, const std::string& id) {
  Stmt s(store.catalog().handle(), std::string("SELECT ") + kColumns + " FROM runs WHERE id = ?");
  s.bind(1, id);
  if (!s.step()) throw Error(Exit::not_found, "no run with id '" + id + "'", "see 'mlops run list'");
  return read_row(s);
}

}  // namespace mlops::runtime
