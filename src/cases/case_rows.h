// zhifa::cases — the rows of a case (migration 0008: cases, case_steps, case_officers,
// case_publications; 0010: case_terms) and the payloads of its record-log events: the one place
// that writes them, shared by CaseService and the bulk generator of the demo
// (src/cli/demo_cases_gen.cc), so a generated case is stored exactly as one handled through the
// service. Beside them, what ties a step row to its entry when read back (CaseTarget,
// kStepsOfCase; migration 0012).
//
// Every writing function runs inside the caller's command transaction
// (record::CommandTx::conn()); none emits an event. Thread-safety: pure functions over the
// connection they are given.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cases/case_rules.h"
#include "core/result.h"
#include "store/database.h"

namespace zhifa::cases {

// The record-log target of a case's entries: "case:<id>". Every step row carries the seq of an
// entry with this target, which is how a case's steps are found (migration 0012, kStepsOfCase).
std::string CaseTarget(int64_t case_id);

// The FROM and WHERE of a case's steps (case_steps s, their users u) read through the record
// log's (target, seq) index: $1 is CaseTarget(id), $2 the case id.
inline constexpr const char* kStepsOfCase =
    " FROM record_log l JOIN case_steps s ON s.seq = l.seq LEFT JOIN users u ON u.id = "
    "s.actor_id WHERE l.target = $1 AND s.case_id = $2";

// The event kind of a step ("case.filed", …).
const char* EventName(StepKind k);

// The step kind stored for the on-the-spot decision that starts a simplified case.
inline constexpr const char* kSimplifiedDecisionStep = "simplified_decision";

// The columns derived from the snapshot (state, dates, due, review status).
struct Derived {
  std::string state;
  store::Value filed, decided, outcome, due_date, due_timer;
  int64_t fine = 0;
  std::string review;
};
// ctx.cal required (the timers).
core::Result<Derived> Derive(const CaseSnapshot& s, const StepContext& ctx);

// A case row's columns that are not derived from its snapshot.
struct CaseRecord {
  int64_t id = 0;
  std::string case_no;
  int64_t unit_id = 0;
  std::string matter_code, matter_name, domain;
  std::string source = "inspection";
  std::string source_ref, title, place;
  std::string party_kind, party_name, party_code, party_id_cipher, party_id_masked;
  std::string party_subject, party_address, party_representative;
  std::string form_no;  // "" = none (NULL)
  nlohmann::json facts = nlohmann::json::object();
  nlohmann::json discretion = nlohmann::json::object();
  std::optional<int64_t> created_by;
};

// Inserts the case row for snapshot `s` (procedure, act and discovery dates from `s`; the
// derived columns by Derive) and its search terms (InsertTerms).
core::Status InsertCase(store::Conn& c, const CaseRecord& r, const CaseSnapshot& s,
                        const StepContext& ctx, const std::string& created_at,
                        const std::string& updated_at, int64_t version, int64_t created_seq,
                        int64_t updated_seq);

// Updates case `id` from version `version` to version + 1 with its new snapshot (derived columns
// `d`, the snapshot's JSON text) and the facts/discretion texts; kConflict naming "version" when
// the row is no longer at `version` (the optimistic check of a step). `stored`: the derived
// columns as the row holds them at `version` (ReadDerived) — only the columns that differ are
// written, so the indexes over state, due date and legal review are rewritten only when their
// key changes (SQLite rewrites every index over a column named in SET: 14 index writes per step
// otherwise, bench/README.md); nullptr writes them all.
core::Status UpdateCase(store::Conn& c, int64_t id, int64_t version, const Derived& d,
                        const Derived* stored, const std::string& snapshot,
                        const std::string& facts, const std::string& discretion,
                        const std::string& updated_at, int64_t updated_seq);
// The derived columns of a cases row read with kDerivedColumns, from column `first` on.
Derived ReadDerived(const store::RowRef& x, size_t first);
// The cases columns ReadDerived reads, in its order (prefix "c.").
inline constexpr const char* kDerivedColumns =
    "c.state, c.filed_date, c.decided_date, c.outcome, c.fine, c.due_date, c.due_timer, "
    "c.legal_review";

// Writes the case's search terms (case_search.h CaseTerms of title and party name) into
// case_terms; InsertCase calls it (and the index rebuild of CaseService::IndexTerms).
core::Status InsertTerms(store::Conn& c, int64_t case_id, const std::string& title,
                         const std::string& party_name);
// Inserts one step row (kind: StepId(k), or kSimplifiedDecisionStep).
core::Status InsertStep(store::Conn& c, int64_t step_id, int64_t case_id, std::string_view kind,
                        core::Date date, const nlohmann::json& data,
                        std::optional<int64_t> actor_id, const std::string& created_at,
                        int64_t seq);
// As above with the data already serialised (the step path prepares it before its command).
core::Status InsertStep(store::Conn& c, int64_t step_id, int64_t case_id, std::string_view kind,
                        core::Date date, std::string data_text, std::optional<int64_t> actor_id,
                        const std::string& created_at, int64_t seq);

// Replaces the case's officers (handlers, and the recused of 第43条) by the snapshot's.
core::Status SyncOfficers(store::Conn& c, int64_t case_id, const CaseSnapshot& s);

// The publication obligation of a decision (none for a transfer).
core::Status InsertPublication(store::Conn& c, int64_t case_id, int64_t unit_id, const Decision& d,
                               const core::WorkingCalendar& cal, int64_t seq);

// The rows of many new cases in multi-row INSERTs (store::InsertRows): the same rows InsertCase
// (with its terms), InsertStep, SyncOfficers and InsertPublication write for a case that had
// none, in a few statements per table for the whole batch instead of ≈ 20 per case (the bulk
// generator, where PostgreSQL round trips bound the rate). Add the rows, then Flush inside the
// command transaction. Not thread-safe.
class CaseRowBatch {
 public:
  core::Status AddCase(const CaseRecord& r, const CaseSnapshot& s, const StepContext& ctx,
                       const std::string& created_at, const std::string& updated_at,
                       int64_t version, int64_t created_seq, int64_t updated_seq);
  void AddStep(int64_t step_id, int64_t case_id, std::string_view kind, core::Date date,
               const nlohmann::json& data, std::optional<int64_t> actor_id,
               const std::string& created_at, int64_t seq);
  // The officers of a new case (no rows of it yet).
  void AddOfficers(int64_t case_id, const CaseSnapshot& s);
  core::Status AddPublication(int64_t case_id, int64_t unit_id, const Decision& d,
                              const core::WorkingCalendar& cal, int64_t seq);
  // Writes the rows added (cases first) and empties the batch.
  core::Status Flush(store::Conn& c);

 private:
  store::Params cases_, terms_, steps_, officers_, publications_;
};

// The review report a case is submitted to legal review with (行政处罚法 第58条; its parts as in
// legal-facts §1.6: facts and basis, the officers' qualifications, the procedure, how discretion
// was used) and why the review is required. `officers`: the case's officers on the date.
nlohmann::json ReviewReport(const CaseSnapshot& s, const std::string& matter_code,
                            const std::string& matter_name,
                            const std::vector<OfficerFact>& officers,
                            const nlohmann::json& discretion, const CaseParams& params);

// Event payloads: "case.registered" (ordinary case), "case.simplified_decided" (with the
// decision form's data) and a step's event (EventName).
nlohmann::json RegisteredPayload(const CaseRecord& r, const CaseSnapshot& s);
nlohmann::json SimplifiedPayload(const CaseRecord& r, const CaseSnapshot& s,
                                 const nlohmann::json& decision);
nlohmann::json StepPayload(const std::string& case_no, StepKind k, int64_t step_id, core::Date date,
                           State from, State to, int64_t version, const nlohmann::json& data,
                           const nlohmann::json& evidence);

}  // namespace zhifa::cases
