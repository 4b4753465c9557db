// zhifa::cases::CaseService — use cases of case handling (案件办理): register a lead, start a
// simplified-procedure case, take a step of the procedure, read the list, a case with its timers
// and the steps allowed now, the legal-review queue and a case's review report.
//
// Every change is one command on the CommandBus: the case row (with its optimistic version — a
// stale `version` answers kConflict naming "version"), the step row, the evidence links, the
// officers and the publication obligation are written and the event "case.<what>" (target
// "case:<id>", subject the party: "enterprise:<统一社会信用代码>" or "person:<keyed hash>") is
// appended in one transaction; a refused step writes nothing. What needs other services — the
// officers' credentials on the step's date (OfficerSource), the discretion engine's verdict
// (discretion::DiscretionService), the department's time-limit overrides and the calendar — is
// read before the command; the command re-checks the version it was computed for.
//
// Data scope: the case's unit (org::ScopePredicate over cases.unit_id; creator for "own"
// scopes). Outside the scope → kNotFound, like a case that does not exist. Permissions (checked
// here, per step): cases.read, cases.write, cases.approve, cases.review (org_rules.h).
// Parties' ID numbers are stored encrypted and shown in full only to holders of cases.write or
// cases.approve (they write and sign the documents); everyone else sees them masked.
//
// Thread-safety: thread-safe (stateless over the database and the services it uses).
#pragma once

#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "calendar/calendar_service.h"
#include "cases/case_rows.h"
#include "cases/case_rules.h"
#include "core/field_cipher.h"
#include "core/result.h"
#include "discretion/lists_service.h"
#include "org/org_service.h"
#include "org/principal.h"
#include "record/command_bus.h"
#include "record/record_service.h"
#include "store/database.h"

namespace zhifa::cases {

// The officer register as the cases need it (implemented in app/ over officers::OfficerService).
class OfficerSource {
 public:
  virtual ~OfficerSource() = default;
  // The officers on a date, in the order asked. An unknown id → kNotFound naming `field`.
  virtual core::Result<std::vector<OfficerFact>> OnDate(const std::vector<int64_t>& ids,
                                                        core::Date on, std::string_view field) = 0;
  // The same inside the caller's read transaction. A step reads the case, its context and the
  // officers in one snapshot (a read must not open another read: the pool is bounded), and so
  // do the two reads below.
  virtual core::Result<std::vector<OfficerFact>> OnDate(store::Conn& c,
                                                        const std::vector<int64_t>& ids,
                                                        core::Date on, std::string_view field) = 0;
  // The officer record of a user account, if any.
  virtual core::Result<std::optional<OfficerFact>> ForUser(store::Conn& c, int64_t user_id,
                                                           core::Date on) = 0;
  // 行政处罚法 第58条第2款: a reviewer doing legal review for the first time must hold the
  // 法律职业资格. Refusal names the rule and article.
  virtual core::Status CheckReviewerQualified(store::Conn& c, int64_t user_id, core::Date on) = 0;
  // Records that the user performed a legal review (so later reviews are not "first time"),
  // inside the command's transaction.
  virtual core::Status RecordReview(record::CommandTx& tx, int64_t user_id, core::Date on) = 0;
};

struct PartyInput {
  std::string kind;  // "person" | "organisation"
  std::string name;
  std::string id_number;    // person: 公民身份号码
  std::string credit_code;  // organisation: 统一社会信用代码
  std::string address;
  std::string representative;  // organisation: 法定代表人/负责人
};

struct NewCase {
  int64_t unit_id = 0;
  std::string matter_code;
  std::string source;
  std::string source_ref;
  std::string title;  // 案由
  std::string place;
  PartyInput party;
  std::string act_date;
  std::string act_end_date;
  std::string discovered_date;
  bool safety_harm = false;
  std::vector<int64_t> officer_ids;
  nlohmann::json facts;  // discretion facts (optional)
};

struct NewSimplified {
  int64_t unit_id = 0;
  std::string matter_code;
  std::string title;
  std::string place;
  PartyInput party;
  std::string act_date;
  std::string date;  // the on-the-spot decision; default today
  nlohmann::json penalty;
  std::string reason;
  std::string basis;  // 处罚依据 as printed on the form
  std::vector<int64_t> officer_ids;
  bool credentials_shown = false;
  bool party_signed = true;  // false: the party refused to sign (noted on the form, 第52条)
  nlohmann::json facts;
  std::vector<int64_t> evidence_ids;  // none yet at creation (evidence targets the case)
};

struct CaseQuery {
  std::optional<int64_t> unit_id;  // the unit and its sub-units
  std::string matter;
  std::vector<std::string> states;
  std::optional<int64_t> officer_id;
  std::string due;  // "" | "soon" | "overdue"
  std::string domain;
  std::string procedure;
  std::string q;
  std::string sort = "-id";      // "-id" | "id" | "due_date"
  std::optional<int64_t> after;  // keyset: ids below this one (sort "-id") / above ("id")
  int page = 1;
  int page_size = 20;
};

// The 第63条 and discretion parameters, the department overrides and what the UI needs to build
// the forms: states, steps with their fields, sources, penalty kinds.
nlohmann::json CaseMetaJson(const CaseParams& params);

class CaseService {
 public:
  CaseService(store::Database& db, record::CommandBus& bus, org::OrgService& org,
              const core::FieldCipher& cipher, CaseParams params)
      : db_(db), bus_(bus), org_(org), cipher_(cipher), params_(params) {}
  // Wiring done by App after the services exist (all required before serving).
  void SetCalendar(calendar::CalendarService* c) { calendar_ = c; }
  void SetDiscretion(discretion::DiscretionService* d) { discretion_ = d; }
  void SetMatters(discretion::MatterSource* m) { matters_ = m; }
  void SetOfficers(OfficerSource* o) { officers_ = o; }
  void SetPersonKey(const record::PersonKey* k) { person_key_ = k; }
  // Tests: a fixed "today" instead of the clock (Beijing date).
  void SetToday(std::function<core::Date()> f) { today_ = std::move(f); }
  const CaseParams& params() const { return params_; }

  core::Result<nlohmann::json> List(const org::Principal& p, const CaseQuery& q);
  core::Result<nlohmann::json> Get(const org::Principal& p, int64_t id);
  // kNotFound when absent or outside the caller's scope.
  core::Status CheckVisible(const org::Principal& p, int64_t id);
  core::Result<nlohmann::json> Create(const org::Principal& p, const NewCase& in);
  core::Result<nlohmann::json> CreateSimplified(const org::Principal& p, const NewSimplified& in);
  // Takes a step: `body` holds "version" and the step's fields (case_rules.h Info(step).fields).
  // Errors: kPermissionDenied (field "step") without the step's permission; kNotFound (id, or
  // "step" for an unknown step); kConflict "version" when stale; the rule's refusal (rule and
  // article set) — nothing is written then.
  core::Result<nlohmann::json> Step(const org::Principal& p, int64_t id, std::string_view step,
                                    const nlohmann::json& body);
  // Indexes the cases that migration 0010 found already stored (counters row
  // 'case_terms_pending') into the search index (case_search.h CaseTerms), or adds the unigrams
  // of migration 0011 ('case_unigrams_pending'), once; App::Migrate calls it. The index is
  // derived from the case rows: no record entry.
  core::Status IndexTerms();
  // The legal-review queue: cases awaiting a legal review opinion within the caller's scope.
  core::Result<nlohmann::json> Reviews(const org::Principal& p, const std::string& status, int page,
                                       int page_size);
  // The review report submitted with the latest submit_review step, and every opinion so far.
  core::Result<nlohmann::json> ReviewReport(const org::Principal& p, int64_t id);

  // ---- Parts of the commands, public for the bulk generator of the demo (demo_cases.cc) ----
  // A checked party: codes validated (check digits), the ID number encrypted and masked, the
  // record-log subject.
  struct Party {
    PartyKind kind = PartyKind::kOrganisation;
    std::string name, code, id_cipher, id_masked, subject, address, representative;
  };
  core::Result<Party> CheckParty(const PartyInput& in, core::Date today);
  // The matter's rules on `on`, refused unless a penalty matter held by the unit (or a parent).
  core::Result<catalogue::MatterRules> CheckMatter(store::Conn& c, const std::string& code,
                                                   core::Date on, int64_t unit_id);
  // The next serial number of the unit's department: "<prefix><dept>-<year>-<000001>".
  core::Result<std::string> NextSerial(store::Conn& c, int64_t unit_id, const char* kind, int year,
                                       const char* prefix);
  // The numbers NextSerial would give `units` (unit id, year) called in this order, with one
  // counter update per department and year (the bulk generator).
  core::Result<std::vector<std::string>> NextSerials(
      store::Conn& c, const std::vector<std::pair<int64_t, int>>& units, const char* kind,
      const char* prefix);
  // The context of a step in the unit (today, the calendar, the department's overrides).
  core::Result<StepContext> Context(int64_t unit_id);
  // The non-derived columns of a new case row (case_rows.h), created by `p`.
  static CaseRecord Record(int64_t id, const std::string& case_no, int64_t unit_id,
                           const catalogue::MatterRules& matter, const Party& party,
                           const org::Principal& p);

 private:
  struct Row;
  core::Date Today() const;
  core::Result<Row> Load(store::Conn& c, const org::Principal* p, int64_t id);
  // Context(unit_id) inside the caller's read transaction.
  core::Result<StepContext> Context(store::Conn& c, int64_t unit_id);
  core::Result<nlohmann::json> Detail(const org::Principal& p, int64_t id);
  core::Result<int64_t> CheckUnit(store::Conn& c, const org::Principal& p, int64_t unit_id);
  struct Verdict {
    DiscretionVerdict verdict;
    nlohmann::json result;
  };
  core::Result<Verdict> RunDiscretion(const org::Principal& p, int64_t unit_id,
                                      const std::string& matter_code, const CaseSnapshot& s,
                                      const nlohmann::json& facts, Outcome outcome,
                                      const Penalty& penalty, const std::string& reason);

  store::Database& db_;
  record::CommandBus& bus_;
  org::OrgService& org_;
  const core::FieldCipher& cipher_;
  CaseParams params_;
  calendar::CalendarService* calendar_ = nullptr;
  discretion::DiscretionService* discretion_ = nullptr;
  discretion::MatterSource* matters_ = nullptr;
  OfficerSource* officers_ = nullptr;
  const record::PersonKey* person_key_ = nullptr;
  std::function<core::Date()> today_;
};

}  // namespace zhifa::cases
