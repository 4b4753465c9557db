// `zhifa demo --cases N` (demo_cases_gen.h): the bulk case generator.
#include "cli/demo_cases_gen.h"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <iostream>
#include <mutex>
#include <random>

#include "cases/case_rows.h"
#include "core/codes.h"
#include "officers/officer_service.h"

namespace zhifa::cli {

namespace {

using cases::CaseSnapshot;
using cases::Outcome;
using cases::Penalty;
using cases::State;
using cases::StepKind;
using core::Date;
using core::Err;
using core::ErrorCode;
using core::Result;
using core::Status;
using nlohmann::json;

// ---- names, places, codes -------------------------------------------------------------------

constexpr const char* kSurnames[] = {"王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴",
                                     "徐", "孙", "马", "朱", "胡", "郭", "何", "高", "林", "罗"};
constexpr const char* kGiven[] = {"伟",   "芳",   "娜",   "敏",   "静",   "强",   "磊",   "军",
                                  "洋",   "勇",   "艳",   "杰",   "涛",   "明",   "超",   "秀英",
                                  "桂英", "建国", "志强", "海燕", "晓东", "立新", "文静", "红梅"};
constexpr const char* kFirms[] = {"鑫源", "泉城", "鲁信", "华泰", "恒通", "明湖", "齐鲁", "正德",
                                  "天成", "金桥", "宏达", "瑞丰", "舜耕", "大明", "汇丰", "佳禾"};
constexpr const char* kTrades[] = {"商贸",     "餐饮管理", "建筑工程", "食品",     "物业服务",
                                   "环保科技", "广告",     "汽车服务", "医药连锁", "建材"};
constexpr const char* kForms[] = {"有限公司", "有限责任公司", "股份有限公司", "个体工商户"};
// 济南 districts (GB/T 2260) used in generated codes and addresses.
constexpr std::pair<const char*, const char*> kDistricts[] = {
    {"370102", "历下区"}, {"370103", "市中区"}, {"370104", "槐荫区"},
    {"370105", "天桥区"}, {"370112", "历城区"}, {"370113", "长清区"}};
constexpr const char* kRoads[] = {"经十路",   "泉城路", "历山路", "解放路",   "工业南路",
                                  "二环东路", "山大路", "和平路", "英雄山路", "舜耕路"};

template <size_t N>
const char* Pick(std::mt19937_64& r, const char* const (&a)[N]) {
  return a[r() % N];
}
int Uniform(std::mt19937_64& r, int lo, int hi) {  // inclusive
  return lo + static_cast<int>(r() % static_cast<uint64_t>(hi - lo + 1));
}
bool Chance(std::mt19937_64& r, int percent) { return static_cast<int>(r() % 1000) < percent * 10; }

Date AddDays(Date d, int n) { return core::CivilFromDays(core::DaysFromCivil(d) + n); }

// 统一社会信用代码 (GB 32100-2015): 9 (市场监管) 1 (企业), division, organisation code with its
// check character (GB 11714), then the check character of the whole.
std::string CreditCode(std::mt19937_64& r, const char* division) {
  std::string org;
  for (int i = 0; i < 8; ++i) org += static_cast<char>('0' + r() % 10);
  org += core::OrganizationCodeCheckChar(org);
  std::string first17 = std::string("91") + division + org;
  return first17 + core::CreditCodeCheckChar(first17);
}

// 公民身份号码 (GB 11643-1999): division, birth date, sequence, ISO 7064 MOD 11-2 check.
std::string IdNumber(std::mt19937_64& r, const char* division) {
  Date birth{Uniform(r, 1955, 2003), Uniform(r, 1, 12), 1};
  birth.day = Uniform(r, 1, core::DaysInMonth(birth.year, birth.month));
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d%02d%02d%03d", birth.year, birth.month, birth.day,
                Uniform(r, 1, 999));
  std::string first17 = std::string(division) + buf;
  return first17 + core::IdNumberCheckChar(first17);
}

// ---- what the database holds ------------------------------------------------------------------

struct Unit {
  int64_t id = 0;
  std::vector<cases::OfficerFact> officers;     // valid all year
  std::vector<catalogue::MatterRules> matters;  // penalty matters the unit may handle
  cases::StepContext ctx;
};

// ---- one case, planned in memory ------------------------------------------------------------

struct StepPlan {
  StepKind kind;
  Date date;
  json data;
  State from, to;
  bool decides = false;
};

struct CasePlan {
  const Unit* unit = nullptr;
  const catalogue::MatterRules* matter = nullptr;
  cases::CaseService::Party party;
  std::string source, source_ref, title, place;
  Date registered;
  bool simplified = false;
  CaseSnapshot initial;  // after registration
  json simplified_data;  // the on-the-spot decision form (form_no added when written)
  std::vector<StepPlan> steps;
  CaseSnapshot final;
};

// Whether a served decision still needs execution before closing: the procedure offers "close"
// on a served case only when nothing is left to execute (case_rules.cc Offered).
bool NeedsExecution(const CaseSnapshot& s) {
  const auto allowed = cases::AllowedSteps(s);
  return std::find(allowed.begin(), allowed.end(), StepKind::kClose) == allowed.end();
}

class Planner {
 public:
  Planner(cases::CaseService& svc, const Date& today) : svc_(svc), today_(today) {}

  // Plans case number `index`. Errors: a refusal of the rules (a bug of the generator).
  Result<CasePlan> Plan(uint64_t seed, int64_t index, const std::vector<Unit>& units) {
    std::mt19937_64 r(seed * 1000003ULL + static_cast<uint64_t>(index));
    CasePlan p;
    p.unit = &units[r() % units.size()];
    p.matter = &p.unit->matters[r() % p.unit->matters.size()];
    const auto& ctx = p.unit->ctx;
    const auto [division, district] = kDistricts[r() % std::size(kDistricts)];
    const bool person = Chance(r, 40);
    cases::PartyInput in;
    in.kind = person ? "person" : "organisation";
    if (person) {
      in.name = std::string(Pick(r, kSurnames)) + Pick(r, kGiven);
      in.id_number = IdNumber(r, division);
    } else {
      const char* form = Pick(r, kForms);
      in.name = std::string("济南") + Pick(r, kFirms) + Pick(r, kTrades) + form;
      in.credit_code = CreditCode(r, division);
      in.representative = std::string(Pick(r, kSurnames)) + Pick(r, kGiven);
    }
    in.address = std::string("济南市") + district + Pick(r, kRoads) +
                 std::to_string(Uniform(r, 1, 999)) + "号";
    auto party = svc_.CheckParty(in, today_);
    if (!party) return party.error();
    p.party = std::move(*party);
    p.place = in.address;
    p.title = "涉嫌" + p.matter->name;
    p.simplified = Chance(r, 30);
    // Registration over the year before today; a lead is registered a few days after the act.
    p.registered = AddDays(today_, -Uniform(r, 0, 364));
    const Date act = AddDays(p.registered, -Uniform(r, 0, 20));
    // Two handling officers and a third (hearing presider).
    const auto& offs = p.unit->officers;
    size_t a = r() % offs.size(), b = r() % (offs.size() - 1);
    if (b >= a) ++b;
    size_t c = r() % offs.size();
    while (c == a || c == b) c = (c + 1) % offs.size();
    std::vector<cases::OfficerFact> handlers = {offs[a], offs[b]};
    presider_ = offs[c];
    if (p.simplified) {
      ZHIFA_TRY(PlanSimplified(r, p, act, handlers, ctx));
    } else {
      ZHIFA_TRY(PlanOrdinary(r, p, act, handlers, ctx));
    }
    return p;
  }

 private:
  // The penalty a matter's statutory range allows: a fine in range (rounded to 100 元), or the
  // first kind it names.
  Penalty PenaltyFor(std::mt19937_64& r, const catalogue::MatterRules& m, bool person) {
    Penalty pen;
    const auto& range = m.range;
    bool fine = range.fine.has_value();
    if (fine) {
      const auto& f = *range.fine;
      catalogue::Fen lo = f.min.value_or(f.fallback_min.value_or(10000));
      catalogue::Fen hi = f.max.value_or(f.fallback_max.value_or(lo * 10));
      if (hi < lo) hi = lo;
      // Most fines sit in the lower part of the range (first offences, 从轻).
      const int64_t span = (hi - lo) / 10000;  // in 100 元 steps
      int64_t steps = span <= 0 ? 0 : static_cast<int64_t>(r() % static_cast<uint64_t>(span + 1));
      if (span > 0 && Chance(r, 70)) steps /= 4;
      pen.fine = lo + steps * 10000;
      if (person && pen.fine > 5000000) pen.fine = std::max<catalogue::Fen>(lo, 200000);
      pen.kinds.push_back(catalogue::PenaltyKind::kFine);
    } else if (!range.kinds.empty()) {
      pen.kinds.push_back(range.kinds.front());
    } else {
      pen.kinds.push_back(catalogue::PenaltyKind::kWarning);
    }
    return pen;
  }

  Status PlanSimplified(std::mt19937_64& r, CasePlan& p, Date act,
                        const std::vector<cases::OfficerFact>& handlers,
                        const cases::StepContext& ctx) {
    p.source = "inspection";
    cases::SimplifiedInput si;
    si.party_kind = p.party.kind;
    si.act_date = std::min(act, p.registered);
    si.date = p.registered;
    si.officers = handlers;
    si.credentials_shown = true;
    if (Chance(r, 25)) {
      si.penalty.kinds = {catalogue::PenaltyKind::kWarning};
    } else {
      const bool person = p.party.kind == cases::PartyKind::kPerson;
      si.penalty.kinds = {catalogue::PenaltyKind::kFine};
      si.penalty.fine = person ? 5000 * Uniform(r, 1, 4) : 20000 * Uniform(r, 1, 15);
    }
    auto s = cases::StartSimplified(si, ctx);
    if (!s) return s.error();
    s->matter_review = p.matter->major_review;
    p.initial = *s;
    p.simplified_data = {{"penalty", si.penalty.ToJson()},
                         {"reason", "当事人系初次违法，当场予以纠正"},
                         {"basis", p.matter->penalty_provision},
                         {"place", p.place},
                         {"credentials_shown", true},
                         {"party_signed", !Chance(r, 3)},
                         {"officer_ids", s->officers}};
    CaseSnapshot x = *s;
    Date d = p.registered;
    auto step = [&](StepKind k, int min_days, int max_days, json data, auto apply) -> Result<bool> {
      Date next = AddDays(d, Uniform(r, min_days, max_days));
      if (next > today_) return false;
      const State from = x.state;
      ZHIFA_TRY(apply(x, next));
      p.steps.push_back({k, next, std::move(data), from, x.state});
      d = next;
      return true;
    };
    auto go = [&]() -> Status {
      auto f = step(StepKind::kReportFiling, 0, 3, json::object(), [&](CaseSnapshot& s2, Date on) {
        return cases::StepReportFiling(s2, {on}, ctx);
      });
      if (!f) return f.error();
      if (!*f) return core::Ok();
      if (NeedsExecution(x)) {
        auto e = step(
            StepKind::kExecute, 0, 15, {{"method", "paid"}, {"paid", x.decision->penalty.fine}},
            [&](CaseSnapshot& s2, Date on) {
              return cases::StepExecute(
                  s2, {on, cases::ExecutionMethod::kPaid, s2.decision->penalty.fine}, ctx);
            });
        if (!e) return e.error();
        if (!*e) return core::Ok();
      }
      auto c = step(StepKind::kClose, 1, 10, {{"summary", "当场处罚已履行，予以结案"}},
                    [&](CaseSnapshot& s2, Date on) {
                      return cases::StepClose(s2, {on, "当场处罚已履行，予以结案"}, ctx);
                    });
      if (!c) return c.error();
      if (!*c) return core::Ok();
      const std::string no = "DA-" + std::to_string(d.year) + "-" + std::to_string(r() % 1000000);
      auto a =
          step(StepKind::kArchive, 10, 60, {{"archive_no", no}}, [&](CaseSnapshot& s2, Date on) {
            return cases::StepArchive(s2, {on, no}, ctx);
          });
      if (!a) return a.error();
      return core::Ok();
    };
    ZHIFA_TRY(go());
    p.final = std::move(x);
    return core::Ok();
  }

  Status PlanOrdinary(std::mt19937_64& r, CasePlan& p, Date act,
                      const std::vector<cases::OfficerFact>& handlers,
                      const cases::StepContext& ctx) {
    static constexpr const char* kSources[] = {"inspection", "inspection", "complaint",
                                               "hotline",    "referral",   "discovered"};
    p.source = Pick(r, kSources);
    if (p.source == "hotline")
      p.source_ref = "12345-" + std::to_string(100000000 + r() % 900000000);
    CaseSnapshot s;
    s.party_kind = p.party.kind;
    s.act_date = std::min(act, p.registered);
    s.discovered_date = p.registered;
    s.matter_review = p.matter->major_review;
    for (const auto& o : handlers) s.officers.push_back(o.id);
    p.initial = s;
    Date d = p.registered;
    std::vector<int64_t> officer_ids = s.officers;
    // Takes a step `min..max` days after the previous one; false when that is after today (the
    // case waits there).
    auto at = [&](int min_days, int max_days) {
      return AddDays(d, Uniform(r, min_days, max_days));
    };
    auto take = [&](StepKind k, Date on, json data, auto apply) -> Result<bool> {
      if (on > today_) return false;
      const State from = s.state;
      ZHIFA_TRY(apply(s, on));
      p.steps.push_back({k, on, std::move(data), from, s.state, k == StepKind::kDecide});
      d = on;
      return true;
    };
#define ZHIFA_STEP(k, on, data, body)                                                 \
  do {                                                                                \
    auto ok_ = take(k, on, data, [&](CaseSnapshot& x, Date day) -> Status { body; }); \
    if (!ok_) return ok_.error();                                                     \
    if (!*ok_) return Finish(p, s);                                                   \
  } while (0)

    if (Chance(r, 5)) {
      ZHIFA_STEP(StepKind::kNotFile, at(1, 5),
                 (json{{"reason", "经核查，违法事实不存在，不予立案"}}),
                 return cases::StepNotFile(x, {day, "经核查，违法事实不存在，不予立案"}, ctx));
      return Finish(p, s);
    }
    ZHIFA_STEP(StepKind::kFile, at(1, 7), (json{{"note", ""}}),
               return cases::StepFile(x, {day, handlers}, ctx));
    const int investigations = Chance(r, 40) ? 2 : 1;
    for (int i = 0; i < investigations; ++i) {
      static constexpr const char* kKinds[] = {"inspection", "questioning", "sampling", "survey"};
      const char* kind = Pick(r, kKinds);
      const std::string summary = "现场检查并制作笔录，当事人在场";
      ZHIFA_STEP(StepKind::kInvestigate, at(2, 15),
                 (json{{"kind", kind},
                       {"officer_ids", officer_ids},
                       {"credentials_shown", true},
                       {"summary", summary}}),
                 return cases::StepInvestigate(
                     x, {day, *cases::ParseInvestigationKind(kind), handlers, true, summary}, ctx));
    }
    if (Chance(r, 6)) {
      static constexpr const char* kMeans[] = {"persuasion", "demonstration", "warning",
                                               "interview"};
      const char* means = Pick(r, kMeans);
      ZHIFA_STEP(
          StepKind::kNonCoercive, at(1, 5),
          (json{{"means", means}, {"note", "责令改正并告知法律后果"}}),
          return cases::StepNonCoercive(
              x, {day, *cases::ParseNonCoerciveMeans(means), "责令改正并告知法律后果"}, ctx));
    }
    if (Chance(r, 4)) return Finish(p, s);  // stalled in investigation (its timer runs out)
    // Outcome of the investigation.
    Outcome outcome = Outcome::kPenalty;
    const int o = Uniform(r, 1, 100);
    if (o > 98) {
      outcome = Outcome::kTransfer;
    } else if (o > 93) {
      outcome = Outcome::kNotEstablished;
    } else if (o > 85) {
      outcome = Outcome::kNoPenalty;
    }
    const bool person = p.party.kind == cases::PartyKind::kPerson;
    Penalty pen = outcome == Outcome::kPenalty ? PenaltyFor(r, *p.matter, person) : Penalty{};
    const bool complex = Chance(r, 4);
    const std::string reason = "综合违法情节、危害后果及改正情况确定";
    const std::string report =
        "经调查，当事人" + p.party.name + "涉嫌" + p.matter->name + "，事实清楚，证据确实充分";
    ZHIFA_STEP(StepKind::kConcludeInvestigation, at(3, 15),
               (json{{"outcome", cases::OutcomeId(outcome)},
                     {"penalty", pen.ToJson()},
                     {"reason", reason},
                     {"report", report},
                     {"complex", complex},
                     {"major_interest", false},
                     {"major_violation", false}}),
               return cases::StepConclude(
                   x, {day, outcome, pen, reason, complex, false, false, report, {}}, ctx));
    ZHIFA_STEP(StepKind::kReviewCase, at(1, 4),
               (json{{"agree", true}, {"opinion", "同意调查结论"}}),
               return cases::StepReviewCase(x, {day, true, "同意调查结论"}, ctx));
    if (outcome == Outcome::kPenalty) {
      const bool hearing_right = !cases::HearingTriggers(pen, s.party_kind, ctx.params).empty();
      const std::string facts = "当事人" + p.party.name + "存在" + p.matter->name + "的行为";
      ZHIFA_STEP(
          StepKind::kNotify, at(1, 4),
          (json{{"facts", facts},
                {"reasons", reason},
                {"basis", p.matter->penalty_provision},
                {"statement_right", true},
                {"hearing_right", hearing_right},
                {"penalty", s.proposal.ToJson()}}),
          return cases::StepNotify(
              x, {day, facts, reason, p.matter->penalty_provision, true, hearing_right}, ctx));
      const Date notice = d;
      if (Chance(r, 35)) {
        ZHIFA_STEP(
            StepKind::kStatement, at(1, 3),
            (json{{"content", "当事人陈述已改正，请求从轻处罚"},
                  {"adopted", false},
                  {"response", "已考虑，维持拟作处罚"}}),
            return cases::StepStatement(
                x, {day, "当事人陈述已改正，请求从轻处罚", false, "已考虑，维持拟作处罚"}, ctx));
      }
      if (hearing_right && Chance(r, 40)) {
        auto req = ctx.cal->AddWorkingDays(notice, Uniform(r, 1, 4));
        if (!req) return req.error();
        ZHIFA_STEP(StepKind::kRequestHearing, std::max(req->value, d), json::object(),
                   return cases::StepRequestHearing(x, {day}, ctx));
        const Date nd = at(1, 2);
        auto hd = ctx.cal->AddWorkingDays(nd, Uniform(r, 8, 12));
        if (!hd) return hd.error();
        const std::string place = "听证室";
        ZHIFA_STEP(StepKind::kScheduleHearing, nd,
                   (json{{"notice_date", core::FormatDate(nd)},
                         {"hearing_date", core::FormatDate(hd->value)},
                         {"presider_id", presider_.id},
                         {"presider_name", presider_.name},
                         {"place", place}}),
                   return cases::StepScheduleHearing(x, {nd, hd->value, presider_.id, place}, ctx));
        const bool attended = !Chance(r, 10);
        ZHIFA_STEP(
            StepKind::kHoldHearing, hd->value,
            (json{{"attended", attended}, {"record", "听证笔录：当事人陈述、申辩及质证意见"}}),
            return cases::StepHoldHearing(
                x, {day, attended, "听证笔录：当事人陈述、申辩及质证意见"}, ctx));
      }
    }
    if (outcome != Outcome::kTransfer && cases::LegalReviewRequired(s, ctx.params)) {
      for (int round = 0; round < 2; ++round) {
        ZHIFA_STEP(StepKind::kSubmitReview, at(1, 3),
                   (json{{"note", ""},
                         {"report", cases::ReviewReport(s, p.matter->code, p.matter->name, handlers,
                                                        json::object(), ctx.params)}}),
                   return cases::StepSubmitReview(x, {day}, ctx));
        const bool amend = round == 0 && Chance(r, 12);
        const auto opinion = amend ? cases::ReviewStatus::kAmend : cases::ReviewStatus::kAgreed;
        const std::string why = amend ? "裁量理由不充分，请补充说明" : "";
        const json rep = {{"facts", "事实清楚"},
                          {"basis", "适用依据正确"},
                          {"qualifications", "执法人员具备执法资格"},
                          {"procedure", "程序合法"},
                          {"discretion", "裁量适当"}};
        ZHIFA_STEP(StepKind::kReviewOpinion, at(2, 7),
                   (json{{"opinion", cases::ReviewStatusId(opinion)},
                         {"reasons", why},
                         {"report", rep},
                         {"round", s.review_round},
                         {"reviewer_officer_id", 0}}),
                   return cases::StepReviewOpinion(x, {day, opinion, why, 0}, ctx));
        if (!amend) break;
        const std::string note = "已按审核意见补充裁量理由";
        const Penalty keep = s.proposal;
        ZHIFA_STEP(StepKind::kAmend, at(1, 4),
                   (json{{"outcome", cases::OutcomeId(outcome)},
                         {"penalty", keep.ToJson()},
                         {"reason", note}}),
                   return cases::StepAmend(x, {day, outcome, keep, note, {}}, ctx));
      }
    }
    if (outcome == Outcome::kPenalty && cases::DiscussionRequired(s, ctx.params)) {
      ZHIFA_STEP(
          StepKind::kDiscuss, at(1, 3),
          (json{{"participants", "局长、分管副局长、法制科长"}, {"conclusion", "同意拟作处罚"}}),
          return cases::StepDiscuss(x, {day, "局长、分管副局长、法制科长", "同意拟作处罚"}, ctx));
    }
    // The decision, at least 12 days after a notice the party did not answer.
    Date decide = at(2, 6);
    if (s.notice && !s.stated)
      decide = std::max(decide, AddDays(s.notice->date, Uniform(r, 12, 20)));
    const Penalty final_pen = outcome == Outcome::kPenalty ? cases::IntendedPenalty(s) : Penalty{};
    const std::string education =
        outcome == Outcome::kNoPenalty ? "已对当事人进行批评教育，责令改正" : "";
    if (decide > today_) return Finish(p, s);
    {
      CaseSnapshot trial = s;
      auto st = cases::StepDecide(trial, {decide, outcome, final_pen, reason, education, {}}, ctx);
      if (!st) {
        // The party's windows are still open today: the case waits for them.
        if (st.error().rule == "statement_period_open" ||
            st.error().rule == "hearing_window_open") {
          return Finish(p, s);
        }
        return st.error();
      }
    }
    ZHIFA_STEP(StepKind::kDecide, decide,
               (json{{"outcome", cases::OutcomeId(outcome)},
                     {"penalty", final_pen.ToJson()},
                     {"reason", reason},
                     {"education", education},
                     {"document_no", ""}}),
               return cases::StepDecide(x, {day, outcome, final_pen, reason, education, {}}, ctx));
    if (outcome != Outcome::kTransfer) {
      const bool post = Chance(r, 20);
      ZHIFA_STEP(
          StepKind::kServe, at(1, 5),
          (json{{"method", post ? "post" : "direct"}, {"consent", false}}),
          return cases::StepServe(
              x, {day, post ? cases::ServiceMethod::kPost : cases::ServiceMethod::kDirect, false},
              ctx));
      if (outcome == Outcome::kPenalty && NeedsExecution(s)) {
        const cases::Fen paid = s.decision->penalty.fine;
        ZHIFA_STEP(StepKind::kExecute, at(5, 20), (json{{"method", "paid"}, {"paid", paid}}),
                   return cases::StepExecute(x, {day, cases::ExecutionMethod::kPaid, paid}, ctx));
      }
    }
    ZHIFA_STEP(StepKind::kClose, at(1, 10), (json{{"summary", "案件办理完毕，予以结案"}}),
               return cases::StepClose(x, {day, "案件办理完毕，予以结案"}, ctx));
    const std::string no = "DA-" + std::to_string(d.year) + "-" + std::to_string(r() % 1000000);
    ZHIFA_STEP(StepKind::kArchive, at(10, 45), (json{{"archive_no", no}}),
               return cases::StepArchive(x, {day, no}, ctx));
    return Finish(p, s);
  }

  Status Finish(CasePlan& p, CaseSnapshot& s) {
    p.final = s;
    return core::Ok();
  }

  cases::CaseService& svc_;
  Date today_;
  cases::OfficerFact presider_;
};

// ---- writing -----------------------------------------------------------------------------------

struct Counts {
  int64_t steps = 0;
  int64_t events = 0;
};

// Writes the planned cases of one command, as CaseService writes a case — the id, the case
// number (and form number), the creation event, each step's event, then the rows — but for the
// whole batch at once, in the same order: the ids of all cases in one counters update
// (CommandTx::NewIds; per case: the case, its steps, the simplified decision step), the numbers
// in one update per department (NextSerials), every event in one CommandTx::EmitMany (per case:
// creation, then the steps) and the rows in multi-row INSERTs (CaseRowBatch). The record log,
// the tree and the rows are those of writing the cases one by one.
Status WriteCases(record::CommandTx& tx, cases::CaseService& svc,
                  const std::vector<CasePlan>& plans) {
  if (plans.empty()) return core::Ok();
  store::Conn& c = tx.conn();
  int64_t ids = 0;
  std::vector<std::pair<int64_t, int>> numbered, forms;  // (unit, year)
  for (const auto& p : plans) {
    ids += 1 + static_cast<int64_t>(p.steps.size()) + (p.simplified ? 1 : 0);
    numbered.emplace_back(p.unit->id, p.registered.year);
    if (p.simplified) forms.emplace_back(p.unit->id, p.registered.year);
  }
  auto first_id = tx.NewIds(ids);
  if (!first_id) return first_id.error();
  auto case_nos = svc.NextSerials(c, numbered, "case", "C");
  if (!case_nos) return case_nos.error();
  std::vector<std::string> form_nos;
  if (!forms.empty()) {
    auto f = svc.NextSerials(c, forms, "form", "J");
    if (!f) return f.error();
    form_nos = std::move(*f);
  }
  org::Principal system;  // the demo writes as the system (no user)
  struct Written {
    cases::CaseRecord rec;
    json form;
    int64_t first_step_id = 0;
    size_t first_event = 0;  // index of its creation event in `events`
  };
  std::vector<Written> written;
  written.reserve(plans.size());
  std::vector<record::Event> events;
  int64_t id = *first_id;
  size_t form_at = 0;
  for (size_t k = 0; k < plans.size(); ++k) {
    const CasePlan& p = plans[k];
    const int64_t unit = p.unit->id;
    Written w{cases::CaseService::Record(id, (*case_nos)[k], unit, *p.matter, p.party, system),
              json(), id + 1, events.size()};
    id += 1 + static_cast<int64_t>(p.steps.size()) + (p.simplified ? 1 : 0);
    w.rec.source = p.source;
    w.rec.source_ref = p.source_ref;
    w.rec.title = p.title;
    w.rec.place = p.place;
    const std::string target = cases::CaseTarget(w.rec.id);
    if (p.simplified) {
      w.rec.form_no = form_nos[form_at++];
      w.form = p.simplified_data;
      w.form["form_no"] = w.rec.form_no;
      events.push_back({"case.simplified_decided",
                        target,
                        cases::SimplifiedPayload(w.rec, p.initial, w.form),
                        unit,
                        {p.party.subject}});
    } else {
      events.push_back({"case.registered",
                        target,
                        cases::RegisteredPayload(w.rec, p.initial),
                        unit,
                        {p.party.subject}});
    }
    int64_t version = 1;
    for (size_t i = 0; i < p.steps.size(); ++i) {
      const auto& st = p.steps[i];
      ++version;
      events.push_back(
          {cases::EventName(st.kind),
           target,
           cases::StepPayload(w.rec.case_no, st.kind, w.first_step_id + static_cast<int64_t>(i),
                              st.date, st.from, st.to, version, st.data, json::array()),
           unit,
           {p.party.subject}});
    }
    written.push_back(std::move(w));
  }
  auto first_seq = tx.EmitMany(std::move(events));
  if (!first_seq) return first_seq.error();
  const std::string now = core::FormatRfc3339Micros(tx.now());
  cases::CaseRowBatch rows;
  for (size_t k = 0; k < plans.size(); ++k) {
    const CasePlan& p = plans[k];
    const Written& w = written[k];
    const int64_t case_id = w.rec.id, unit = p.unit->id;
    const int64_t first = *first_seq + static_cast<int64_t>(w.first_event);
    const int64_t last = first + static_cast<int64_t>(p.steps.size());
    const int64_t version = 1 + static_cast<int64_t>(p.steps.size());
    int64_t decided_seq = p.simplified ? first : 0;
    ZHIFA_TRY(rows.AddCase(w.rec, p.final, p.unit->ctx, now, now, version, first, last));
    if (p.simplified) {
      rows.AddStep(w.first_step_id + static_cast<int64_t>(p.steps.size()), case_id,
                   cases::kSimplifiedDecisionStep, p.initial.discovered_date, w.form, std::nullopt,
                   now, first);
    }
    for (size_t i = 0; i < p.steps.size(); ++i) {
      const auto& st = p.steps[i];
      const int64_t seq = first + 1 + static_cast<int64_t>(i);
      rows.AddStep(w.first_step_id + static_cast<int64_t>(i), case_id, cases::StepId(st.kind),
                   st.date, st.data, std::nullopt, now, seq);
      if (st.decides) decided_seq = seq;
    }
    rows.AddOfficers(case_id, p.final);
    if (p.final.decision) {
      ZHIFA_TRY(
          rows.AddPublication(case_id, unit, *p.final.decision, *p.unit->ctx.cal, decided_seq));
    }
  }
  return rows.Flush(c);
}

// The officer register (officers table, read through officers::OfficerService::OnDate): per
// unit, the officers whose 执法证 is valid on the first and on the last day of the generated
// period — active, and valid on every case date in between (a credential is one period). The
// units that handle cases are those of the accounts with the officer role (the enforcement
// teams); `accounts` lists per unit those not yet in the register, so LoadUnits can register them.
struct Candidates {
  std::map<int64_t, Unit> by_unit;
  std::map<int64_t, std::vector<std::pair<int64_t, std::string>>> accounts;  // unit → (user, name)
};

Status LoadOfficers(app::App& app, Date from, Date today, Candidates& out) {
  return app.db().Read([&](store::Conn& c) -> Status {
    auto r = c.Query("SELECT id FROM officers ORDER BY id");
    if (!r) return r.error();
    std::vector<int64_t> ids;
    ids.reserve(r->rows.size());
    for (const auto& x : r->rows) ids.push_back(x.Int(0));
    auto first = app.officers().OnDate(c, ids, from);
    if (!first) return first.error();
    auto last = app.officers().OnDate(c, ids, today);
    if (!last) return last.error();
    std::map<int64_t, std::vector<cases::OfficerFact>> valid;  // unit → officers
    for (size_t i = 0; i < ids.size(); ++i) {
      const auto& a = (*first)[i];
      if (a.credential_valid && (*last)[i].credential_valid)
        valid[a.unit_id].push_back(app::OfficerFactOf(a));
    }
    auto users = c.Query(
        "SELECT u.id, u.unit_id, u.display_name, CASE WHEN EXISTS (SELECT 1 FROM officers o WHERE "
        "o.user_id = u.id) THEN 1 ELSE 0 END FROM users u JOIN role_assignments a ON a.user_id = "
        "u.id AND a.role = 'officer' WHERE u.status = 'active' ORDER BY u.id");
    if (!users) return users.error();
    for (const auto& x : users->rows) {
      const int64_t unit = x.Int(1);
      if (!out.by_unit.count(unit)) {
        Unit& u = out.by_unit[unit];
        u.id = unit;
        u.officers = valid[unit];
      }
      if (x.Int(3) == 0) out.accounts[unit].emplace_back(x.Int(0), x.Text(2));
    }
    return core::Ok();
  });
}

// Registers officers for a unit until it has `need` valid ones, through OfficerService::Create
// (event officer.created): the unit's officer accounts not yet in the register first, then
// officers without an account; credential valid over the period. The certificate numbers go on
// from the unit's count, so a later run with a larger `need` adds new ones.
Status TopUpOfficers(app::App& app, Unit& u, std::vector<std::pair<int64_t, std::string>> accounts,
                     Date from, Date today, int64_t need) {
  org::Principal sys;
  sys.scope.all = true;
  sys.roles = {org::Role::kSupervisor};
  std::vector<std::string> domains;
  for (const auto& m : u.matters) {
    if (std::find(domains.begin(), domains.end(), m.domain) == domains.end()) {
      domains.push_back(m.domain);
    }
  }
  for (size_t a = 0; std::ssize(u.officers) < need; ++a) {
    const size_t k = u.officers.size();
    officers::NewOfficer n;
    n.unit_id = u.id;
    if (a < accounts.size()) {
      n.user_id = accounts[a].first;
      n.name = accounts[a].second;
    } else {
      const auto x = static_cast<size_t>(u.id) + k;
      n.name = std::string(kSurnames[x % std::size(kSurnames)]) +
               kGiven[(x / std::size(kSurnames)) % std::size(kGiven)];
    }
    n.cert_no = "37010099" + std::to_string(u.id) + "-" + std::to_string(k);
    n.issuing_authority = "济南市人民政府";
    n.valid_from = AddDays(from, -365);
    n.valid_to = AddDays(today, 3 * 365);
    n.domains = domains;
    auto made = app.officers().Create(sys, n);
    if (!made) return made.error();
    const std::vector<int64_t> id = {(*made)["id"].get<int64_t>()};
    auto fact = app.officers().OnDate(id, today);
    if (!fact) return fact.error();
    u.officers.push_back(app::OfficerFactOf(fact->at(0)));
  }
  return core::Ok();
}

// The units that can hold cases: at least one penalty matter the unit may handle on both ends
// of the period, and enough officers whose credential is valid over it (registered here when
// the register has fewer, TopUpOfficers): at least three, and as many as `o.cases` cases need
// for each officer to handle about `o.cases_per_officer` of them as one of the two handlers.
Result<std::vector<Unit>> LoadUnits(app::App& app, Date from, Date today, const CaseGenOptions& o) {
  Candidates cand;
  std::vector<std::string> codes;
  ZHIFA_TRY(LoadOfficers(app, from, today, cand));
  auto st = app.db().Read([&](store::Conn& c) -> Status {
    auto m = c.Query("SELECT code FROM catalogue_matters ORDER BY code");
    if (!m) return m.error();
    for (const auto& x : m->rows) codes.push_back(x.Text(0));
    return core::Ok();
  });
  if (!st) return st.error();
  auto& svc = app.cases();
  std::vector<Unit> out;
  for (auto& entry : cand.by_unit) {
    const int64_t id = entry.first;
    Unit& u = entry.second;
    st = app.db().Read([&](store::Conn& c) -> Status {
      for (const auto& code : codes) {
        auto early = svc.CheckMatter(c, code, AddDays(from, -30), id);
        auto late = svc.CheckMatter(c, code, today, id);
        if (early && late) u.matters.push_back(std::move(*late));
      }
      return core::Ok();
    });
    if (!st) return st.error();
    if (u.matters.empty()) continue;
    auto ctx = svc.Context(id);
    if (!ctx) return ctx.error();
    u.ctx = std::move(*ctx);
    if (o.today) u.ctx.today = *o.today;
    out.push_back(std::move(u));
  }
  if (out.empty()) {
    return Err(ErrorCode::kConflict,
               "没有可办案的单位：需要有执法人员账号、持有处罚类执法事项的单位",
               "no unit can hold cases: none with officer accounts holds a penalty matter");
  }
  // Cases spread evenly over the units (Planner::Plan), two handlers each: per unit
  // ⌈2 × cases / (units × cases_per_officer)⌉ officers, at least three.
  int64_t need = 3;
  if (o.cases_per_officer > 0) {
    const int64_t per_unit = o.cases_per_officer * std::ssize(out);
    need = std::max(need, (2 * o.cases + per_unit - 1) / per_unit);
  }
  for (auto& u : out) {
    if (std::ssize(u.officers) < need) {
      ZHIFA_TRY(TopUpOfficers(app, u, cand.accounts[u.id], from, today, need));
    }
  }
  return out;
}

}  // namespace

Result<CaseGenReport> GenerateCases(app::App& app, const CaseGenOptions& o) {
  const auto started = std::chrono::steady_clock::now();
  const Date today = o.today.value_or(core::DateFromUnixMicros(core::NowMicros()));
  if (o.from < 0 || (o.cases > 0 && o.from >= o.cases)) {
    return Err(ErrorCode::kInvalidArgument, "--cases-from 必须在 0 与 --cases 之间",
               "--cases-from must be ≥ 0 and below --cases", "cases-from");
  }
  if (o.cases_per_officer < 0) {
    return Err(
        ErrorCode::kInvalidArgument, "--cases-per-officer 不能为负数（0：执法人员库保持原样）",
        "--cases-per-officer must be ≥ 0 (0: the officer register as it is)", "cases-per-officer");
  }
  if (o.cases <= 0) return CaseGenReport{};
  auto units = LoadUnits(app, AddDays(today, -400), today, o);
  if (!units) return units.error();
  auto& svc = app.cases();
  Planner planner(svc, today);
  CaseGenReport report;
  // Plans are made on this thread while the previous batch commits on the storage thread (at
  // most two batches in flight).
  std::mutex mu;
  std::condition_variable cv;
  int in_flight = 0;
  Status failed = core::Ok();
  Counts counts;
  const record::Actor system{};
  const int batch = std::max(1, o.batch);
  for (int64_t next = o.from; next < o.cases;) {
    auto plans = std::make_shared<std::vector<CasePlan>>();
    const int64_t end = std::min(o.cases, next + batch);
    for (int64_t i = next; i < end; ++i) {
      auto p = planner.Plan(o.seed, i, *units);
      if (!p) {
        std::unique_lock lock(mu);
        cv.wait(lock, [&] { return in_flight == 0; });
        auto e = p.error();
        e.message_zh = "第 " + std::to_string(i) + " 个案件：" + e.message_zh;
        e.message_en = "case " + std::to_string(i) + ": " + e.message_en;
        return e;
      }
      ++report.by_state[cases::StateId(p->final.state)];
      if (p->simplified) ++report.simplified;
      plans->push_back(std::move(*p));
    }
    next = end;
    {
      std::unique_lock lock(mu);
      cv.wait(lock, [&] { return in_flight < 2 || !failed; });
      if (!failed) break;
      ++in_flight;
    }
    app.bus().RunAsync(
        system,
        [plans, &svc](record::CommandTx& tx) -> Status {
          if (tx.conn().dialect() == store::Dialect::kSqlite) {
            // The bulk load touches index pages all over the file: a larger page cache for
            // this process's writer connection (SQLite's default is 2 MB).
            auto r = tx.conn().Exec("PRAGMA cache_size = -262144");
            if (!r) return r.error();
          }
          return WriteCases(tx, svc, *plans);
        },
        [plans, &mu, &cv, &in_flight, &failed, &counts](const Status& st) {
          std::lock_guard lock(mu);
          --in_flight;
          if (!st && failed) failed = st;
          if (st) {
            for (const auto& p : *plans) {
              counts.events += 1 + static_cast<int64_t>(p.steps.size());
              counts.steps += static_cast<int64_t>(p.steps.size()) + (p.simplified ? 1 : 0);
            }
          }
          cv.notify_all();
        });
    if (o.progress && (next / batch) % 40 == 0) {
      const double s =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
      std::cout << "demo: " << next << " cases planned, "
                << static_cast<int64_t>(static_cast<double>(next - o.from) / s) << " cases/s"
                << std::endl;
    }
  }
  std::unique_lock lock(mu);
  cv.wait(lock, [&] { return in_flight == 0; });
  if (!failed) return failed.error();
  report.cases = o.cases - o.from;
  report.steps = counts.steps;
  report.events = counts.events;
  report.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return report;
}

}  // namespace zhifa::cli
