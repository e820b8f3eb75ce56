// mlops model push PATH --name N [--metric k=v]... [--param k=v]... [--label k=v]...
#include <cmath>
#include <cstdlib>

#include <memory>

#include "cli/commands.hpp"
#include "cli/model_common.hpp"
#include "cli/output.hpp"
#include "util/error.hpp"

namespace mlops::cli {

namespace {

struct PushOptions {
  std::string path;
  std::string name;
  std::vector<std::string> metrics, params, labels;
};

store::PushRequest validate(const PushOptions& o) {
  store::PushRequest req;
  req.path = o.path;
  req.name = o.name;
  store::validate_model_name(o.name);
  for (const auto& [k, v] : parse_pairs(o.metrics, "--metric")) {
    char* end = nullptr;
    double value = std::strtod(v.c_str(), &end);
    if (v.empty() || *end != '\0' || !std::isfinite(value))
      throw util::Error(util::Exit::usage, "invalid --metric '" + k + "=" + v + "': value must be a finite number");
    req.metrics[k] = value;
  }
  for (const auto& [k, v] : parse_pairs(o.params, "--param")) req.params[k] = v;
  for (const auto& [k, v] : parse_pairs(o.labels, "--label")) req.labels[k] = v;
  return req;
}

int run(const PushOptions& o, Env& env) {
  store::PushRequest req = validate(o);
  req.actor = env.actor();
  req.now_ms = env.clock.now_ms();
  store::ModelVersion v = env.client().push_model(req);
  std::string name = "model/" + version_id(v);
  print_result(env, document("ModelVersion", version_json(v)), {name}, {name + " sha256:" + v.digest});
  return 0;
}

}  // namespace

Action setup_model_push(Args& args) {
  auto o = std::make_shared<PushOptions>();
  args.positional("path", o->path, "PATH", "model file or directory");
  args.option("-n,--name", o->name, "NAME", "model name", true);
  args.option("--metric", o->metrics, "KEY=VALUE", "metric KEY=NUMBER (repeatable)");
  args.option("--param", o->params, "KEY=VALUE", "parameter KEY=VALUE (repeatable)");
  args.option("--label", o->labels, "KEY=VALUE", "label KEY=VALUE for selection (repeatable)");
  return [o](Env& env) { return run(*o, env); };
}

}  // namespace mlops::cli
