// `zhifa discretion …`: run the discretion engine from the command line, print the facts
// registry, and seed the demo departments' lists (called by `zhifa demo`).
#include "cli/discretion.h"

#include <fstream>
#include <iostream>
#include <map>
#include <sstream>

#include "app/app.h"
#include "cli/commands.h"
#include "discretion/discretion_routes.h"

namespace zhifa::cli {

namespace {

// Bad arguments / facts: exit 2 with the message naming the argument.
int BadArgument(const core::Error& e, const std::string& arg) {
  std::cerr << "zhifa: " << e.message_zh << "\nzhifa: " << e.message_en << " [" << arg;
  if (!e.field.empty() && e.field != arg) std::cerr << ": " << e.field;
  std::cerr << "]\n";
  return 2;
}

core::Result<nlohmann::json> ReadJsonFile(const std::string& path, const char* arg) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return core::Err(core::ErrorCode::kInvalidArgument, "无法读取文件 " + path,
                     "cannot read file " + path, arg);
  }
  std::stringstream ss;
  ss << in.rdbuf();
  nlohmann::json j = nlohmann::json::parse(ss.str(), nullptr, false);
  if (j.is_discarded()) {
    return core::Err(core::ErrorCode::kMalformedJson, path + " 不是有效的 JSON",
                     path + " is not valid JSON", arg);
  }
  return j;
}

}  // namespace

int RunDiscretionFacts() {
  std::cout << discretion::FactsRegistryJson().dump(2) << "\n";
  return 0;
}

int RunDiscretionEvaluate(const app::Config& cfg, const DiscretionEvaluateArgs& a) {
  // Arguments first (exit 2), before touching the database.
  auto facts = ReadJsonFile(a.facts_file, "--facts");
  if (!facts) return BadArgument(facts.error(), "--facts");
  auto parsed = discretion::ParseFacts(*facts);
  if (!parsed) return BadArgument(parsed.error(), "--facts");
  std::optional<core::Date> on;
  if (!a.on.empty()) {
    auto d = core::ParseDate(a.on, "--on");
    if (!d) return BadArgument(d.error(), "--on");
    on = *d;
  }
  discretion::Proposal proposal;
  bool check = false;
  if (!a.kinds.empty() || a.fine >= 0) {
    check = true;
    for (const auto& k : a.kinds) {
      auto pk = catalogue::ParsePenaltyKind(k);
      if (!pk) {
        return BadArgument(
            core::Err(core::ErrorCode::kInvalidArgument, "未知的处罚种类「" + k + "」",
                      "unknown penalty kind \"" + k + "\"", "--kind"),
            "--kind");
      }
      proposal.kinds.push_back(*pk);
    }
    if (a.fine >= 0) proposal.fine = a.fine;
    proposal.reason = a.reason;
  }
  auto app = app::App::Open(cfg);
  if (!app) return Fail(app.error());
  auto applied = (*app)->Migrate();
  if (!applied) return Fail(applied.error());
  org::Principal system;  // the CLI acts as the system: any unit's lists may be applied
  system.scope.all = true;
  std::optional<int64_t> unit;
  if (!a.unit.empty()) {
    auto found = (*app)->org().FindUnitByName(a.unit);
    if (!found) return Fail(found.error());
    if (*found) {
      unit = **found;
    } else {
      try {
        size_t used = 0;
        int64_t id = std::stoll(a.unit, &used);
        if (used != a.unit.size()) throw std::invalid_argument("unit");
        unit = id;
      } catch (const std::exception&) {
        return BadArgument(core::Err(core::ErrorCode::kNotFound, "单位不存在：" + a.unit,
                                     "no unit " + a.unit, "--unit"),
                           "--unit");
      }
    }
  }
  discretion::DiscretionService::Request r;
  r.matter_code = a.matter;
  r.facts = *facts;
  r.on = on;
  r.unit_id = unit;
  if (check) r.proposal = proposal;
  auto out = (*app)->discretion().Run(system, r);
  if (!out) {
    const auto& e = out.error();
    if (e.code == core::ErrorCode::kInternal || e.code == core::ErrorCode::kUnavailable) {
      return Fail(e);
    }
    return BadArgument(e, e.field == "matter_code" ? "--matter" : "--facts");
  }
  std::cout << out->dump(2) << "\n";
  return 0;
}

int SeedDiscretionDemo(app::App& app) {
  auto demo = discretion::LoadDemoData();
  if (!demo) return Fail(demo.error());
  int written = 0;
  std::map<std::string, std::vector<std::pair<std::string, discretion::EntryInput>>> by_unit;
  for (const auto& l : demo->lists) {
    for (const auto& e : l.entries) by_unit[l.unit_name].emplace_back(l.kind_id, e);
  }
  for (const auto& [unit_name, entries] : by_unit) {
    auto id = app.org().FindUnitByName(unit_name);
    if (!id) return Fail(id.error());
    if (!*id) {
      return Fail(core::Err(core::ErrorCode::kNotFound, "单位不存在: " + unit_name,
                            "no unit " + unit_name));
    }
    auto n = app.lists().SeedDemo(record::Actor{}, **id, entries, demo->effective_from);
    if (!n) return Fail(n.error());
    written += *n;
  }
  std::cout << "discretion lists: " << written << " demo entries\n";
  return 0;
}

}  // namespace zhifa::cli
