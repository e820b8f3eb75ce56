// mlops stats export [NAME] --format csv|jsonl [--since T] [--until T] [filters]: every point the
// filters select, oldest first, for a spreadsheet, pandas or another system.
#include <memory>

#include "cli/commands.hpp"
#include "cli/stats_common.hpp"
#include "util/error.hpp"
#include "util/strings.hpp"
#include "util/time.hpp"

namespace mlops::cli {

namespace {

struct ExportOptions {
  std::string name;
  StatFilterOptions filter;
  std::string format = "csv";
};

// RFC 4180: quoted when it holds a comma, a quote or a line break; quotes doubled.
std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

int run(const ExportOptions& o, Env& env) {
  if (o.format != "csv" && o.format != "jsonl")
    throw util::Error(util::Exit::usage, "unknown format '" + o.format + "'", "use csv or jsonl");
  auto f = o.filter.filter(env.clock.now_ms());
  f.name = o.name;
  if (o.format == "csv") env.out << "time,ion,node,run,agent,model,source,name,step,value,labels\n";
  for_each_point(env.client(), f, [&](const nlohmann::json& p) {
    if (o.format == "jsonl") {
      env.out << p.dump() << "\n";
      return;
    }
    env.out << util::format_rfc3339(p.at("atMs"));
    for (const char* k : {"ion", "node", "run", "agent", "model", "source", "name"})
      env.out << "," << csv_field(p.value(k, ""));
    env.out << "," << (p.at("step").is_null() ? "" : std::to_string(p.at("step").get<int64_t>())) << ","
            << util::format_number(p.at("value").get<double>()) << "," << csv_field(p.at("labels").dump()) << "\n";
  });
  env.out.flush();
  return 0;
}

}  // namespace

Action setup_stats_export(Args& args) {
  auto o = std::make_shared<ExportOptions>();
  args.positional("NAME", o->name, "NAME", "only this stat (default: every one)", false);
  args.option("--format", o->format, "FORMAT", "csv (default, with a header line) or jsonl (one point a line)");
  o->filter.add(args, true);
  return [o](Env& env) { return run(*o, env); };
}

}  // namespace mlops::cli
