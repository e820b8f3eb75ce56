// mlops pipeline upload DIR: validate DIR/pipeline.yaml, pack DIR deterministically, and record it as
// the pipeline's next version unless the bundle is byte-identical to the latest one.
#include <memory>

#include "cli/commands.hpp"
#include "cli/output.hpp"
#include "cli/pipeline_common.hpp"

namespace mlops::cli {

namespace {

struct UploadOptions {
  std::string dir;
};

int run(const UploadOptions& o, Env& env) {
  auto result = env.client().upload_pipeline(o.dir);
  const auto& v = result.version;
  auto body = pipeline_json(v);
  body["unchanged"] = result.unchanged;
  std::string name = "pipeline/" + pipeline_id(v);
  print_result(env, document("PipelineVersion", body), {name},
               {name + (result.unchanged ? " unchanged" : " uploaded") + " sha256:" + v.digest});
  return 0;
}

}  // namespace

Action setup_pipeline_upload(Args& args) {
  auto o = std::make_shared<UploadOptions>();
  args.positional("dir", o->dir, "DIR", "pipeline directory holding pipeline.yaml");
  return [o](Env& env) { return run(*o, env); };
}

}  // namespace mlops::cli
