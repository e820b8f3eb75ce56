// mlops store du: logical size (as pulled) and stored size (distinct blobs) per model, and totals.
#include <memory>

#include "cli/commands.hpp"
#include "cli/output.hpp"
#include "store/gc.hpp"
#include "util/strings.hpp"

namespace mlops::cli {

namespace {

struct DuOptions {};

int run(const DuOptions&, Env& env) {
  auto du = store::disk_usage(env.store());
  if (structured_output(env)) {
    nlohmann::json models = nlohmann::json::array();
    for (const auto& m : du.models)
      models.push_back({{"name", m.name}, {"versions", m.versions}, {"logicalBytes", m.logical}, {"storedBytes", m.stored}});
    print_document(env, document("DiskUsage", {{"models", models},
                                               {"blobs", du.blobs},
                                               {"blobBytes", du.blob_bytes},
                                               {"unreferencedBytes", du.unreferenced_bytes},
                                               {"catalogBytes", du.catalog_bytes},
                                               {"tempBytes", du.temp_bytes}}));
    return 0;
  }
  Table table;
  table.columns = {{"MODEL"}, {"VERSIONS"}, {"LOGICAL"}, {"STORED"}};
  std::vector<std::string> names;
  for (const auto& m : du.models) {
    table.rows.push_back({m.name, std::to_string(m.versions), util::human_bytes(m.logical), util::human_bytes(m.stored)});
    names.push_back("model/" + m.name);
  }
  if (env.global.output == "name") {
    for (const auto& n : names) env.out << n << "\n";
    return 0;
  }
  print_table(env, table);
  env.out << "\nblobs: " << du.blobs << " (" << util::human_bytes(du.blob_bytes) << ", "
          << util::human_bytes(du.unreferenced_bytes) << " unreferenced)\n"
          << "catalog: " << util::human_bytes(du.catalog_bytes) << "\n"
          << "temporary: " << util::human_bytes(du.temp_bytes) << "\n";
  return 0;
}

}  // namespace

Action setup_store_du(Args&) {
  auto o = std::make_shared<DuOptions>();
  return [o](Env& env) { return run(*o, env); };
}

}  // namespace mlops::cli
