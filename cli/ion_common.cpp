#include "cli/ion_common.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <iterator>

#include "cli/output.hpp"
#include "util/error.hpp"
#include "util/fs.hpp"

namespace mlops::cli {

namespace fs = std::filesystem;

IonInputs load_ion_inputs(Env& env, const std::string& path) {
  IonInputs inputs;
  if (path == "-") {
    ion::add_ion_file(inputs, "<stdin>", std::string(std::istreambuf_iterator<char>(env.in), {}));
  } else {
    struct stat st;
    if (::stat(path.c_str(), &st) != 0) util::throw_errno("read", path, errno);
    if (!S_ISDIR(st.st_mode)) {
      ion::add_ion_file(inputs, path, util::read_file(path));
    } else {
      // Directories holding pipeline.yaml are pipelines; every other *.yaml or *.yml below is an ION file.
      std::vector<std::string> files, pipelines;
      std::error_code ec;
      // One walk; which YAML files belong to a pipeline directory is decided once the walk is done.
      std::vector<std::string> yaml;
      for (auto it = fs::recursive_directory_iterator(path, ec); !ec && it != fs::recursive_directory_iterator();
           it.increment(ec)) {
        std::string p = it->path().string();
        if (it->path().filename() == "pipeline.yaml")
          pipelines.push_back(it->path().parent_path().string() + "/");
        else if (it->is_regular_file() && (p.ends_with(".yaml") || p.ends_with(".yml")))
          yaml.push_back(p);
      }
      for (const auto& p : yaml)
        if (std::none_of(pipelines.begin(), pipelines.end(), [&](auto& d) { return p.rfind(d, 0) == 0; }))
          files.push_back(p);
      if (ec) util::throw_errno("read directory", path, ec.value());
      for (auto& d : pipelines) d.pop_back();
      std::sort(files.begin(), files.end());
      std::sort(pipelines.begin(), pipelines.end());
      for (const auto& dir : pipelines) ion::add_pipeline_dir(inputs, dir);
      for (const auto& f : files) ion::add_ion_file(inputs, f, util::read_file(f));
    }
  }
  if (inputs.items.empty()) throw util::Error(util::Exit::usage, "no ION manifests in '" + path + "'");
  // Checked here too, not only in apply_ions, so that nothing (no pipeline either) is uploaded first.
  std::map<std::string, int> seen;
  for (const auto& item : inputs.items)
    if (seen[item.ion.name]++)
      item.ion.at->at("metadata").at("name").fail("ION '" + item.ion.name + "' is applied twice in one go");
  return inputs;
}

std::string canonical_yaml(const nlohmann::json& spec) { return to_yaml(spec); }

}  // namespace mlops::cli
