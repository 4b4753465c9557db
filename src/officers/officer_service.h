// zhifa::officers::OfficerService — use cases of the officer register (执法人员名册): officers
// with their credential (执法证), status and legal qualification; what other areas read about an
// officer on a date (OnDate, ForUser); the first-time legal reviewer gate (第58条第2款) and the
// record of a person's first review; the legal-reviewer ratio per department (action plan item
// 34); import and export of the register as xlsx/csv.
//
// Every change is a command on the CommandBus (one transaction; events "officer.*" in the record
// log, target "officer:<id>", unit = the officer's unit). Reading needs kOfficersRead and writing
// kOfficersWrite (checked by the routes); both apply the caller's data scope to the officer's
// unit (an "own" scope reaches the record linked to the caller's account) — a record outside the
// scope answers kNotFound (existence does not leak). OnDate, ForUser, CheckReviewerQualified and
// RecordReview are for other services (the cases area) and do not apply a scope: the caller
// checks its own. Thread-safe (stateless over the database).
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "catalogue/catalogue_service.h"
#include "catalogue/catalogue_sheet.h"
#include "core/result.h"
#include "core/time.h"
#include "officers/officers_rules.h"
#include "officers/officers_sheet.h"
#include "org/principal.h"
#include "record/command_bus.h"
#include "store/database.h"

namespace zhifa::officers {

// One record of the register as stored, with names resolved.
struct Officer {
  int64_t id = 0;
  std::optional<int64_t> user_id;
  std::string username;  // of user_id, "" when none
  int64_t unit_id = 0;
  std::string unit_name;
  std::string name;
  std::string cert_no;
  std::string issuing_authority;
  core::Date valid_from, valid_to;
  std::vector<std::string> domains;
  bool legal_qualification = false;
  std::string legal_cert_no;
  OfficerStatus status = OfficerStatus::kActive;
  std::optional<core::Date> first_review_on;
  int64_t version = 0;
  std::string created_at;
  int64_t created_seq = 0;
  int64_t updated_seq = 0;

  OfficerOnDate OnDate(core::Date on, int expiring_days) const;
  // The record with its credential state on `on` ("state": valid | expiring | expired |
  // not_yet_valid | inactive, "credential_valid", "expiring_soon", "days_left").
  nlohmann::json ToJson(core::Date on, int expiring_days) const;
};

struct NewOfficer {
  std::optional<int64_t> user_id;
  int64_t unit_id = 0;
  std::string name;
  std::string cert_no;
  std::string issuing_authority;
  core::Date valid_from, valid_to;
  std::vector<std::string> domains;  // ids or Chinese names of the catalogue's key domains
  bool legal_qualification = false;
  std::string legal_cert_no;
};

// An edit of the person's data (the credential itself changes through Renew, the status through
// ChangeStatus). Absent fields are kept; user_id: absent = keep, nullopt inside = unlink.
struct OfficerPatch {
  int64_t version = 0;
  std::optional<std::optional<int64_t>> user_id;
  std::optional<int64_t> unit_id;
  std::optional<std::string> name;
  std::optional<std::vector<std::string>> domains;
  std::optional<bool> legal_qualification;
  std::optional<std::string> legal_cert_no;
};

// A renewed (or corrected) credential: a new period, and optionally a new number and authority.
struct Renewal {
  int64_t version = 0;
  std::optional<std::string> cert_no;
  std::optional<std::string> issuing_authority;
  core::Date valid_from, valid_to;
};

struct OfficerQuery {
  std::optional<int64_t> unit_id;  // this unit and below
  std::optional<OfficerStatus> status;
  // Credential state on `on`: valid (valid incl. expiring), expiring, expired, not_yet_valid,
  // inactive; empty = any.
  std::string state;
  std::string domain;            // a catalogue domain id
  std::string q;                 // name or 执法证号 contains
  std::optional<core::Date> on;  // default today (China time)
  int page = 1;
  int page_size = 20;
};

struct OfficerImportOptions {
  catalogue::FileFormat format = catalogue::FileFormat::kXlsx;
  bool dry_run = false;
};

struct OfficerImportReport {
  bool ok = false;
  int created = 0;
  int updated = 0;    // existing 执法证号 whose data changed
  int unchanged = 0;  // existing 执法证号, identical
  std::vector<catalogue::Problem> problems;
  nlohmann::json ToJson() const;
};

class OfficerService {
 public:
  OfficerService(store::Database& db, record::CommandBus& bus, OfficerOptions options = {})
      : db_(db), bus_(bus), options_(options) {}
  const OfficerOptions& options() const { return options_; }

  // ---- For other areas (no data scope; the caller checks its own) ----

  // The officers with these ids on date `on`, in the order given. An unknown id → kNotFound
  // naming `field` with its index (e.g. "officers[1]").
  core::Result<std::vector<OfficerOnDate>> OnDate(std::span<const int64_t> ids, core::Date on,
                                                  std::string_view field = "officers") const;
  core::Result<std::vector<OfficerOnDate>> OnDate(store::Conn& c, std::span<const int64_t> ids,
                                                  core::Date on,
                                                  std::string_view field = "officers") const;
  // The officer record of a zhifa user (nullopt if the user is not in the register).
  core::Result<std::optional<OfficerOnDate>> ForUser(int64_t user_id, core::Date on) const;
  core::Result<std::optional<OfficerOnDate>> ForUser(store::Conn& c, int64_t user_id,
                                                     core::Date on) const;
  // Whether user `user_id` may do a legal review on `on` (officers_rules.h
  // CheckReviewerQualified: in the register, active, and a first-time reviewer holds 法律职业资格,
  // 行政处罚法 第58条第2款). Errors kConflict naming `field`.
  core::Status CheckReviewerQualified(store::Conn& c, int64_t user_id, core::Date on,
                                      std::string_view field = "reviewer") const;
  // Records that user `user_id` did a legal review on `on`, inside the caller's command: sets
  // first_review_on when it is absent or later than `on` and emits "officer.first_review_recorded";
  // otherwise changes nothing and emits nothing. kNotFound (field "reviewer") when the user is
  // not in the register.
  core::Status RecordReview(record::CommandTx& tx, int64_t user_id, core::Date on) const;
  // As above, as a command of its own (no entry when nothing changes).
  core::Status RecordReview(const record::Actor& actor, int64_t user_id, core::Date on) const;

  // ---- Register use cases (data scope applies) ----

  core::Result<nlohmann::json> List(const org::Principal& p, const OfficerQuery& q) const;
  // One officer with its state on `on` (default today). kNotFound "id" outside the scope.
  core::Result<nlohmann::json> Get(const org::Principal& p, int64_t id,
                                   std::optional<core::Date> on = std::nullopt) const;
  // Creates an officer (event officer.created). Errors: kInvalidArgument naming the field;
  // kNotFound "unit_id" / "user_id" outside the scope; kConflict "cert_no" when the number is
  // registered, "user_id" when the account already has a record.
  core::Result<nlohmann::json> Create(const org::Principal& p, const NewOfficer& n) const;
  // Edits (officer.updated). kConflict "version" when stale; no change → the record unchanged.
  core::Result<nlohmann::json> Update(const org::Principal& p, int64_t id,
                                      const OfficerPatch& patch) const;
  // Changes the status (officer.status_changed) with a reason (1–500 characters).
  core::Result<nlohmann::json> ChangeStatus(const org::Principal& p, int64_t id,
                                            OfficerStatus status, std::string_view reason,
                                            int64_t expected_version) const;
  // Renews or corrects the credential (officer.credential_renewed, old and new values).
  core::Result<nlohmann::json> Renew(const org::Principal& p, int64_t id, const Renewal& r) const;

  // The legal-reviewer ratio of every department (units of kind department or vertical) in the
  // caller's scope, optionally only `unit_id` and its sub-departments, on `on`: legal reviewers
  // (distinct active users with a legal_reviewer role assigned at a unit of the department's
  // subtree) against officers with a valid credential (the department's subtree), against
  // options().reviewer_ratio_permille (action plan item 34). Departments with neither are left out.
  core::Result<nlohmann::json> ReviewerRatios(const org::Principal& p,
                                              std::optional<int64_t> unit_id,
                                              std::optional<core::Date> on) const;

  // Imports the register sheet: every row checked (row, column, reason), then all or nothing in
  // one command. A row whose 执法证号 exists updates that officer (its data, credential period,
  // status); a new number creates one. Units by name within the caller's scope; accounts by
  // username within the scope. A report with problems is an ok Result with ok == false.
  core::Result<OfficerImportReport> Import(const org::Principal& p, std::string_view bytes,
                                           const OfficerImportOptions& o) const;
  // As Import, from a sheet already read (the demo, tests).
  core::Result<OfficerImportReport> ImportTable(const org::Principal& p,
                                                const catalogue::Table& table, bool dry_run) const;
  // Exports the officers in the caller's scope (optionally one unit's subtree) in the same layout;
  // Import(Export(x)) changes nothing.
  core::Result<catalogue::ExportFile> Export(const org::Principal& p, catalogue::FileFormat format,
                                             std::optional<int64_t> unit_id) const;

  // Demo: whether the register is empty.
  core::Result<bool> Empty() const;

 private:
  store::Database& db_;
  record::CommandBus& bus_;
  OfficerOptions options_;
};

}  // namespace zhifa::officers
