#include "cases/case_rows.h"

#include <algorithm>
#include <vector>

#include "cases/case_search.h"

namespace zhifa::cases {

using core::Date;
using core::Result;
using core::Status;
using nlohmann::json;
using store::Conn;

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

Status InsertCase(Conn& c, const CaseRecord& r, const CaseSnapshot& s, const StepContext& ctx,
                  const std::string& created_at, const std::string& updated_at, int64_t version,
                  int64_t created_seq, int64_t updated_seq) {
  auto d = Derive(s, ctx);
  if (!d) return d.error();
  auto x = c.Exec(
      "INSERT INTO cases (id, case_no, procedure_kind, state, unit_id, matter_code, matter_name, "
      "domain, source, source_ref, title, place, party_kind, party_name, party_code, "
      "party_id_cipher, party_id_masked, party_subject, party_address, party_representative, "
      "act_date, discovered_date, filed_date, decided_date, outcome, fine, due_date, due_timer, "
      "legal_review, form_no, snapshot, facts, discretion, created_by, created_at, updated_at, "
      "version, created_seq, updated_seq) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, "
      "$12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25, $26, $27, $28, $29, "
      "$30, $31, $32, $33, $34, $35, $36, $37, $38, $39)",
      {r.id,
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
       s.ToJson().dump(),
       r.facts.dump(),
       r.discretion.dump(),
       r.created_by ? store::Value(*r.created_by) : store::Value(store::Null{}),
       created_at,
       updated_at,
       version,
       created_seq,
       updated_seq});
  if (!x) return x.error();
  return InsertTerms(c, r.id, r.title, r.party_name);
}

Status UpdateCase(Conn& c, int64_t id, int64_t version, const Derived& d,
                  const std::string& snapshot, const std::string& facts,
                  const std::string& discretion, const std::string& updated_at,
                  int64_t updated_seq) {
  auto r = c.Exec(
      "UPDATE cases SET state = $2, filed_date = $3, decided_date = $4, outcome = $5, fine = $6, "
      "due_date = $7, due_timer = $8, legal_review = $9, snapshot = $10, facts = $11, "
      "discretion = $12, updated_at = $13, version = version + 1, updated_seq = $14 "
      "WHERE id = $1 AND version = $15",
      {id, d.state, d.filed, d.decided, d.outcome, d.fine, d.due_date, d.due_timer, d.review,
       snapshot, facts, discretion, updated_at, updated_seq, version});
  if (!r) return r.error();
  if (*r != 1) {
    return core::Err(core::ErrorCode::kConflict, "案件已被他人修改，请刷新后重试",
                     "the case was changed meanwhile; reload and retry", "version");
  }
  return core::Ok();
}

Status InsertTerms(Conn& c, int64_t case_id, const std::string& title,
                   const std::string& party_name) {
  const auto terms = CaseTerms(title, party_name);
  if (terms.empty()) return core::Ok();
  std::string sql = "INSERT INTO case_terms (term, case_id) VALUES ";
  store::Params params{case_id};
  params.reserve(terms.size() + 1);
  for (size_t i = 0; i < terms.size(); ++i) {
    params.emplace_back(terms[i]);
    sql += (i ? ", ($" : "($") + std::to_string(i + 2) + ", $1)";
  }
  auto r = c.Exec(sql, params);
  if (!r) return r.error();
  return core::Ok();
}

Status InsertStep(Conn& c, int64_t step_id, int64_t case_id, std::string_view kind, Date date,
                  const json& data, std::optional<int64_t> actor_id, const std::string& created_at,
                  int64_t seq) {
  return InsertStep(c, step_id, case_id, kind, date, data.dump(), actor_id, created_at, seq);
}

Status InsertStep(Conn& c, int64_t step_id, int64_t case_id, std::string_view kind, Date date,
                  std::string data_text, std::optional<int64_t> actor_id,
                  const std::string& created_at, int64_t seq) {
  auto r = c.Exec(
      "INSERT INTO case_steps (id, case_id, kind, step_date, data, actor_id, created_at, seq) "
      "VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
      {step_id, case_id, std::string(kind), core::FormatDate(date), std::move(data_text),
       actor_id ? store::Value(*actor_id) : store::Value(store::Null{}), created_at, seq});
  if (!r) return r.error();
  return core::Ok();
}

Status SyncOfficers(Conn& c, int64_t case_id, const CaseSnapshot& s) {
  auto del = c.Exec("DELETE FROM case_officers WHERE case_id = $1", {case_id});
  if (!del) return del.error();
  for (int64_t id : s.officers) {
    auto r =
        c.Exec("INSERT INTO case_officers (case_id, officer_id, role) VALUES ($1, $2, 'handler')",
               {case_id, id});
    if (!r) return r.error();
  }
  for (int64_t id : s.recused) {
    auto r = c.Exec(
        "INSERT INTO case_officers (case_id, officer_id, role) VALUES ($1, $2, 'recused') "
        "ON CONFLICT (case_id, officer_id) DO UPDATE SET role = 'recused'",
        {case_id, id});
    if (!r) return r.error();
  }
  return core::Ok();
}

Status InsertPublication(Conn& c, int64_t case_id, int64_t unit_id, const Decision& d,
                         const core::WorkingCalendar& cal, int64_t seq) {
  auto pub = PublicationFor(d, cal);
  if (!pub) return pub.error();
  if (!*pub) return core::Ok();
  auto r = c.Exec(
      "INSERT INTO case_publications (case_id, unit_id, kind, rule_id, decision_date, due_date, "
      "created_seq) VALUES ($1, $2, $3, $4, $5, $6, $7) "
      "ON CONFLICT (case_id) DO UPDATE SET kind = $3, rule_id = $4, decision_date = $5, "
      "due_date = $6, published_at = NULL, created_seq = $7",
      {case_id, unit_id, (*pub)->kind, std::string((*pub)->rule->id), core::FormatDate(d.date),
       core::FormatDate((*pub)->due), seq});
  if (!r) return r.error();
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
