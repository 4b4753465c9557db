// zhifa::discretion::ListsService — the penalty lists of departments (不予/减轻/从轻/从重处罚清单
// and other configured kinds such as 免予行政强制清单): kinds, lists, versions with effective
// dates, entries, and the per-matter options of the engine; and DiscretionService, which runs the
// engine over a matter (from a MatterSource), the lists in force and the facts.
//
// Every change is a command on the CommandBus (events "discretion.*" in the record log). Everyone
// signed in may read. Changes need kListsWrite (checked by the route) and that the list's unit
// be inside the caller's data scope — otherwise kNotFound (existence does not leak). Adding a
// list kind or a matter option is city-wide configuration: it needs a city-wide scope.
// Thread-safety: thread-safe (stateless over the database).
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "catalogue/catalogue_model.h"
#include "core/result.h"
#include "core/time.h"
#include "discretion/discretion_rules.h"
#include "org/principal.h"
#include "record/command_bus.h"
#include "store/database.h"

namespace zhifa::discretion {

// Where the engine gets a matter's rules: the catalogue, through an adapter in app/ (the engine
// does not depend on the catalogue's internals). Returns kNotFound when no version of the matter
// is in force on `on`.
class MatterSource {
 public:
  virtual ~MatterSource() = default;
  virtual core::Result<catalogue::MatterRules> MatterRulesAt(std::string_view code,
                                                             core::Date on) = 0;
};

// Parses an array of penalty kind ids (or Chinese names); errors name `field`[i].
core::Result<std::vector<PenaltyKind>> ParsePenaltyKinds(const nlohmann::json& j,
                                                         const std::string& field);

struct EntryInput {
  std::string matter_code;
  nlohmann::json condition;  // null = always
  std::string modality;      // "must" | "may"
  std::string law;
  std::string article;
  std::string wording;
  std::optional<int64_t> ordinal;
};

// The embedded demo data (data/discretion-demo.json): the demo departments' lists, keyed by the
// codes of the demo catalogue (data/demo-catalogue-*.csv).
struct DemoList {
  std::string unit_name;
  std::string kind_id;
  std::vector<EntryInput> entries;
};
struct DemoData {
  core::Date effective_from;
  std::vector<DemoList> lists;
};
core::Result<DemoData> LoadDemoData();

class ListsService {
 public:
  // `matters` (may be null) is used to check that an entry's matter code exists.
  ListsService(store::Database& db, record::CommandBus& bus, MatterSource* matters = nullptr)
      : db_(db), bus_(bus), matters_(matters) {}
  void SetMatterSource(MatterSource* m) { matters_ = m; }

  core::Result<nlohmann::json> Kinds();
  core::Result<nlohmann::json> AddKind(const org::Principal& p, const ListKind& k);

  // Lists visible to everyone signed in, optionally of one unit / kind.
  core::Result<nlohmann::json> Lists(std::optional<int64_t> unit_id, const std::string& kind);
  // A list with its versions and whether the caller may edit it.
  core::Result<nlohmann::json> Get(const org::Principal& p, int64_t list_id);
  // One version with its entries.
  core::Result<nlohmann::json> GetVersion(int64_t list_id, int64_t version_id);

  // Creates a list (with an empty draft version 1). kConflict "kind_id" when the unit already
  // has a list of that kind.
  core::Result<nlohmann::json> Create(const org::Principal& p, int64_t unit_id,
                                      const std::string& kind_id, const std::string& title);
  // Opens a draft copying the newest published version. kConflict when a draft exists.
  core::Result<nlohmann::json> NewDraft(const org::Principal& p, int64_t list_id);
  core::Result<nlohmann::json> AddEntry(const org::Principal& p, int64_t list_id,
                                        int64_t version_id, const EntryInput& in);
  core::Result<nlohmann::json> UpdateEntry(const org::Principal& p, int64_t list_id,
                                           int64_t entry_id, const EntryInput& in);
  core::Status RemoveEntry(const org::Principal& p, int64_t list_id, int64_t entry_id);
  // Publishes a draft from `effective_from` (after the previous version's start); the previous
  // published version ends that day.
  core::Result<nlohmann::json> Publish(const org::Principal& p, int64_t list_id, int64_t version_id,
                                       core::Date effective_from, const std::string& note);

  core::Result<nlohmann::json> SetMatterOptions(const org::Principal& p, const std::string& code,
                                                const MatterOptions& o);
  core::Result<MatterOptions> MatterOptionsFor(const std::string& code);

  // The entries for `matter_code` in lists in force on `on` whose unit is `unit_id` or one of
  // its ancestors (a department's lists apply to its teams).
  core::Result<std::vector<ListEntry>> EntriesInForce(int64_t unit_id,
                                                      const std::string& matter_code,
                                                      core::Date on);

  // Demo: the lists of a department, published from `from`, entries keyed by matter code.
  // Skips a list that exists. Returns how many entries it wrote.
  core::Result<int> SeedDemo(const record::Actor& actor, int64_t unit_id,
                             const std::vector<std::pair<std::string, EntryInput>>& entries,
                             core::Date from);

 private:
  core::Status CheckScope(store::Conn& c, const org::Principal& p, int64_t unit_id);
  core::Result<int64_t> ListUnit(store::Conn& c, const org::Principal& p, int64_t list_id);
  core::Status CheckEntry(const EntryInput& in, core::Date today);

  store::Database& db_;
  record::CommandBus& bus_;
  MatterSource* matters_;
};

// Runs the engine: matter rules (MatterSource) + lists in force (ListsService) + facts.
class DiscretionService {
 public:
  DiscretionService(ListsService& lists, MatterSource& matters, EngineParams params = {})
      : lists_(lists), matters_(&matters), params_(params) {}
  void SetMatterSource(MatterSource& m) { matters_ = &m; }
  const EngineParams& params() const { return params_; }

  struct Request {
    std::string matter_code;
    nlohmann::json facts;
    std::optional<core::Date> on;      // default: the act date
    std::optional<int64_t> unit_id;    // whose lists apply; default: the caller's unit
    std::optional<Proposal> proposal;  // check
  };
  // {matter, facts, on, unit_id, outcome[, problems]}. Errors name the field ("matter_code",
  // "facts.<key>", "on").
  core::Result<nlohmann::json> Run(const org::Principal& p, const Request& r);

 private:
  ListsService& lists_;
  MatterSource* matters_;
  EngineParams params_;
};

}  // namespace zhifa::discretion
