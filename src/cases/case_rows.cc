#include "cases/case_rows.h"

#include <algorithm>
#include <iterator>
#include <vector>

#include "cases/case_search.h"

namespace zhifa::cases {

using core::Date;
using core::Result;
using core::Status;
using nlohmann::json;
using store::Conn;

std::string CaseTarget(int64_t case_id) { return "case:" + std::to_string(case_id); }

namespace {

store::Value DateValue(const std::optional<Date>& d) {
  return d ? store::Value(core::FormatDate(*d)) : store::Value(store::Null{});
}

store::Value TextOrNull(const std::string& s) {
  return s.empty() ? store::Value(store::Null{}) : store::Value(s);
}

json PartyJson(const CaseRecord& r) {
  return {{"kind", r.party_kind},
          {"name", r.party_name},
          {"credit_code", r.party_code},
          {"id_number_masked", r.party_id_masked}};
}

}  // namespace

const char* EventName(StepKind k) {
  switch (k) {
    case StepKind::kFile:
      return "case.filed";
    case StepKind::kNotFile:
      return "case.not_filed";
    case StepKind::kAssignOfficers:
      return "case.officers_assigned";
    case StepKind::kInvestigate:
      return "case.investigated";
    case StepKind::kCompulsion:
      return "case.compulsion_recorded";
    case StepKind::kNonCoercive:
      return "case.non_coercive_recorded";
    case StepKind::kRecusal:
      return "case.recusal_decided";
    case StepKind::kConcludeInvestigation:
      return "case.investigation_concluded";
    case StepKind::kReviewCase:
      return "case.reviewed";
    case StepKind::kNotify:
      return "case.notified";
    case StepKind::kWaive:
      return "case.rights_waived";
    case StepKind::kStatement:
      return "case.statement_recorded";
    case StepKind::kRequestHearing:
      return "case.hearing_requested";
    case StepKind::kScheduleHearing:
      return "case.hearing_scheduled";
    case StepKind::kHoldHearing:
      return "case.hearing_held";
    case StepKind::kSubmitReview:
      return "case.review_submitted";
    case StepKind::kReviewOpinion:
      return "case.review_opinion";
    case StepKind::kAmend:
      return "case.amended";
    case StepKind::kDiscuss:
      return "case.discussed";
    case StepKind::kExtend:
      return "case.extended";
    case StepKind::kDecide:
      return "case.decided";
    case StepKind::kServe:
      return "case.served";
    case StepKind::kExecute:
      return "case.executed";
    case StepKind::kReportFiling:
      return "case.filing_reported";
    case StepKind::kClose:
      return "case.closed";
    case StepKind::kArchive:
      return "case.archived";
  }
  return "case.step";
}

Result<Derived> Derive(const CaseSnapshot& s, const StepContext& ctx) {
  Derived d;
  d.state = StateId(s.state);
  d.filed = DateValue(s.filed_date);
  d.decided = s.decision ? store::Value(core::FormatDate(s.decision->date)) : store::Null{};
  d.outcome = s.decision ? store::Value(std::string(OutcomeId(s.decision->outcome)))
                         : store::Value(store::Null{});
  d.fine = s.decision ? s.decision->penalty.fine : s.proposal.fine;
  auto timers = Timers(s, ctx);
  if (!timers) return timers.error();
  auto next = NextDue(*timers);
  d.due_date = next ? store::Value(core::FormatDate(next->due)) : store::Value(store::Null{});
  d.due_timer = next ? store::Value(next->id) : store::Value(store::Null{});
  d.review = ReviewStatusId(s.review);
  return d;
}

namespace {

constexpr const char* kInsertCase =
    "INSERT INTO cases (id, case_no, procedure_kind, state, unit_id, matter_code, matter_name, "
    "domain, source, source_ref, title, place, party_kind, party_name, party_code, "
    "party_id_cipher, party_id_masked, party_subject, party_address, party_representative, "
    "act_date, discovered_date, filed_date, decided_date, outcome, fine, due_date, due_timer, "
    "legal_review, form_no, snapshot, facts, discretion, created_by, created_at, updated_at, "
    "version, created_seq, updated_seq) VALUES ";
constexpr size_t kCaseColumns = 39;
constexpr const char* kInsertTerms = "INSERT INTO case_terms (term, case_id) VALUES ";
constexpr const char* kInsertStep =
    "INSERT INTO case_steps (id, case_id, kind, step_date, data, actor_id, created_at, seq) "
    "VALUES ";
constexpr size_t kStepColumns = 8;
constexpr const char* kInsertOfficer =
    "INSERT INTO case_officers (case_id, officer_id, role) VALUES ";
constexpr const char* kInsertPublication =
    "INSERT INTO case_publications (case_id, unit_id, kind, rule_id, decision_date, due_date, "
    "created_seq) VALUES ";
constexpr const char* kPublicationConflict =
    " ON CONFLICT (case_id) DO UPDATE SET kind = excluded.kind, rule_id = excluded.rule_id, "
    "decision_date = excluded.decision_date, due_date = excluded.due_date, published_at = NULL, "
    "created_seq = excluded.created_seq";
constexpr size_t kPublicationColumns = 7;

// The values of one cases row (kInsertCase's columns), appended to `out`.
Status CaseValues(store::Params& out, const CaseRecord& r, const CaseSnapshot& s,
                  const StepContext& ctx, const std::string& created_at,
                  const std::string& updated_at, int64_t version, int64_t created_seq,
                  int64_t updated_seq) {
  auto d = Derive(s, ctx);
  if (!d) return d.error();
  store::Value values[] = {r.id,
                           r.case_no,
                           std::string(ProcedureId(s.procedure)),
                           d->state,
                           r.unit_id,
                           r.matter_code,
                           r.matter_name,
                           r.domain,
                           r.source,
                           r.source_ref,
                           r.title,
                           r.place,
                           r.party_kind,
                           r.party_name,
                           r.party_code,
                           r.party_id_cipher,
                           r.party_id_masked,
                           r.party_subject,
                           r.party_address,
                           r.party_representative,
                           core::FormatDate(s.act_date),
                           core::FormatDate(s.discovered_date),
                           d->filed,
                           d->decided,
                           d->outcome,
                           d->fine,
                           d->due_date,
                           d->due_timer,
                           d->review,
                           TextOrNull(r.form_no),
                           s.ToText(),
                           r.facts.dump(),
                           r.discretion.dump(),
                           r.created_by ? store::Value(*r.created_by) : store::Value(store::Null{}),
                           created_at,
                           updated_at,
                           version,
                           created_seq,
                           updated_seq};
  static_assert(std::size(values) == kCaseColumns);
  for (auto& v : values) out.push_back(std::move(v));
  return core::Ok();
}

void TermValues(store::Params& out, int64_t case_id, const std::string& title,
                const std::string& party_name) {
  for (auto& t : CaseTerms(title, party_name)) {
    out.emplace_back(std::move(t));
    out.emplace_back(case_id);
  }
}

void StepValues(store::Params& out, int64_t step_id, int64_t case_id, std::string_view kind,
                Date date, std::string data_text, std::optional<int64_t> actor_id,
                const std::string& created_at, int64_t seq) {
  out.emplace_back(step_id);
  out.emplace_back(case_id);
  out.emplace_back(std::string(kind));
  out.emplace_back(core::FormatDate(date));
  out.emplace_back(std::move(data_text));
  out.emplace_back(actor_id ? store::Value(*actor_id) : store::Value(store::Null{}));
  out.emplace_back(created_at);
  out.emplace_back(seq);
}

// The case's officers rows: the handlers, and the recused of 第43条 (a recused handler keeps one
// row, with role 'recused').
void OfficerValues(store::Params& out, int64_t case_id, const CaseSnapshot& s) {
  auto recused = [&](int64_t id) {
    return std::find(s.recused.begin(), s.recused.end(), id) != s.recused.end();
  };
  std::vector<int64_t> seen;
  for (int64_t id : s.officers) {
    out.emplace_back(case_id);
    out.emplace_back(id);
    out.emplace_back(std::string(recused(id) ? "recused" : "handler"));
    seen.push_back(id);
  }
  for (int64_t id : s.recused) {
    if (std::find(seen.begin(), seen.end(), id) != seen.end()) continue;
    out.emplace_back(case_id);
    out.emplace_back(id);
    out.emplace_back(std::string("recused"));
    seen.push_back(id);
  }
}

Status PublicationValues(store::Params& out, int64_t case_id, int64_t unit_id, const Decision& d,
                         const core::WorkingCalendar& cal, int64_t seq) {
  auto pub = PublicationFor(d, cal);
  if (!pub) return pub.error();
  if (!*pub) return core::Ok();
  out.emplace_back(case_id);
  out.emplace_back(unit_id);
  out.emplace_back((*pub)->kind);
  out.emplace_back(std::string((*pub)->rule->id));
  out.emplace_back(core::FormatDate(d.date));
  out.emplace_back(core::FormatDate((*pub)->due));
  out.emplace_back(seq);
  return core::Ok();
}

}  // namespace

Status InsertCase(Conn& c, const CaseRecord& r, const CaseSnapshot& s, const StepContext& ctx,
                  const std::string& created_at, const std::string& updated_at, int64_t version,
                  int64_t created_seq, int64_t updated_seq) {
  store::Params values;
  ZHIFA_TRY(
      CaseValues(values, r, s, ctx, created_at, updated_at, version, created_seq, updated_seq));
  ZHIFA_TRY(store::InsertRows(c, kInsertCase, kCaseColumns, std::move(values)));
  return InsertTerms(c, r.id, r.title, r.party_name);
}

Derived ReadDerived(const store::RowRef& x, size_t first) {
  auto value = [&](size_t i) -> store::Value {
    if (x.IsNull(first + i)) return store::Null{};
    return std::string(x.Text(first + i));
  };
  Derived d;
  d.state = std::string(x.Text(first));
  d.filed = value(1);
  d.decided = value(2);
  d.outcome = value(3);
  d.fine = x.Int(first + 4);
  d.due_date = value(5);
  d.due_timer = value(6);
  d.review = std::string(x.Text(first + 7));
  return d;
}

Status UpdateCase(Conn& c, int64_t id, int64_t version, const Derived& d, const Derived* stored,
                  const std::string& snapshot, const std::string& facts,
                  const std::string& discretion, const std::string& updated_at,
                  int64_t updated_seq) {
  store::Params params{id, version, snapshot, facts, discretion, updated_at, updated_seq};
  std::string sql =
      "UPDATE cases SET snapshot = $3, facts = $4, discretion = $5, updated_at = $6, "
      "version = version + 1, updated_seq = $7";
  // The column of Derived field `f`, unless the row holds that value already.
  auto set = [&](const char* column, auto Derived::*f) {
    if (stored && (*stored).*f == d.*f) return;
    params.emplace_back(d.*f);
    sql += std::string(", ") + column + " = $" + std::to_string(params.size());
  };
  set("state", &Derived::state);
  set("filed_date", &Derived::filed);
  set("decided_date", &Derived::decided);
  set("outcome", &Derived::outcome);
  set("fine", &Derived::fine);
  set("due_date", &Derived::due_date);
  set("due_timer", &Derived::due_timer);
  set("legal_review", &Derived::review);
  sql += " WHERE id = $1 AND version = $2";
  auto r = c.Exec(sql, params);
  if (!r) return r.error();
  if (*r != 1) {
    return core::Err(core::ErrorCode::kConflict, "案件已被他人修改，请刷新后重试",
                     "the case was changed meanwhile; reload and retry", "version");
  }
  return core::Ok();
}

Status InsertTerms(Conn& c, int64_t case_id, const std::string& title,
                   const std::string& party_name) {
  store::Params values;
  TermValues(values, case_id, title, party_name);
  return store::InsertRows(c, kInsertTerms, 2, std::move(values));
}

Status InsertStep(Conn& c, int64_t step_id, int64_t case_id, std::string_view kind, Date date,
                  const json& data, std::optional<int64_t> actor_id, const std::string& created_at,
                  int64_t seq) {
  return InsertStep(c, step_id, case_id, kind, date, data.dump(), actor_id, created_at, seq);
}

Status InsertStep(Conn& c, int64_t step_id, int64_t case_id, std::string_view kind, Date date,
                  std::string data_text, std::optional<int64_t> actor_id,
                  const std::string& created_at, int64_t seq) {
  store::Params values;
  StepValues(values, step_id, case_id, kind, date, std::move(data_text), actor_id, created_at, seq);
  return store::InsertRows(c, kInsertStep, kStepColumns, std::move(values));
}

Status SyncOfficers(Conn& c, int64_t case_id, const CaseSnapshot& s) {
  auto del = c.Exec("DELETE FROM case_officers WHERE case_id = $1", {case_id});
  if (!del) return del.error();
  store::Params values;
  OfficerValues(values, case_id, s);
  return store::InsertRows(c, kInsertOfficer, 3, std::move(values));
}

Status InsertPublication(Conn& c, int64_t case_id, int64_t unit_id, const Decision& d,
                         const core::WorkingCalendar& cal, int64_t seq) {
  store::Params values;
  ZHIFA_TRY(PublicationValues(values, case_id, unit_id, d, cal, seq));
  return store::InsertRows(c, kInsertPublication, kPublicationColumns, std::move(values),
                           kPublicationConflict);
}

Status CaseRowBatch::AddCase(const CaseRecord& r, const CaseSnapshot& s, const StepContext& ctx,
                             const std::string& created_at, const std::string& updated_at,
                             int64_t version, int64_t created_seq, int64_t updated_seq) {
  ZHIFA_TRY(
      CaseValues(cases_, r, s, ctx, created_at, updated_at, version, created_seq, updated_seq));
  TermValues(terms_, r.id, r.title, r.party_name);
  return core::Ok();
}

void CaseRowBatch::AddStep(int64_t step_id, int64_t case_id, std::string_view kind, Date date,
                           const json& data, std::optional<int64_t> actor_id,
                           const std::string& created_at, int64_t seq) {
  StepValues(steps_, step_id, case_id, kind, date, data.dump(), actor_id, created_at, seq);
}

void CaseRowBatch::AddOfficers(int64_t case_id, const CaseSnapshot& s) {
  OfficerValues(officers_, case_id, s);
}

Status CaseRowBatch::AddPublication(int64_t case_id, int64_t unit_id, const Decision& d,
                                    const core::WorkingCalendar& cal, int64_t seq) {
  return PublicationValues(publications_, case_id, unit_id, d, cal, seq);
}

Status CaseRowBatch::Flush(Conn& c) {
  // Parents first (PostgreSQL checks the foreign keys per statement).
  ZHIFA_TRY(store::InsertRows(c, kInsertCase, kCaseColumns, std::move(cases_)));
  ZHIFA_TRY(store::InsertRows(c, kInsertTerms, 2, std::move(terms_)));
  ZHIFA_TRY(store::InsertRows(c, kInsertStep, kStepColumns, std::move(steps_)));
  ZHIFA_TRY(store::InsertRows(c, kInsertOfficer, 3, std::move(officers_)));
  ZHIFA_TRY(store::InsertRows(c, kInsertPublication, kPublicationColumns, std::move(publications_),
                              kPublicationConflict));
  cases_.clear();
  terms_.clear();
  steps_.clear();
  officers_.clear();
  publications_.clear();
  return core::Ok();
}

json RegisteredPayload(const CaseRecord& r, const CaseSnapshot& s) {
  return {{"case_no", r.case_no},
          {"procedure", "ordinary"},
          {"unit_id", r.unit_id},
          {"matter_code", r.matter_code},
          {"source", r.source},
          {"title", r.title},
          {"party", PartyJson(r)},
          {"act_date", core::FormatDate(s.act_date)},
          {"discovered_date", core::FormatDate(s.discovered_date)},
          {"officer_ids", s.officers}};
}

json SimplifiedPayload(const CaseRecord& r, const CaseSnapshot& s, const json& decision) {
  return {{"case_no", r.case_no},
          {"procedure", "simplified"},
          {"unit_id", r.unit_id},
          {"matter_code", r.matter_code},
          {"title", r.title},
          {"party", PartyJson(r)},
          {"act_date", core::FormatDate(s.act_date)},
          {"date", core::FormatDate(s.discovered_date)},
          {"decision", decision}};
}

json StepPayload(const std::string& case_no, StepKind k, int64_t step_id, Date date, State from,
                 State to, int64_t version, const json& data, const json& evidence) {
  return {{"case_no", case_no},    {"step", StepId(k)},
          {"step_id", step_id},    {"date", core::FormatDate(date)},
          {"from", StateId(from)}, {"to", StateId(to)},
          {"version", version},    {"data", data},
          {"evidence", evidence}};
}

json ReviewReport(const CaseSnapshot& s, const std::string& matter_code,
                  const std::string& matter_name, const std::vector<OfficerFact>& officers,
                  const json& discretion, const CaseParams& params) {
  json people = json::array();
  for (const auto& o : officers) {
    people.push_back({{"id", o.id},
                      {"name", o.name},
                      {"cert_no", o.cert_no},
                      {"credential_valid", o.credential_valid},
                      {"investigator", std::find(s.investigators.begin(), s.investigators.end(),
                                                 o.id) != s.investigators.end()}});
  }
  json reasons = json::array();
  for (const auto& r : LegalReviewReasons(s, params)) reasons.push_back(r.ToJson());
  return {{"matter", {{"code", matter_code}, {"name", matter_name}}},
          {"proposal",
           {{"outcome", s.proposed_outcome ? OutcomeId(*s.proposed_outcome) : ""},
            {"penalty", s.proposal.ToJson()},
            {"reason", s.proposal_reason}}},
          {"notice", s.notice ? json{{"date", core::FormatDate(s.notice->date)},
                                     {"penalty", s.notice->penalty.ToJson()},
                                     {"hearing_right", s.notice->hearing_right}}
                              : json(nullptr)},
          {"procedure",
           {{"filed_date", s.filed_date ? core::FormatDate(*s.filed_date) : ""},
            {"investigation_steps", s.investigation_steps},
            {"compulsion_steps", s.compulsion_steps},
            {"stated", s.stated},
            {"waived", s.waived},
            {"hearing_held", s.hearing.held}}},
          {"officers", people},
          {"discretion", discretion},
          {"required_because", reasons}};
}

}  // namespace zhifa::cases
