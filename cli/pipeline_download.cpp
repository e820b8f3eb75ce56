// mlops pipeline download REF [-d DIR]: unpack a pipeline version into a new directory (default ./NAME).
#include <memory>

#include "cli/commands.hpp"
#include "cli/output.hpp"
#include "cli/pipeline_common.hpp"

namespace mlops::cli {

namespace {

struct DownloadOptions {
  std::string ref;
  std::string dir;
};

int run(const DownloadOptions& o, Env& env) {
  std::string dest = o.dir;
  if (dest.empty()) dest = env.client().show_pipeline(o.ref).name;
  auto v = env.client().download_pipeline(o.ref, dest);
  auto body = pipeline_json(v);
  body["path"] = dest;
  std::string name = "pipeline/" + pipeline_id(v);
  print_result(env, document("PipelineDownload", body), {name}, {name + " downloaded to " + dest});
  return 0;
}

}  // namespace

Action setup_pipeline_download(Args& args) {
  auto o = std::make_shared<DownloadOptions>();
  args.positional("ref", o->ref, "REF", "NAME, NAME:VERSION or sha256:HEX");
  args.option("-d,--dir", o->dir, "DIR", "directory to create (default: ./NAME)");
  return [o](Env& env) { return run(*o, env); };
}

}  // namespace mlops::cli
