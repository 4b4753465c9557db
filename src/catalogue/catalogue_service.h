// zhifa::catalogue::CatalogueService — use cases of the enforcement-matter catalogue: matters
// with versions by effective date, benchmark tiers, holdings by units over time (transfers on
// institutional reform), import/export of the published xlsx/csv layout.
//
// Every change is a command on the CommandBus (one transaction; events "catalogue.*" in the
// record log). Everyone signed in may read; a change needs kCatalogueWrite (checked by the route)
// and that the matter be held today by a unit inside the caller's data scope — otherwise
// kNotFound naming "matter" (existence outside the scope does not leak). Thread-safe (stateless
// over the database).
#pragma once

#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "catalogue/catalogue_model.h"
#include "catalogue/catalogue_sheet.h"
#include "core/result.h"
#include "core/time.h"
#include "org/principal.h"
#include "record/command_bus.h"
#include "store/database.h"

namespace zhifa::catalogue {

struct MatterQuery {
  std::string q;                   // code or name contains
  std::optional<int64_t> unit_id;  // held by this unit on `on`
  std::optional<MatterType> type;
  std::string domain;
  std::optional<core::Date> on;  // default: today (China time)
  int page = 1;
  int page_size = 20;
};

// The file formats of import/export.
enum class FileFormat { kXlsx, kCsv };

struct ImportOptions {
  FileFormat format = FileFormat::kXlsx;
  std::optional<core::Date> effective_from;  // default: today
  bool dry_run = false;                      // check only, change nothing
};

struct ImportReport {
  bool ok = false;
  int created = 0;    // new matters
  int versioned = 0;  // new versions of existing matters
  int unchanged = 0;  // identical to the version in force: nothing written
  std::vector<Problem> problems;
  nlohmann::json ToJson() const;
};

struct ExportOptions {
  FileFormat format = FileFormat::kXlsx;
  std::optional<int64_t> unit_id;  // only matters held by this unit
  std::optional<core::Date> on;    // version in force on this date (default today)
  std::string sheet = kTierSheet;  // csv only: 裁量基准 (default) or 执法事项
};

struct ExportFile {
  std::string bytes;
  std::string content_type;
  std::string filename;  // UTF-8, e.g. "执法事项目录_2026-11-27.xlsx"
};

// JSON of the rules (used by the routes and the discretion engine's API).
nlohmann::json MatterRulesJson(const MatterRules& m);

// The problems of a spreadsheet import as the API reports them (sheet, row, column, message in
// both languages); the officer register's import reports the same way.
nlohmann::json ProblemsJson(const std::vector<Problem>& problems);
nlohmann::json FineJson(const FineRange& f);

class CatalogueService {
 public:
  CatalogueService(store::Database& db, record::CommandBus& bus) : db_(db), bus_(bus) {}

  // Checks a tier's machine-readable condition (the discretion engine's format; the catalogue
  // cannot link the engine, so the application plugs it in). Called for every non-empty
  // condition_json on Create and AddVersion with field "tiers[i].condition_json".
  using ConditionCheck = std::function<core::Status(std::string_view text, std::string_view field)>;
  void SetConditionCheck(ConditionCheck check) { condition_check_ = std::move(check); }

  // The version of matter `code` in force on `on`, with its tiers and the units holding it that
  // day. kNotFound (field "matter") when there is no such matter or no version in force then.
  core::Result<MatterRules> MatterRulesAt(std::string_view code, core::Date on);
  // Every matter with a version in force on `on` (ordered by code) — for bulk loading.
  core::Result<std::vector<MatterRules>> AllMatterRulesAt(core::Date on);

  core::Result<nlohmann::json> List(const org::Principal& p, const MatterQuery& q);
  // One matter: the version in force on `on` (default today) with tiers, every version, the
  // holdings history, and whether the caller may edit it.
  core::Result<nlohmann::json> Get(const org::Principal& p, std::string_view code,
                                   std::optional<core::Date> on);

  // Creates a matter with its first version (from rules.effective_from) held by `holders` from
  // that day. Errors: kInvalidArgument naming the field; kConflict "code" when it exists;
  // kNotFound "holder_unit_ids" for a unit outside the caller's scope.
  core::Result<nlohmann::json> Create(const org::Principal& p, MatterRules rules,
                                      const std::vector<int64_t>& holders);
  // Adds a version from rules.effective_from (after every existing version). `expected_version`
  // is the matter's optimistic-lock version (kConflict "version" when stale).
  core::Result<nlohmann::json> AddVersion(const org::Principal& p, std::string_view code,
                                          MatterRules rules, int64_t expected_version);
  // Moves the holding of `from_unit` to `to_unit` on `on` (institutional reform): the old
  // holding ends and the new starts the same day, in one command. Both units must be inside the
  // caller's scope.
  core::Result<nlohmann::json> Transfer(const org::Principal& p, std::string_view code,
                                        int64_t from_unit, int64_t to_unit, core::Date on,
                                        int64_t expected_version);
  // Adds a further holding unit from `on` (a matter held jointly).
  core::Result<nlohmann::json> AddHolder(const org::Principal& p, std::string_view code,
                                         int64_t unit_id, core::Date on, int64_t expected_version);

  // Imports a file in the published layout: checks every row, then commits all or nothing in one
  // command. A report with problems is an ok Result (report.ok == false); errors are for the file
  // as a whole being unreadable (kInvalidArgument "file") or the database.
  core::Result<ImportReport> Import(const org::Principal& p, std::string_view bytes,
                                    const ImportOptions& o);
  // As Import, from sheets already read (the demo's embedded csv files, tests).
  core::Result<ImportReport> ImportTables(const org::Principal& p, const Table* matters,
                                          const Table& tiers, const ImportOptions& o);
  // Exports the catalogue (all matters, or one unit's) in the published layout.
  core::Result<ExportFile> Export(const org::Principal& p, const ExportOptions& o);

  // Demo: whether any matter exists.
  core::Result<bool> Empty();

 private:
  store::Database& db_;
  record::CommandBus& bus_;
  ConditionCheck condition_check_;
  core::Status CheckConditions(const MatterRules& m) const;
};

}  // namespace zhifa::catalogue
