#include "cases/case_rules.h"

#include <algorithm>
#include <cstdint>

#include "core/json_reader.h"
#include "core/json_writer.h"

namespace zhifa::cases {

using core::Date;
using core::Err;
using core::Error;
using core::ErrorCode;
using core::Status;
using nlohmann::json;

namespace {

template <typename E>
struct Name {
  E value;
  const char* id;
  const char* zh;
  const char* en;
};

template <typename E, size_t N>
const char* IdOf(const Name<E> (&t)[N], E v) {
  for (const auto& n : t)
    if (n.value == v) return n.id;
  return "";
}
template <typename E, size_t N>
const char* ZhOf(const Name<E> (&t)[N], E v) {
  for (const auto& n : t)
    if (n.value == v) return n.zh;
  return "";
}
template <typename E, size_t N>
const char* EnOf(const Name<E> (&t)[N], E v) {
  for (const auto& n : t)
    if (n.value == v) return n.en;
  return "";
}
template <typename E, size_t N>
std::optional<E> Parse(const Name<E> (&t)[N], std::string_view s) {
  for (const auto& n : t)
    if (s == n.id) return n.value;
  return std::nullopt;
}

constexpr Name<Procedure> kProcedures[] = {
    {Procedure::kOrdinary, "ordinary", "普通程序", "ordinary procedure"},
    {Procedure::kSimplified, "simplified", "简易程序", "simplified procedure"},
};
constexpr Name<PartyKind> kPartyKinds[] = {
    {PartyKind::kPerson, "person", "公民", "citizen"},
    {PartyKind::kOrganisation, "organisation", "法人或者其他组织", "organisation"},
};
constexpr Name<Source> kSources[] = {
    {Source::kInspection, "inspection", "监督检查", "inspection"},
    {Source::kComplaint, "complaint", "投诉举报", "complaint or report"},
    {Source::kHotline, "hotline", "12345热线工单", "12345 work order"},
    {Source::kReferral, "referral", "其他机关移送", "referral"},
    {Source::kDiscovered, "discovered", "部门发现", "discovered by the department"},
};
constexpr Name<State> kStates[] = {
    {State::kLead, "lead", "线索登记", "lead registered"},
    {State::kNotFiled, "not_filed", "不予立案", "not filed"},
    {State::kInvestigation, "investigation", "调查取证", "investigation"},
    {State::kReview, "review", "案件审查", "case review"},
    {State::kNotice, "notice", "已告知", "notified"},
    {State::kHearing, "hearing", "听证", "hearing"},
    {State::kLegalReview, "legal_review", "法制审核", "legal review"},
    {State::kAmending, "amending", "审核意见待落实", "amending after review"},
    {State::kPendingDecision, "pending_decision", "待决定", "pending decision"},
    {State::kDecided, "decided", "已决定", "decided"},
    {State::kServed, "served", "已送达", "served"},
    {State::kExecuted, "executed", "已执行", "executed"},
    {State::kClosed, "closed", "已结案", "closed"},
    {State::kArchived, "archived", "已归档", "archived"},
};
constexpr Name<Outcome> kOutcomes[] = {
    {Outcome::kPenalty, "penalty", "给予行政处罚", "penalty"},
    {Outcome::kNoPenalty, "no_penalty", "不予行政处罚", "no penalty"},
    {Outcome::kNotEstablished, "not_established", "违法事实不能成立，不予行政处罚",
     "facts not established"},
    {Outcome::kTransfer, "transfer", "移送司法机关", "transfer to judicial organs"},
};
constexpr Name<ReviewStatus> kReviews[] = {
    {ReviewStatus::kNone, "none", "未审核", "none"},
    {ReviewStatus::kPending, "pending", "待审核", "pending"},
    {ReviewStatus::kAgreed, "agree", "同意", "agree"},
    {ReviewStatus::kAmend, "amend", "建议修改", "amend"},
    {ReviewStatus::kDisagreed, "disagree", "不同意", "disagree"},
};
constexpr Name<InvestigationKind> kInvestigationKinds[] = {
    {InvestigationKind::kInspection, "inspection", "现场检查", "on-site inspection"},
    {InvestigationKind::kQuestioning, "questioning", "询问", "questioning"},
    {InvestigationKind::kSampling, "sampling", "抽样取证", "sampling"},
    {InvestigationKind::kSurvey, "survey", "勘验", "survey"},
    {InvestigationKind::kOther, "other", "其他", "other"},
};
constexpr Name<Measure> kMeasures[] = {
    {Measure::kSeizure, "seizure", "查封", "seizure"},
    {Measure::kDetention, "detention", "扣押", "detention of property"},
    {Measure::kDemolition, "demolition", "强制拆除", "forced demolition"},
    {Measure::kFreeze, "freeze", "冻结", "freezing"},
    {Measure::kOther, "other", "其他", "other"},
};
constexpr Name<NonCoerciveMeans> kMeans[] = {
    {NonCoerciveMeans::kPersuasion, "persuasion", "说服教育", "persuasion"},
    {NonCoerciveMeans::kDemonstration, "demonstration", "劝导示范", "demonstration"},
    {NonCoerciveMeans::kWarning, "warning", "警示告诫", "warning"},
    {NonCoerciveMeans::kInterview, "interview", "指导约谈", "guidance interview"},
};
constexpr Name<ServiceMethod> kServiceMethods[] = {
    {ServiceMethod::kDirect, "direct", "直接送达", "in person"},
    {ServiceMethod::kLeft, "left", "留置送达", "left at the address"},
    {ServiceMethod::kPost, "post", "邮寄送达", "by post"},
    {ServiceMethod::kElectronic, "electronic", "电子送达", "electronic"},
    {ServiceMethod::kPublic, "public", "公告送达", "by public announcement"},
    {ServiceMethod::kEntrusted, "entrusted", "委托送达", "entrusted"},
};
constexpr Name<ExecutionMethod> kExecutionMethods[] = {
    {ExecutionMethod::kPaid, "paid", "自觉履行", "paid"},
    {ExecutionMethod::kEnforced, "enforced", "强制执行", "enforced"},
    {ExecutionMethod::kCourt, "court", "申请人民法院强制执行", "enforced by the court"},
    {ExecutionMethod::kInstalment, "instalment", "延期或分期缴纳", "deferred or in instalments"},
    {ExecutionMethod::kNotRequired, "not_required", "无需执行", "nothing to execute"},
};
constexpr Name<StepKind> kSteps[] = {
    {StepKind::kFile, "file", "立案", "file the case"},
    {StepKind::kNotFile, "not_file", "不予立案", "do not file"},
    {StepKind::kAssignOfficers, "assign_officers", "指派办案人员", "assign officers"},
    {StepKind::kInvestigate, "investigate", "调查取证", "investigation"},
    {StepKind::kCompulsion, "compulsion", "行政强制措施", "compulsory measure"},
    {StepKind::kNonCoercive, "non_coercive", "非强制性执法手段", "non-coercive means"},
    {StepKind::kRecusal, "recusal", "回避决定", "recusal"},
    {StepKind::kConcludeInvestigation, "conclude_investigation", "调查终结",
     "conclude the investigation"},
    {StepKind::kReviewCase, "review_case", "案件审查", "case review"},
    {StepKind::kNotify, "notify", "行政处罚事先告知", "pre-decision notice"},
    {StepKind::kWaive, "waive", "书面放弃陈述申辩或听证", "written waiver"},
    {StepKind::kStatement, "statement", "陈述、申辩", "statement and defence"},
    {StepKind::kRequestHearing, "request_hearing", "申请听证", "hearing request"},
    {StepKind::kScheduleHearing, "schedule_hearing", "听证通知", "hearing notice"},
    {StepKind::kHoldHearing, "hold_hearing", "举行听证", "hold the hearing"},
    {StepKind::kSubmitReview, "submit_review", "提交法制审核", "submit for legal review"},
    {StepKind::kReviewOpinion, "review_opinion", "法制审核意见", "legal review opinion"},
    {StepKind::kAmend, "amend", "按审核意见修改", "amend after review"},
    {StepKind::kDiscuss, "discuss", "负责人集体讨论", "collective discussion"},
    {StepKind::kExtend, "extend", "延长办案期限", "extend the decision period"},
    {StepKind::kDecide, "decide", "作出决定", "decide"},
    {StepKind::kServe, "serve", "送达", "serve the decision"},
    {StepKind::kExecute, "execute", "执行", "execution"},
    {StepKind::kReportFiling, "report_filing", "当场处罚备案", "report for filing"},
    {StepKind::kClose, "close", "结案", "close the case"},
    {StepKind::kArchive, "archive", "归档", "archive"},
};
constexpr Name<TimerStatus> kTimerStatuses[] = {
    {TimerStatus::kRunning, "running", "计时中", "running"},
    {TimerStatus::kDueSoon, "due_soon", "即将到期", "due soon"},
    {TimerStatus::kOverdue, "overdue", "已超期", "overdue"},
    {TimerStatus::kDone, "done", "已完成", "done"},
    {TimerStatus::kLapsed, "lapsed", "期满未行使", "lapsed"},
};

std::string Yuan(Fen f) {
  std::string s = std::to_string(f / 100);
  if (f % 100 != 0) {
    int c = static_cast<int>(f % 100);
    s += "." + std::string(1, static_cast<char>('0' + c / 10));
    if (c % 10) s += static_cast<char>('0' + c % 10);
  }
  return s;
}

bool Blank(std::string_view s) { return s.find_first_not_of(" \t\r\n") == std::string_view::npos; }

bool Contains(const std::vector<int64_t>& v, int64_t x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}
void AddUnique(std::vector<int64_t>& v, int64_t x) {
  if (!Contains(v, x)) v.push_back(x);
}
bool HasKind(const std::vector<PenaltyKind>& v, PenaltyKind k) {
  return std::find(v.begin(), v.end(), k) != v.end();
}

Error Required(const char* field, const char* zh, const char* en) {
  return Err(ErrorCode::kInvalidArgument, std::string("请填写") + zh,
             std::string(en) + " is required", field);
}

Status CheckText(std::string_view v, const char* field, const char* zh, const char* en,
                 size_t max = 10000) {
  if (Blank(v)) return Required(field, zh, en);
  if (v.size() > max * 3) {
    return Err(ErrorCode::kInvalidArgument, std::string(zh) + "过长",
               std::string(en) + " is too long", field);
  }
  return core::Ok();
}

// A date of a step: not after today, not before `earliest` (when given).
Status CheckDate(const Date& d, const StepContext& ctx, const char* field,
                 std::optional<Date> earliest = std::nullopt, const char* earliest_zh = "",
                 const char* earliest_en = "") {
  if (d > ctx.today) {
    return Err(ErrorCode::kInvalidArgument,
               "日期不能晚于今天（" + core::FormatDate(ctx.today) + "）",
               "the date must not be after today (" + core::FormatDate(ctx.today) + ")", field);
  }
  if (earliest && d < *earliest) {
    return Err(
        ErrorCode::kInvalidArgument,
        std::string("日期不能早于") + earliest_zh + "（" + core::FormatDate(*earliest) + "）",
        std::string("the date must not be before ") + earliest_en + " (" +
            core::FormatDate(*earliest) + ")",
        field);
  }
  return core::Ok();
}

const std::string kProcedureChapter = "《行政处罚法》第五章";

bool NeedsExecution(const Penalty& p) {
  if (p.fine > 0 || p.confiscation > 0) return true;
  for (auto k : p.kinds) {
    if (k != PenaltyKind::kWarning && k != PenaltyKind::kCriticism) return true;
  }
  return false;
}

std::optional<Date> OptDate(const json& j, const char* key) {
  if (!j.contains(key) || j[key].is_null()) return std::nullopt;
  auto d = core::ParseDate(j[key].get<std::string>());
  if (!d) return std::nullopt;
  return *d;
}
json DateOrNull(const std::optional<Date>& d) {
  return d ? json(core::FormatDate(*d)) : json(nullptr);
}

core::Result<calendar::Deadline> Deadline(const char* rule_id, const Date& start,
                                          const StepContext& ctx,
                                          std::optional<calendar::Override> ovr = std::nullopt) {
  auto rule = calendar::FindRule(rule_id);
  if (!rule) return rule.error();
  calendar::DeadlineInput in;
  in.rule = *rule;
  in.start_date = start;
  in.override_ = ovr;
  return calendar::ComputeDeadline(in, *ctx.cal);
}

// The decision deadline: 90 days (or the department's period) plus approved extensions.
core::Result<calendar::Deadline> DecisionDeadline(const CaseSnapshot& s, const StepContext& ctx) {
  auto rule = calendar::FindRule("penalty.decision");
  if (!rule) return rule.error();
  int base = ctx.decision_override ? ctx.decision_override->amount : (*rule)->amount;
  std::optional<calendar::Override> ovr;
  if (ctx.decision_override || s.extension_days > 0) {
    ovr = calendar::Override{calendar::OverrideKind::kPeriod, base + s.extension_days};
  }
  return Deadline("penalty.decision", *s.filed_date, ctx, ovr);
}

}  // namespace

core::Result<bool> ApplyDiscretion(const DiscretionVerdict& v, const std::string& reason) {
  bool outside = false;
  for (const auto& p : v.problems) {
    if (p.code == "outside_allowed_range") {
      outside = true;
      continue;
    }
    if (p.code == "reason_required") {
      if (Blank(reason)) {
        return Refuse(ErrorCode::kInvalidArgument, "discretion_reason_required", p.article,
                      p.message_zh, p.message_en, "reason");
      }
      continue;
    }
    std::string field = p.field.empty() ? "penalty" : "penalty." + p.field;
    if (p.field == "reason") field = "reason";
    return Refuse(ErrorCode::kInvalidArgument, "discretion." + p.code, p.article, p.message_zh,
                  p.message_en, field);
  }
  if (outside && Blank(reason)) {
    return Refuse(ErrorCode::kInvalidArgument, "discretion_reason_required", Xzcf("第34条"),
                  "处罚超出裁量基准幅度，须书面说明理由（并经法制审核）",
                  "a penalty outside the benchmark range needs a written reason (and legal "
                  "review)",
                  "reason");
  }
  return outside;
}

namespace {

Status CheckOutcomePenalty(Outcome o, const Penalty& p) {
  if (o == Outcome::kPenalty && p.empty()) {
    return Err(ErrorCode::kInvalidArgument, "给予处罚时须填写处罚种类或金额",
               "a penalty needs its kinds or amount", "penalty.kinds");
  }
  if (o != Outcome::kPenalty && !p.empty()) {
    return Err(ErrorCode::kInvalidArgument, std::string(OutcomeZh(o)) + "时不应填写处罚内容",
               std::string("no penalty may be given with outcome ") + OutcomeId(o),
               "penalty.kinds");
  }
  if (p.fine < 0 || p.confiscation < 0) {
    return Err(ErrorCode::kInvalidArgument, "金额不能为负数（单位：分）",
               "amounts must not be negative (fen)", "penalty.fine");
  }
  if (p.fine > 0 && !HasKind(p.kinds, PenaltyKind::kFine)) {
    return Err(ErrorCode::kInvalidArgument, "填写了罚款金额，处罚种类须含罚款",
               "a fine amount needs the kind fine", "penalty.kinds");
  }
  if (HasKind(p.kinds, PenaltyKind::kFine) && p.fine <= 0) {
    return Err(ErrorCode::kInvalidArgument, "处罚种类含罚款，须填写罚款金额",
               "the kind fine needs an amount", "penalty.fine");
  }
  return core::Ok();
}

}  // namespace

// ---- names ----------------------------------------------------------------------------------

const char* ProcedureId(Procedure p) { return IdOf(kProcedures, p); }
std::optional<Procedure> ParseProcedure(std::string_view s) { return Parse(kProcedures, s); }
const char* PartyKindId(PartyKind k) { return IdOf(kPartyKinds, k); }
std::optional<PartyKind> ParsePartyKind(std::string_view s) { return Parse(kPartyKinds, s); }
const char* SourceId(Source s) { return IdOf(kSources, s); }
const char* SourceZh(Source s) { return ZhOf(kSources, s); }
std::optional<Source> ParseSource(std::string_view s) { return Parse(kSources, s); }
const char* StateId(State s) { return IdOf(kStates, s); }
const char* StateZh(State s) { return ZhOf(kStates, s); }
const char* StateEn(State s) { return EnOf(kStates, s); }
std::optional<State> ParseState(std::string_view s) { return Parse(kStates, s); }
const std::vector<State>& AllStates() {
  static const std::vector<State> kAll = [] {
    std::vector<State> v;
    for (const auto& n : kStates) v.push_back(n.value);
    return v;
  }();
  return kAll;
}
const char* OutcomeId(Outcome o) { return IdOf(kOutcomes, o); }
const char* OutcomeZh(Outcome o) { return ZhOf(kOutcomes, o); }
std::optional<Outcome> ParseOutcome(std::string_view s) { return Parse(kOutcomes, s); }
const char* ReviewStatusId(ReviewStatus s) { return IdOf(kReviews, s); }
std::optional<ReviewStatus> ParseOpinion(std::string_view s) {
  auto r = Parse(kReviews, s);
  if (!r || *r == ReviewStatus::kNone || *r == ReviewStatus::kPending) return std::nullopt;
  return r;
}
const char* InvestigationKindId(InvestigationKind k) { return IdOf(kInvestigationKinds, k); }
std::optional<InvestigationKind> ParseInvestigationKind(std::string_view s) {
  return Parse(kInvestigationKinds, s);
}
const char* MeasureId(Measure m) { return IdOf(kMeasures, m); }
std::optional<Measure> ParseMeasure(std::string_view s) { return Parse(kMeasures, s); }
bool MeasureNeedsAudioVideo(Measure m) {
  return m == Measure::kSeizure || m == Measure::kDetention || m == Measure::kDemolition;
}
const char* NonCoerciveMeansId(NonCoerciveMeans m) { return IdOf(kMeans, m); }
const char* NonCoerciveMeansZh(NonCoerciveMeans m) { return ZhOf(kMeans, m); }
std::optional<NonCoerciveMeans> ParseNonCoerciveMeans(std::string_view s) {
  return Parse(kMeans, s);
}
const char* ServiceMethodId(ServiceMethod m) { return IdOf(kServiceMethods, m); }
std::optional<ServiceMethod> ParseServiceMethod(std::string_view s) {
  return Parse(kServiceMethods, s);
}
const char* ExecutionMethodId(ExecutionMethod m) { return IdOf(kExecutionMethods, m); }
std::optional<ExecutionMethod> ParseExecutionMethod(std::string_view s) {
  return Parse(kExecutionMethods, s);
}
const char* StepId(StepKind k) { return IdOf(kSteps, k); }
std::optional<StepKind> ParseStep(std::string_view s) { return Parse(kSteps, s); }
const std::vector<StepKind>& AllSteps() {
  static const std::vector<StepKind> kAll = [] {
    std::vector<StepKind> v;
    for (const auto& n : kSteps) v.push_back(n.value);
    return v;
  }();
  return kAll;
}
const char* StepAuthorityId(StepAuthority a) {
  switch (a) {
    case StepAuthority::kWrite:
      return "cases.write";
    case StepAuthority::kApprove:
      return "cases.approve";
    case StepAuthority::kReview:
      return "cases.review";
  }
  return "cases.write";
}
const char* TimerStatusId(TimerStatus s) { return IdOf(kTimerStatuses, s); }

std::string Xzcf(std::string_view article) { return "《行政处罚法》" + std::string(article); }
std::string Xzqz(std::string_view article) { return "《行政强制法》" + std::string(article); }

Error Refuse(ErrorCode code, std::string rule, std::string article, std::string zh, std::string en,
             std::string field) {
  Error e = Err(code, std::move(zh), std::move(en), std::move(field));
  if (!article.empty()) {
    e.message_zh += "（" + article + "）";
    e.message_en += " (" + article + ")";
  }
  e.rule = std::move(rule);
  e.article = std::move(article);
  return e;
}

json Reason::ToJson() const { return {{"id", id}, {"zh", zh}, {"en", en}, {"article", article}}; }

// ---- the step table -------------------------------------------------------------------------

const StepInfo& Info(StepKind k) {
  using A = StepAuthority;
  const FieldHint date{"date", "date", true, "日期", "Date", {}};
  const FieldHint evidence{"evidence_ids", "ids", false, "证据材料", "Evidence files", {}};
  const FieldHint penalty{"penalty",
                          "object",
                          true,
                          "处罚（种类 kinds、罚款 fine、没收 confiscation，单位：分）",
                          "Penalty (kinds, fine, confiscation in fen)",
                          {}};
  const FieldHint outcome{"outcome", "enum",
                          true,      "处理结果",
                          "Outcome", {"penalty", "no_penalty", "not_established", "transfer"}};
  const FieldHint reason{"reason", "text", false, "裁量理由", "Reason for the discretion used", {}};
  static const std::vector<StepInfo> kTable = {
      {StepKind::kFile,
       "立案",
       "File the case",
       A::kApprove,
       "《行政处罚法》第54条",
       "initiation",
       {date, {"note", "text", false, "审批意见", "Approval note", {}}, evidence}},
      {StepKind::kNotFile,
       "不予立案",
       "Do not file",
       A::kApprove,
       "《行政处罚法》第54条",
       "initiation",
       {date, {"reason", "text", true, "不予立案理由", "Reason", {}}}},
      {StepKind::kAssignOfficers,
       "指派办案人员",
       "Assign officers",
       A::kWrite,
       "《行政处罚法》第42条",
       "initiation",
       {{"officer_ids",
         "ids",
         true,
         "执法人员（执法证有效，不少于两人）",
         "Officers (valid credentials, at least two)",
         {}}}},
      {StepKind::kInvestigate,
       "调查取证",
       "Investigation",
       A::kWrite,
       "《行政处罚法》第42条、第55条",
       "investigation",
       {date,
        {"kind",
         "enum",
         true,
         "调查方式",
         "Kind",
         {"inspection", "questioning", "sampling", "survey", "other"}},
        {"officer_ids", "ids", true, "执法人员（不少于两人）", "Officers (at least two)", {}},
        {"credentials_shown", "bool", true, "已出示执法证件", "Credentials shown", {}},
        {"summary", "text", true, "笔录摘要", "Record summary", {}},
        evidence}},
      {StepKind::kCompulsion,
       "行政强制措施",
       "Compulsory measure",
       A::kWrite,
       "《行政强制法》第18条",
       "investigation",
       {date,
        {"measure",
         "enum",
         true,
         "措施",
         "Measure",
         {"seizure", "detention", "demolition", "freeze", "other"}},
        {"officer_ids", "ids", true, "执法人员（不少于两人）", "Officers (at least two)", {}},
        {"approved", "bool", true, "已经负责人批准", "Approved by the head", {}},
        {"summary", "text", true, "现场笔录摘要", "On-site record summary", {}},
        {"evidence_ids",
         "ids",
         false,
         "证据材料（查封、扣押、强制拆除须附音像记录）",
         "Evidence (seizure, detention and demolition need audio-video)",
         {}}}},
      {StepKind::kNonCoercive,
       "非强制性执法手段",
       "Non-coercive means",
       A::kWrite,
       "行动方案第45项",
       "investigation",
       {date,
        {"means",
         "enum",
         true,
         "方式",
         "Means",
         {"persuasion", "demonstration", "warning", "interview"}},
        {"note", "text", true, "情况说明", "Note", {}},
        evidence}},
      {StepKind::kRecusal,
       "回避决定",
       "Recusal",
       A::kApprove,
       "《行政处罚法》第43条",
       "investigation",
       {date,
        {"officer_id", "int", true, "申请回避的执法人员", "Officer", {}},
        {"applicant", "enum", true, "申请人", "Applicant", {"party", "officer", "agency"}},
        {"granted", "bool", true, "决定回避", "Recusal granted", {}},
        {"reason", "text", true, "理由", "Reason", {}}}},
      {StepKind::kConcludeInvestigation,
       "调查终结",
       "Conclude the investigation",
       A::kWrite,
       "《行政处罚法》第57条",
       "review",
       {date,
        outcome,
        penalty,
        reason,
        {"facts", "object", true, "裁量事实（见 /discretion/facts）", "Discretion facts", {}},
        {"report", "text", true, "调查终结报告", "Investigation report", {}},
        {"complex", "bool", false, "情节复杂、涉及多个法律关系", "Complex", {}},
        {"major_interest", "bool", false, "涉及重大公共利益", "Major public interest", {}},
        {"major_violation", "bool", false, "重大违法行为", "Major violation", {}}}},
      {StepKind::kReviewCase,
       "案件审查",
       "Case review",
       A::kWrite,
       "《行政处罚法》第57条",
       "review",
       {date,
        {"agree",
         "bool",
         true,
         "同意调查结论（否则退回补充调查）",
         "Agree (else back to investigation)",
         {}},
        {"opinion", "text", true, "审查意见", "Opinion", {}}}},
      {StepKind::kNotify,
       "行政处罚事先告知",
       "Pre-decision notice",
       A::kWrite,
       "《行政处罚法》第44条",
       "review",
       {{"date", "date", true, "送达告知书日期", "Date served", {}},
        {"facts", "text", true, "违法事实", "Facts", {}},
        {"reasons", "text", true, "理由", "Reasons", {}},
        {"basis", "text", true, "依据", "Legal basis", {}},
        {"statement_right", "bool", true, "告知陈述、申辩权", "Right to state and defend", {}},
        {"hearing_right", "bool", false, "告知听证权", "Right to a hearing", {}},
        evidence}},
      {StepKind::kWaive,
       "书面放弃陈述申辩或听证",
       "Written waiver",
       A::kWrite,
       "《行政处罚法》第44条、第62条",
       "review",
       {date,
        {"scope", "enum", true, "放弃范围", "Scope", {"statement", "hearing", "all"}},
        {"evidence_ids", "ids", true, "当事人签署的书面材料", "The signed waiver", {}}}},
      {StepKind::kStatement,
       "陈述、申辩",
       "Statement and defence",
       A::kWrite,
       "《行政处罚法》第45条",
       "review",
       {date,
        {"content", "text", true, "陈述申辩内容", "Content", {}},
        {"adopted", "bool", true, "理由成立并采纳", "Adopted", {}},
        {"response", "text", true, "复核意见", "Response", {}},
        evidence}},
      {StepKind::kRequestHearing,
       "申请听证",
       "Hearing request",
       A::kWrite,
       "《行政处罚法》第64条",
       "review",
       {{"date", "date", true, "当事人提出申请日期", "Date of the request", {}}, evidence}},
      {StepKind::kScheduleHearing,
       "听证通知",
       "Hearing notice",
       A::kWrite,
       "《行政处罚法》第64条",
       "review",
       {{"notice_date", "date", true, "通知日期", "Notice date", {}},
        {"hearing_date", "date", true, "听证日期", "Hearing date", {}},
        {"presider_id",
         "int",
         true,
         "主持人（非本案调查人员）",
         "Presider (not an investigator)",
         {}},
        {"place", "text", true, "地点", "Place", {}}}},
      {StepKind::kHoldHearing,
       "举行听证",
       "Hold the hearing",
       A::kWrite,
       "《行政处罚法》第64条、第65条",
       "review",
       {date,
        {"attended", "bool", true, "当事人出席", "Party attended", {}},
        {"record", "text", true, "听证笔录摘要", "Hearing record", {}},
        evidence}},
      {StepKind::kSubmitReview,
       "提交法制审核",
       "Submit for legal review",
       A::kWrite,
       "《行政处罚法》第58条",
       "review",
       {date, {"note", "text", false, "送审说明", "Note", {}}}},
      {StepKind::kReviewOpinion,
       "法制审核意见",
       "Legal review opinion",
       A::kReview,
       "《行政处罚法》第58条",
       "review",
       {date,
        {"opinion", "enum", true, "审核意见", "Opinion", {"agree", "amend", "disagree"}},
        {"reasons", "text", false, "理由（修改、不同意时必填）", "Reasons (amend/disagree)", {}},
        {"report",
         "object",
         true,
         "审核报告（facts 事实, basis 依据, qualifications 人员资格, procedure 程序, discretion "
         "裁量）",
         "Report (facts, basis, qualifications, procedure, discretion)",
         {}}}},
      {StepKind::kAmend,
       "按审核意见修改",
       "Amend after review",
       A::kWrite,
       "《行政处罚法》第58条",
       "review",
       {date,
        outcome,
        penalty,
        {"reason", "text", true, "修改说明及裁量理由", "Reason", {}},
        {"facts",
         "object",
         false,
         "裁量事实（不填则沿用）",
         "Discretion facts (default: unchanged)",
         {}}}},
      {StepKind::kDiscuss,
       "负责人集体讨论",
       "Collective discussion",
       A::kApprove,
       "《行政处罚法》第57条",
       "decision",
       {date,
        {"participants", "text", true, "参加人员", "Participants", {}},
        {"conclusion", "text", true, "讨论结论", "Conclusion", {}},
        evidence}},
      {StepKind::kExtend,
       "延长办案期限",
       "Extend the decision period",
       A::kApprove,
       "《行政处罚法》第60条",
       "decision",
       {date,
        {"days", "int", true, "延长天数", "Days", {}},
        {"reason", "text", true, "理由", "Reason", {}},
        {"basis", "text", true, "依据（行业规定）", "Basis (sector rule)", {}}}},
      {StepKind::kDecide,
       "作出决定",
       "Decide",
       A::kApprove,
       "《行政处罚法》第57条、第59条",
       "decision",
       {date,
        outcome,
        penalty,
        reason,
        {"education",
         "text",
         false,
         "教育情况（不予处罚时必填，第33条）",
         "Education given (no penalty)",
         {}},
        {"document_no", "text", false, "决定书文号", "Decision document number", {}},
        evidence}},
      {StepKind::kServe,
       "送达",
       "Serve the decision",
       A::kWrite,
       "《行政处罚法》第61条",
       "service",
       {date,
        {"method",
         "enum",
         true,
         "送达方式",
         "Method",
         {"direct", "left", "post", "electronic", "public", "entrusted"}},
        {"consent",
         "bool",
         false,
         "当事人同意电子送达并签订确认书",
         "Party consented to electronic service",
         {}},
        evidence}},
      {StepKind::kExecute,
       "执行",
       "Execution",
       A::kWrite,
       "《行政处罚法》第67条",
       "execution",
       {date,
        {"method",
         "enum",
         true,
         "执行方式",
         "Method",
         {"paid", "enforced", "court", "instalment", "not_required"}},
        {"paid", "fen", false, "缴纳金额（分）", "Amount paid (fen)", {}},
        evidence}},
      {StepKind::kReportFiling,
       "当场处罚备案",
       "Report for filing",
       A::kWrite,
       "《行政处罚法》第52条",
       "decision",
       {date}},
      {StepKind::kClose,
       "结案",
       "Close the case",
       A::kWrite,
       "《行政处罚法》第47条",
       "execution",
       {date, {"summary", "text", false, "结案报告", "Closing summary", {}}}},
      {StepKind::kArchive,
       "归档",
       "Archive",
       A::kWrite,
       "《行政处罚法》第47条",
       "execution",
       {date, {"archive_no", "text", true, "档案号", "Archive number", {}}}},
  };
  for (const auto& i : kTable)
    if (i.kind == k) return i;
  return kTable.front();
}

// ---- values ---------------------------------------------------------------------------------

json Penalty::ToJson() const {
  json kinds_j = json::array();
  for (auto k : kinds) kinds_j.push_back(catalogue::PenaltyKindId(k));
  return {{"kinds", kinds_j}, {"fine", fine}, {"confiscation", confiscation}};
}

core::Result<Penalty> PenaltyFromJson(const json& j, const std::string& field) {
  Penalty p;
  if (j.is_null()) return p;
  if (!j.is_object()) {
    return Err(ErrorCode::kWrongType, field + " 应为对象", field + " must be an object", field);
  }
  for (auto it = j.begin(); it != j.end(); ++it) {
    if (it.key() != "kinds" && it.key() != "fine" && it.key() != "confiscation") {
      return Err(ErrorCode::kUnknownField, "未知字段 " + field + "." + it.key(),
                 "unknown field " + field + "." + it.key(), field + "." + it.key());
    }
  }
  if (j.contains("kinds") && !j["kinds"].is_null()) {
    if (!j["kinds"].is_array()) {
      return Err(ErrorCode::kWrongType, field + ".kinds 应为数组",
                 field + ".kinds must be an array", field + ".kinds");
    }
    for (size_t i = 0; i < j["kinds"].size(); ++i) {
      const auto& v = j["kinds"][i];
      const std::string f = field + ".kinds[" + std::to_string(i) + "]";
      if (!v.is_string())
        return Err(ErrorCode::kWrongType, f + " 应为字符串", f + " must be a string", f);
      auto k = catalogue::ParsePenaltyKind(v.get<std::string>());
      if (!k) {
        return Err(ErrorCode::kInvalidArgument, "未知的处罚种类: " + v.get<std::string>(),
                   "unknown penalty kind: " + v.get<std::string>(), f);
      }
      if (!HasKind(p.kinds, *k)) p.kinds.push_back(*k);
    }
  }
  for (const char* key : {"fine", "confiscation"}) {
    if (!j.contains(key) || j[key].is_null()) continue;
    if (!j[key].is_number_integer()) {
      return Err(ErrorCode::kWrongType, field + "." + key + " 应为整数（分）",
                 field + "." + key + " must be an integer (fen)", field + "." + key);
    }
    Fen v = j[key].get<int64_t>();
    if (v < 0) {
      return Err(ErrorCode::kInvalidArgument, "金额不能为负数（单位：分）",
                 "amounts must not be negative (fen)", field + "." + key);
    }
    (std::string_view(key) == "fine" ? p.fine : p.confiscation) = v;
  }
  return p;
}

bool Heavier(const Penalty& a, const Penalty& b) {
  if (a.fine > b.fine || a.confiscation > b.confiscation) return true;
  for (auto k : a.kinds) {
    if (HasKind(b.kinds, k)) continue;
    if (k == PenaltyKind::kWarning || k == PenaltyKind::kCriticism) {
      if (b.empty()) return true;
      continue;
    }
    return true;
  }
  return false;
}

namespace {
void DateText(core::JsonWriter& w, const std::optional<Date>& d) {
  if (d) {
    w.String(core::FormatDate(*d));
  } else {
    w.Null();
  }
}
void IdsText(core::JsonWriter& w, const std::vector<int64_t>& ids) {
  w.BeginArray();
  for (int64_t id : ids) w.Int(id);
  w.EndArray();
}
}  // namespace

std::string CaseSnapshot::ToText() const {
  core::JsonWriter w;
  w.BeginObject();
  w.Key("procedure").String(ProcedureId(procedure));
  w.Key("state").String(StateId(state));
  w.Key("party_kind").String(PartyKindId(party_kind));
  w.Key("act_date").String(core::FormatDate(act_date));
  w.Key("act_end_date");
  DateText(w, act_end_date);
  w.Key("discovered_date").String(core::FormatDate(discovered_date));
  w.Key("safety_harm").Bool(safety_harm);
  w.Key("matter_review").Bool(matter_review);
  w.Key("filed_date");
  DateText(w, filed_date);
  w.Key("officers");
  IdsText(w, officers);
  w.Key("recused");
  IdsText(w, recused);
  w.Key("investigators");
  IdsText(w, investigators);
  w.Key("investigation_steps").Int(investigation_steps);
  w.Key("compulsion_steps").Int(compulsion_steps);
  w.Key("non_coercive_steps").Int(non_coercive_steps);
  w.Key("proposed_outcome");
  if (proposed_outcome) {
    w.String(OutcomeId(*proposed_outcome));
  } else {
    w.Null();
  }
  w.Key("proposal").Raw(proposal.ToJson().dump());
  w.Key("proposal_reason").String(proposal_reason);
  w.Key("outside_range").Bool(outside_range);
  w.Key("complex").Bool(complex);
  w.Key("major_interest").Bool(major_interest);
  w.Key("major_violation").Bool(major_violation);
  w.Key("reviewed").Bool(reviewed);
  w.Key("stated").Bool(stated);
  w.Key("waived").Bool(waived);
  w.Key("hearing_waived").Bool(hearing_waived);
  w.Key("review").String(ReviewStatusId(review));
  w.Key("review_round").Int(review_round);
  w.Key("discussed").Bool(discussed);
  w.Key("extension_days").Int(extension_days);
  w.Key("served_date");
  DateText(w, served_date);
  w.Key("executed_date");
  DateText(w, executed_date);
  w.Key("filing_reported").Bool(filing_reported);
  w.Key("closed_date");
  DateText(w, closed_date);
  w.Key("archived").Bool(archived);
  w.Key("published").Bool(published);
  w.Key("notice");
  if (notice) {
    w.BeginObject();
    w.Key("date").String(core::FormatDate(notice->date));
    w.Key("penalty").Raw(notice->penalty.ToJson().dump());
    w.Key("hearing_right").Bool(notice->hearing_right);
    w.EndObject();
  } else {
    w.Null();
  }
  w.Key("hearing").BeginObject();
  w.Key("requested");
  DateText(w, hearing.requested);
  w.Key("notice_date");
  DateText(w, hearing.notice_date);
  w.Key("hearing_date");
  DateText(w, hearing.hearing_date);
  w.Key("presider_id").Int(hearing.presider_id);
  w.Key("held").Bool(hearing.held);
  w.Key("attended").Bool(hearing.attended);
  w.EndObject();
  w.Key("decision");
  if (decision) {
    w.BeginObject();
    w.Key("outcome").String(OutcomeId(decision->outcome));
    w.Key("penalty").Raw(decision->penalty.ToJson().dump());
    w.Key("date").String(core::FormatDate(decision->date));
    w.Key("overdue").Bool(decision->overdue);
    w.EndObject();
  } else {
    w.Null();
  }
  w.EndObject();
  return w.Take();
}

json CaseSnapshot::ToJson() const { return json::parse(ToText()); }

namespace {

// Reads the stored text value by value (core::JsonReader): the step path reads a snapshot per
// step, and a nlohmann::json document of it cost more than the rule (bench/README.md "Cases").
// Keys it does not know are skipped; a value of the wrong type, or an enum or a required date it
// cannot read, makes the whole text unreadable.
class SnapshotIn {
 public:
  explicit SnapshotIn(std::string_view text) : r(text) {}
  core::JsonReader r;

  // Why the text is unreadable beyond the reader's own error, if it is.
  const std::string& bad() const { return bad_; }
  bool Bad(std::string what) {
    if (bad_.empty()) bad_ = std::move(what);
    return false;
  }
  template <class E, class Parse>
  bool Enum(E& out, Parse parse, const char* key) {
    if (!r.String(buf_)) return false;
    auto v = parse(buf_);
    if (!v) return Bad(std::string(key) + ": " + buf_);
    out = *v;
    return true;
  }
  bool Day(Date& out, const char* key) {
    if (!r.String(buf_)) return false;
    auto d = core::ParseDate(buf_);
    if (!d) return Bad(std::string(key) + ": " + buf_);
    out = *d;
    return true;
  }
  // null, or a date (one that does not read is no date, as before).
  bool OptDay(std::optional<Date>& out) {
    out.reset();
    if (r.Null()) return true;
    if (!r.String(buf_)) return false;
    if (auto d = core::ParseDate(buf_)) out = *d;
    return true;
  }
  bool Count(int& out) {
    int64_t v = 0;
    if (!r.Int(v)) return false;
    if (v < INT32_MIN || v > INT32_MAX) return Bad("count out of range: " + std::to_string(v));
    out = static_cast<int>(v);
    return true;
  }
  bool Ids(std::vector<int64_t>& out) {
    out.clear();
    if (r.Null()) return true;
    if (!r.BeginArray()) return false;
    while (r.NextElement()) {
      int64_t v = 0;
      if (!r.Int(v)) return false;
      out.push_back(v);
    }
    return r.ok();
  }
  // A penalty as Penalty::ToJson writes it, read by PenaltyFromJson (one reader of penalties);
  // one it refuses is no penalty, as before.
  bool Pen(Penalty& out) {
    std::string_view raw;
    if (!r.Raw(raw)) return false;
    auto p = PenaltyFromJson(json::parse(raw, nullptr, false), "penalty");
    out = p ? *p : Penalty{};
    return true;
  }
  bool Notice(std::optional<cases::Notice>& out) {
    out.reset();
    if (r.Null()) return true;
    cases::Notice n;
    bool date = false, penalty = false;
    std::string_view key;
    if (!r.BeginObject()) return false;
    while (r.NextKey(key)) {
      bool ok = true;
      if (key == "date") {
        ok = date = Day(n.date, "notice.date");
      } else if (key == "penalty") {
        ok = penalty = Pen(n.penalty);
      } else if (key == "hearing_right") {
        ok = r.Bool(n.hearing_right);
      } else {
        ok = r.Skip();
      }
      if (!ok) return false;
    }
    if (!r.ok()) return false;
    if (!date || !penalty) return Bad("notice without its date or penalty");
    out = n;
    return true;
  }
  bool Hearing(HearingState& out) {
    out = HearingState{};
    if (r.Null()) return true;
    std::string_view key;
    if (!r.BeginObject()) return false;
    while (r.NextKey(key)) {
      bool ok = true;
      if (key == "requested") {
        ok = OptDay(out.requested);
      } else if (key == "notice_date") {
        ok = OptDay(out.notice_date);
      } else if (key == "hearing_date") {
        ok = OptDay(out.hearing_date);
      } else if (key == "presider_id") {
        ok = r.Int(out.presider_id);
      } else if (key == "held") {
        ok = r.Bool(out.held);
      } else if (key == "attended") {
        ok = r.Bool(out.attended);
      } else {
        ok = r.Skip();
      }
      if (!ok) return false;
    }
    return r.ok();
  }
  bool Decision(std::optional<cases::Decision>& out) {
    out.reset();
    if (r.Null()) return true;
    cases::Decision d;
    bool outcome = false, penalty = false, date = false;
    std::string_view key;
    if (!r.BeginObject()) return false;
    while (r.NextKey(key)) {
      bool ok = true;
      if (key == "outcome") {
        ok = outcome = Enum(d.outcome, ParseOutcome, "decision.outcome");
      } else if (key == "penalty") {
        ok = penalty = Pen(d.penalty);
      } else if (key == "date") {
        ok = date = Day(d.date, "decision.date");
      } else if (key == "overdue") {
        ok = r.Bool(d.overdue);
      } else {
        ok = r.Skip();
      }
      if (!ok) return false;
    }
    if (!r.ok()) return false;
    if (!outcome || !penalty || !date) return Bad("decision without its outcome, penalty or date");
    out = d;
    return true;
  }

 private:
  std::string buf_;
  std::string bad_;
};

}  // namespace

core::Result<CaseSnapshot> CaseSnapshot::FromText(std::string_view text) {
  CaseSnapshot s;
  SnapshotIn in(text);
  core::JsonReader& r = in.r;
  // The five values every snapshot has; the others default when absent.
  bool procedure = false, state = false, party_kind = false, act_date = false, discovered = false;
  std::string_view key;
  if (r.BeginObject()) {
    while (r.NextKey(key)) {
      bool ok = true;
      if (key == "procedure") {
        ok = procedure = in.Enum(s.procedure, ParseProcedure, "procedure");
      } else if (key == "state") {
        ok = state = in.Enum(s.state, ParseState, "state");
      } else if (key == "party_kind") {
        ok = party_kind = in.Enum(s.party_kind, ParsePartyKind, "party_kind");
      } else if (key == "act_date") {
        ok = act_date = in.Day(s.act_date, "act_date");
      } else if (key == "act_end_date") {
        ok = in.OptDay(s.act_end_date);
      } else if (key == "discovered_date") {
        ok = discovered = in.Day(s.discovered_date, "discovered_date");
      } else if (key == "safety_harm") {
        ok = r.Bool(s.safety_harm);
      } else if (key == "matter_review") {
        ok = r.Bool(s.matter_review);
      } else if (key == "filed_date") {
        ok = in.OptDay(s.filed_date);
      } else if (key == "officers") {
        ok = in.Ids(s.officers);
      } else if (key == "recused") {
        ok = in.Ids(s.recused);
      } else if (key == "investigators") {
        ok = in.Ids(s.investigators);
      } else if (key == "investigation_steps") {
        ok = in.Count(s.investigation_steps);
      } else if (key == "compulsion_steps") {
        ok = in.Count(s.compulsion_steps);
      } else if (key == "non_coercive_steps") {
        ok = in.Count(s.non_coercive_steps);
      } else if (key == "proposed_outcome") {
        // null, or an outcome (one that does not read is none, as before)
        std::string v;
        s.proposed_outcome.reset();
        if (!r.Null()) {
          ok = r.String(v);
          if (ok) s.proposed_outcome = ParseOutcome(v);
        }
      } else if (key == "proposal") {
        ok = in.Pen(s.proposal);
      } else if (key == "proposal_reason") {
        ok = r.String(s.proposal_reason);
      } else if (key == "outside_range") {
        ok = r.Bool(s.outside_range);
      } else if (key == "complex") {
        ok = r.Bool(s.complex);
      } else if (key == "major_interest") {
        ok = r.Bool(s.major_interest);
      } else if (key == "major_violation") {
        ok = r.Bool(s.major_violation);
      } else if (key == "reviewed") {
        ok = r.Bool(s.reviewed);
      } else if (key == "stated") {
        ok = r.Bool(s.stated);
      } else if (key == "waived") {
        ok = r.Bool(s.waived);
      } else if (key == "hearing_waived") {
        ok = r.Bool(s.hearing_waived);
      } else if (key == "review") {
        std::string v;
        ok = r.String(v);
        s.review = Parse(kReviews, v).value_or(ReviewStatus::kNone);
      } else if (key == "review_round") {
        ok = in.Count(s.review_round);
      } else if (key == "discussed") {
        ok = r.Bool(s.discussed);
      } else if (key == "extension_days") {
        ok = in.Count(s.extension_days);
      } else if (key == "served_date") {
        ok = in.OptDay(s.served_date);
      } else if (key == "executed_date") {
        ok = in.OptDay(s.executed_date);
      } else if (key == "filing_reported") {
        ok = r.Bool(s.filing_reported);
      } else if (key == "closed_date") {
        ok = in.OptDay(s.closed_date);
      } else if (key == "archived") {
        ok = r.Bool(s.archived);
      } else if (key == "published") {
        ok = r.Bool(s.published);
      } else if (key == "notice") {
        ok = in.Notice(s.notice);
      } else if (key == "hearing") {
        ok = in.Hearing(s.hearing);
      } else if (key == "decision") {
        ok = in.Decision(s.decision);
      } else {
        ok = r.Skip();
      }
      if (!ok) break;
    }
  }
  std::string why = in.bad();
  if (why.empty() && !r.Finish()) why = r.error();
  if (why.empty() && !(procedure && state && party_kind && act_date && discovered)) {
    why = "procedure, state, party_kind, act_date and discovered_date are required";
  }
  if (!why.empty()) {
    return Err(ErrorCode::kInternal, "案件状态数据无法读取: " + why,
               "unreadable case state: " + why);
  }
  return s;
}

// ---- gates ----------------------------------------------------------------------------------

Status CheckOfficers(const std::vector<OfficerFact>& officers, const std::vector<int64_t>& recused,
                     std::string_view field, bool compulsion) {
  const std::string art = compulsion ? Xzqz("第18条") : Xzcf("第42条、第55条");
  std::vector<int64_t> distinct;
  for (size_t i = 0; i < officers.size(); ++i) {
    const auto& o = officers[i];
    const std::string f = std::string(field) + "[" + std::to_string(i) + "]";
    if (Contains(recused, o.id)) {
      return Refuse(ErrorCode::kInvalidArgument, "officer_recused", Xzcf("第43条"),
                    "执法人员" + o.name + "已决定回避，不得参与本案",
                    "officer " + o.name + " has been recused from this case", f);
    }
    if (!o.credential_valid) {
      return Refuse(ErrorCode::kInvalidArgument, "credential_invalid", Xzcf("第42条"),
                    "执法人员" + o.name + "在该日期没有有效的执法证件",
                    "officer " + o.name + " holds no valid enforcement credential on that date", f);
    }
    AddUnique(distinct, o.id);
  }
  if (distinct.size() < 2) {
    return Refuse(
        ErrorCode::kInvalidArgument, "two_officers", art,
        "执法人员不得少于两人（现有 " + std::to_string(distinct.size()) + " 人）",
        "at least two officers are required (" + std::to_string(distinct.size()) + " given)",
        std::string(field));
  }
  return core::Ok();
}

LimitationInfo Limitation(const CaseSnapshot& s) {
  LimitationInfo l;
  l.start = s.act_end_date ? *s.act_end_date : s.act_date;
  l.years = s.safety_harm ? 5 : 2;
  l.last_day = calendar::AddYears(l.start, l.years);
  return l;
}

Status CheckLimitation(const CaseSnapshot& s) {
  const LimitationInfo l = Limitation(s);
  if (s.discovered_date > l.last_day) {
    return Refuse(ErrorCode::kConflict, "limitation", Xzcf("第36条"),
                  "违法行为在" + std::to_string(l.years) + "年内（至 " +
                      core::FormatDate(l.last_day) + "）未被发现，不再给予行政处罚",
                  "the act was not discovered within " + std::to_string(l.years) + " years (by " +
                      core::FormatDate(l.last_day) + "): no penalty may be imposed",
                  "discovered_date");
  }
  return core::Ok();
}

std::vector<Reason> HearingTriggers(const Penalty& p, PartyKind party, const CaseParams& params) {
  std::vector<Reason> out;
  const bool person = party == PartyKind::kPerson;
  const Fen fine_min = person ? params.hearing_fine_person : params.hearing_fine_organisation;
  const Fen conf_min =
      person ? params.hearing_confiscation_person : params.hearing_confiscation_organisation;
  const std::string art = Xzcf("第63条第1款");
  if (p.fine > 0 && p.fine >= fine_min) {
    out.push_back(
        {"large_fine", "较大数额罚款（" + Yuan(p.fine) + " 元，不低于 " + Yuan(fine_min) + " 元）",
         "a large fine (" + Yuan(p.fine) + " ≥ " + Yuan(fine_min) + " yuan)", art + "第1项"});
  }
  if (p.confiscation > 0 && p.confiscation >= conf_min) {
    out.push_back({"large_confiscation",
                   "没收较大数额违法所得、较大价值非法财物（" + Yuan(p.confiscation) + " 元）",
                   "confiscation of a large value (" + Yuan(p.confiscation) + " yuan)",
                   art + "第2项"});
  }
  if (HasKind(p.kinds, PenaltyKind::kLowerQualification) ||
      HasKind(p.kinds, PenaltyKind::kRevokeLicence)) {
    out.push_back({"qualification_or_licence", "降低资质等级、吊销许可证件",
                   "lowering a qualification or revoking a licence", art + "第3项"});
  }
  if (HasKind(p.kinds, PenaltyKind::kSuspendBusiness) || HasKind(p.kinds, PenaltyKind::kClose) ||
      HasKind(p.kinds, PenaltyKind::kRestrictPractice)) {
    out.push_back({"suspension_or_closure", "责令停产停业、责令关闭、限制从业",
                   "suspension, closure or restriction of practice", art + "第4项"});
  }
  if (HasKind(p.kinds, PenaltyKind::kRestrictBusiness) ||
      HasKind(p.kinds, PenaltyKind::kSuspendLicence)) {
    out.push_back({"other_heavy", "其他较重的行政处罚（限制开展生产经营活动、暂扣许可证件）",
                   "another heavy penalty (restriction of business, suspension of a licence)",
                   art + "第5项"});
  }
  return out;
}

const Penalty& IntendedPenalty(const CaseSnapshot& s) {
  return s.notice ? s.notice->penalty : s.proposal;
}

std::vector<Reason> LegalReviewReasons(const CaseSnapshot& s, const CaseParams& params) {
  std::vector<Reason> out;
  if (s.procedure != Procedure::kOrdinary) return out;
  if (s.proposed_outcome == Outcome::kTransfer) return out;
  const std::string art = Xzcf("第58条第1款");
  if (s.major_interest) {
    out.push_back(
        {"major_interest", "涉及重大公共利益", "involves major public interest", art + "第1项"});
  }
  if (s.hearing.held) {
    out.push_back({"hearing", "直接关系当事人重大权益，经过听证程序",
                   "concerns major rights of the party and went through a hearing", art + "第2项"});
  }
  if (s.complex) {
    out.push_back({"complex", "案件情况疑难复杂、涉及多个法律关系",
                   "complex facts or several legal relationships", art + "第3项"});
  }
  if (s.matter_review) {
    out.push_back({"catalogue", "事项列入本部门重大执法决定法制审核目录",
                   "the matter is in the department's legal review catalogue",
                   art + "第4项；国办发〔2018〕118号"});
  }
  if (s.outside_range) {
    out.push_back({"outside_range", "处罚超出裁量基准幅度",
                   "the penalty leaves the benchmark range", Xzcf("第34条")});
  }
  if (params.legal_review_all_penalties && s.proposed_outcome == Outcome::kPenalty) {
    out.push_back({"all_penalties", "本地规定普通程序处罚决定一律法制审核",
                   "local rule: every ordinary-procedure penalty is reviewed", art + "第4项"});
  }
  return out;
}

bool LegalReviewRequired(const CaseSnapshot& s, const CaseParams& params) {
  return !LegalReviewReasons(s, params).empty();
}

bool DiscussionRequired(const CaseSnapshot& s, const CaseParams& params) {
  if (s.procedure != Procedure::kOrdinary) return false;
  if (s.proposed_outcome != Outcome::kPenalty) return false;
  if (s.complex || s.major_violation) return true;
  return params.discussion_when_hearing_triggered &&
         !HearingTriggers(IntendedPenalty(s), s.party_kind, params).empty();
}

std::vector<Error> DecisionBlockers(const CaseSnapshot& s, Outcome outcome,
                                    const StepContext& ctx) {
  std::vector<Error> out;
  if (outcome == Outcome::kTransfer) return out;  // 第27条: transfer at once, no notice
  if (outcome == Outcome::kPenalty) {
    if (!s.notice && !s.waived) {
      out.push_back(Refuse(ErrorCode::kConflict, "notice_required", Xzcf("第44条、第62条"),
                           "作出行政处罚决定前，须告知当事人拟作处罚的事实、理由、依据及陈述、"
                           "申辩、要求听证的权利（当事人书面放弃的除外）",
                           "no penalty decision without a recorded pre-decision notice, unless "
                           "the party waived in writing"));
    }
    if (s.notice && !s.stated && !s.waived && ctx.cal) {
      auto due = Deadline("penalty.statement", s.notice->date, ctx, ctx.statement_override);
      if (due && ctx.today <= due->due_date) {
        out.push_back(Refuse(ErrorCode::kConflict, "statement_period_open", Xzcf("第44条、第45条"),
                             "陈述、申辩期限至 " + core::FormatDate(due->due_date) +
                                 " 届满；当事人尚未陈述申辩或书面放弃",
                             "the statement period runs until " + core::FormatDate(due->due_date) +
                                 "; the party has neither stated nor waived"));
      }
    }
    if (s.notice && s.notice->hearing_right && !s.hearing_waived) {
      if (s.hearing.requested && !s.hearing.held) {
        out.push_back(Refuse(ErrorCode::kConflict, "hearing_pending", Xzcf("第64条、第65条"),
                             "当事人已申请听证，听证结束前不得作出决定",
                             "the party requested a hearing: no decision before it is held"));
      } else if (!s.hearing.requested && ctx.cal) {
        auto due = Deadline("penalty.hearing_request", s.notice->date, ctx);
        if (due && ctx.today <= due->due_date) {
          out.push_back(Refuse(
              ErrorCode::kConflict, "hearing_window_open", Xzcf("第64条第1项、第85条"),
              "申请听证期限（告知后五个工作日）至 " + core::FormatDate(due->due_date) + " 届满",
              "the hearing request window (5 working days after the notice) "
              "runs until " +
                  core::FormatDate(due->due_date)));
        }
      }
    }
  }
  if (s.procedure == Procedure::kOrdinary) {
    if (s.review == ReviewStatus::kPending) {
      out.push_back(Refuse(ErrorCode::kConflict, "legal_review_required", Xzcf("第58条"),
                           "法制审核尚未完成，不得作出决定",
                           "the legal review is not finished: no decision may be made"));
    } else if (s.review == ReviewStatus::kAmend || s.review == ReviewStatus::kDisagreed) {
      out.push_back(Refuse(ErrorCode::kConflict, "legal_review_required", Xzcf("第58条"),
                           "法制审核未通过，须按审核意见修改并重新提交审核",
                           "the legal review did not pass: amend and resubmit"));
    } else if (s.review != ReviewStatus::kAgreed && LegalReviewRequired(s, ctx.params)) {
      std::string zh, en;
      for (const auto& r : LegalReviewReasons(s, ctx.params)) {
        zh += (zh.empty() ? "" : "；") + r.zh;
        en += (en.empty() ? "" : "; ") + r.en;
      }
      out.push_back(Refuse(ErrorCode::kConflict, "legal_review_required", Xzcf("第58条"),
                           "本案须经法制审核（" + zh + "），未经审核不得作出决定",
                           "legal review is required (" + en + ") before the decision"));
    }
  }
  if (outcome == Outcome::kPenalty) {
    if (DiscussionRequired(s, ctx.params) && !s.discussed) {
      out.push_back(Refuse(ErrorCode::kConflict, "collective_discussion_required",
                           Xzcf("第57条第2款"),
                           "情节复杂或者重大违法行为给予行政处罚，须由行政机关负责人集体讨论决定",
                           "complex or major cases need a collective discussion by the agency "
                           "heads"));
    }
    if (auto st = CheckLimitation(s); !st) out.push_back(st.error());
  }
  return out;
}

// ---- the state machine ----------------------------------------------------------------------

namespace {

bool In(State s, std::initializer_list<State> set) {
  return std::find(set.begin(), set.end(), s) != set.end();
}

constexpr std::initializer_list<State> kOpenBeforeDecision = {
    State::kLead,    State::kInvestigation, State::kReview,   State::kNotice,
    State::kHearing, State::kLegalReview,   State::kAmending, State::kPendingDecision};
constexpr std::initializer_list<State> kFiledBeforeDecision = {
    State::kInvestigation, State::kReview,   State::kNotice,         State::kHearing,
    State::kLegalReview,   State::kAmending, State::kPendingDecision};

// The state part of each step's precondition.
bool StateAllows(const CaseSnapshot& s, StepKind k) {
  const State st = s.state;
  const bool ordinary = s.procedure == Procedure::kOrdinary;
  switch (k) {
    case StepKind::kFile:
    case StepKind::kNotFile:
      return ordinary && st == State::kLead;
    case StepKind::kAssignOfficers:
    case StepKind::kRecusal:
      return ordinary && In(st, kOpenBeforeDecision);
    case StepKind::kInvestigate:
    case StepKind::kCompulsion:
    case StepKind::kConcludeInvestigation:
      return ordinary && st == State::kInvestigation;
    case StepKind::kNonCoercive:
      return !In(st, {State::kNotFiled, State::kClosed, State::kArchived});
    case StepKind::kReviewCase:
      return ordinary && st == State::kReview;
    case StepKind::kNotify:
    case StepKind::kSubmitReview:
    case StepKind::kDiscuss:
      return ordinary && In(st, {State::kReview, State::kNotice, State::kPendingDecision});
    case StepKind::kWaive:
      return ordinary &&
             In(st, {State::kReview, State::kNotice, State::kHearing, State::kPendingDecision});
    case StepKind::kStatement:
      return ordinary && In(st, {State::kNotice, State::kHearing, State::kPendingDecision});
    case StepKind::kRequestHearing:
      return ordinary && st == State::kNotice;
    case StepKind::kScheduleHearing:
    case StepKind::kHoldHearing:
      return ordinary && st == State::kHearing;
    case StepKind::kReviewOpinion:
      return ordinary && st == State::kLegalReview;
    case StepKind::kAmend:
      return ordinary && st == State::kAmending;
    case StepKind::kExtend:
      return ordinary && In(st, kFiledBeforeDecision);
    case StepKind::kDecide:
      return ordinary && In(st, {State::kInvestigation, State::kReview, State::kNotice,
                                 State::kPendingDecision});
    case StepKind::kServe:
      return ordinary && st == State::kDecided;
    case StepKind::kExecute:
      return st == State::kServed;
    case StepKind::kReportFiling:
      return !ordinary && In(st, {State::kServed, State::kExecuted});
    case StepKind::kClose:
      return In(st, {State::kDecided, State::kServed, State::kExecuted});
    case StepKind::kArchive:
      return st == State::kClosed;
  }
  return false;
}

// Further structural conditions, for the list of steps offered (each step refuses with its own
// rule when taken anyway).
bool Offered(const CaseSnapshot& s, StepKind k) {
  if (!StateAllows(s, k)) return false;
  const bool penalty_proposed = s.proposed_outcome == Outcome::kPenalty;
  switch (k) {
    case StepKind::kNotify:
      return (s.state != State::kReview || s.reviewed) && !s.notice && penalty_proposed;
    case StepKind::kSubmitReview:
      return (s.state != State::kReview || s.reviewed) && s.review != ReviewStatus::kPending &&
             s.review != ReviewStatus::kAgreed && s.proposed_outcome &&
             *s.proposed_outcome != Outcome::kTransfer;
    case StepKind::kDiscuss:
      return (s.state != State::kReview || s.reviewed) && !s.discussed && penalty_proposed;
    case StepKind::kWaive:
      return (s.state != State::kReview || s.reviewed) && penalty_proposed &&
             !(s.waived && s.hearing_waived);
    case StepKind::kStatement:
      return s.notice.has_value();
    case StepKind::kRequestHearing:
      return s.notice && s.notice->hearing_right && !s.hearing.requested && !s.hearing_waived;
    case StepKind::kScheduleHearing:
      return !s.hearing.held;
    case StepKind::kHoldHearing:
      return s.hearing.hearing_date.has_value() && !s.hearing.held;
    case StepKind::kReviewCase:
      return !s.reviewed;
    case StepKind::kDecide:
      return s.state != State::kReview || s.reviewed;
    case StepKind::kServe:
      return s.decision && s.decision->outcome != Outcome::kTransfer;
    case StepKind::kExecute:
      return s.decision && s.decision->outcome == Outcome::kPenalty && !s.executed_date;
    case StepKind::kReportFiling:
      return !s.filing_reported;
    case StepKind::kClose:
      if (!s.decision) return false;
      if (s.state == State::kDecided) return s.decision->outcome == Outcome::kTransfer;
      if (s.state == State::kServed) {
        return s.decision->outcome != Outcome::kPenalty || !NeedsExecution(s.decision->penalty);
      }
      return true;
    case StepKind::kConcludeInvestigation:
      return s.investigation_steps > 0;
    default:
      return true;
  }
}

}  // namespace

Status CheckState(const CaseSnapshot& s, StepKind k) {
  if (StateAllows(s, k)) return core::Ok();
  const bool simplified = s.procedure == Procedure::kSimplified;
  return Refuse(ErrorCode::kConflict, "step_order", kProcedureChapter,
                std::string(simplified ? "简易程序案件" : "案件") + "处于「" + StateZh(s.state) +
                    "」，不能进行「" + Info(k).name_zh + "」",
                std::string("the case is ") + StateEn(s.state) + " (" + ProcedureId(s.procedure) +
                    " procedure): step " + StepId(k) + " is not possible now",
                "step");
}

std::vector<StepKind> AllowedSteps(const CaseSnapshot& s) {
  std::vector<StepKind> out;
  for (auto k : AllSteps())
    if (Offered(s, k)) out.push_back(k);
  return out;
}

// ---- the steps ------------------------------------------------------------------------------

Status StepFile(CaseSnapshot& s, const FileInput& in, const StepContext& ctx) {
  ZHIFA_TRY(CheckState(s, StepKind::kFile));
  ZHIFA_TRY(CheckDate(in.date, ctx, "date", s.discovered_date, "发现日期", "the discovery date"));
  ZHIFA_TRY(CheckOfficers(in.officers, s.recused, "officer_ids"));
  ZHIFA_TRY(CheckLimitation(s));
  s.filed_date = in.date;
  s.officers.clear();
  for (const auto& o : in.officers) AddUnique(s.officers, o.id);
  s.state = State::kInvestigation;
  return core::Ok();
}

Status StepNotFile(CaseSnapshot& s, const NotFileInput& in, const StepContext& ctx) {
  ZHIFA_TRY(CheckState(s, StepKind::kNotFile));
  ZHIFA_TRY(CheckDate(in.date, ctx, "date", s.discovered_date, "发现日期", "the discovery date"));
  ZHIFA_TRY(CheckText(in.reason, "reason", "不予立案理由", "the reason"));
  s.state = State::kNotFiled;
  return core::Ok();
}

Status StepAssignOfficers(CaseSnapshot& s, const AssignInput& in, const StepContext& ctx) {
  ZHIFA_TRY(CheckState(s, StepKind::kAssignOfficers));
  ZHIFA_TRY(CheckOfficers(in.officers, s.recused, "officer_ids"));
  s.officers.clear();
  for (const auto& o : in.officers) AddUnique(s.officers, o.id);
  return core::Ok();
}

Status StepInvestigate(CaseSnapshot& s, const InvestigateInput& in, const StepContext& ctx) {
  ZHIFA_TRY(CheckState(s, StepKind::kInvestigate));
  ZHIFA_TRY(CheckDate(in.date, ctx, "date", s.filed_date, "立案日期", "the filing date"));
  ZHIFA_TRY(CheckOfficers(in.officers, s.recused, "officer_ids"));
  if (!in.credentials_shown) {
    return Refuse(ErrorCode::kInvalidArgument, "credentials_shown", Xzcf("第55条"),
                  "调查或者检查时，执法人员应当主动向当事人或者有关人员出示执法证件",
                  "officers must show their credentials during investigation", "credentials_shown");
  }
  ZHIFA_TRY(CheckText(in.summary, "summary", "笔录摘要", "the summary"));
  for (const auto& o : in.officers) AddUnique(s.investigators, o.id);
  ++s.investigation_steps;
  return core::Ok();
}

Status StepCompulsion(CaseSnapshot& s, const CompulsionInput& in, const StepContext& ctx) {
  ZHIFA_TRY(CheckState(s, StepKind::kCompulsion));
  ZHIFA_TRY(CheckDate(in.date, ctx, "date", s.filed_date, "立案日期", "the filing date"));
  ZHIFA_TRY(CheckOfficers(in.officers, s.recused, "officer_ids", true));
  if (!in.approved) {
    return Refuse(ErrorCode::kInvalidArgument, "compulsion_approval", Xzqz("第18条第1项"),
                  "实施行政强制措施前须向行政机关负责人报告并经批准",
                  "a compulsory measure needs the agency head's prior approval", "approved");
  }
  if (MeasureNeedsAudioVideo(in.measure) && in.audio_video_evidence == 0) {
    return Refuse(ErrorCode::kInvalidArgument, "audio_video_required",
                  "行动方案第31项；国办发〔2018〕118号",
                  std::string("「") + ZhOf(kMeasures, in.measure) +
                      "」须全程音像记录：请附该环节的音视频证据",
                  std::string("a ") + EnOf(kMeasures, in.measure) +
                      " must be recorded in audio-video: attach its audio or video evidence",
                  "evidence_ids");
  }
  ZHIFA_TRY(CheckText(in.summary, "summary", "现场笔录摘要", "the summary"));
  for (const auto& o : in.officers) AddUnique(s.investigators, o.id);
  ++s.compulsion_steps;
  return core::Ok();
}

Status StepNonCoercive(CaseSnapshot& s, const NonCoerciveInput& in, const StepContext& ctx) {
  ZHIFA_TRY(CheckState(s, StepKind::kNonCoercive));
  ZHIFA_TRY(CheckDate(in.date, ctx, "date"));
  ZHIFA_TRY(CheckText(in.note, "note", "情况说明", "the note"));
  ++s.non_coercive_steps;
  return core::Ok();
}

Status StepRecusal(CaseSnapshot& s, const RecusalInput& in, const StepContext& ctx) {
  ZHIFA_TRY(CheckState(s, StepKind::kRecusal));
  ZHIFA_TRY(CheckDate(in.date, ctx, "date"));
  if (!Contains(s.officers, in.officer_id) && !Contains(s.investigators, in.officer_id)) {
    return Err(ErrorCode::kInvalidArgument, "该执法人员不是本案办案人员",
               "the officer does not work on this case", "officer_id");
  }
  if (in.applicant != "party" && in.applicant != "officer" && in.applicant != "agency") {
    return Err(ErrorCode::kInvalidArgument, "申请人应为 party、officer 或 agency",
               "applicant must be party, officer or agency", "applicant");
  }
  ZHIFA_TRY(CheckText(in.reason, "reason", "理由", "the reason"));
  if (in.granted) {
    s.officers.erase(std::remove(s.officers.begin(), s.officers.end(), in.officer_id),
                     s.officers.end());
    AddUnique(s.recused, in.officer_id);
  }
  return core::Ok();
}

Status StepConclude(CaseSnapshot& s, const ConcludeInput& in, const StepContext& ctx) {
  ZHIFA_TRY(CheckState(s, StepKind::kConcludeInvestigation));
  ZHIFA_TRY(CheckDate(in.date, ctx, "date", s.filed_date, "立案日期", "the filing date"));
  if (s.investigation_steps == 0) {
    return Refuse(ErrorCode::kConflict, "investigation_missing", Xzcf("第54条、第55条"),
                  "尚无调查取证记录，不能调查终结",
                  "no investigation has been recorded: the investigation cannot conclude");
  }
  ZHIFA_TRY(CheckOutcomePenalty(in.outcome, in.penalty));
  ZHIFA_TRY(CheckText(in.report, "report", "调查终结报告", "the investigation report"));
  bool outside = false;
  if (in.outcome == Outcome::kPenalty || in.outcome == Outcome::kNoPenalty) {
    auto o = ApplyDiscretion(in.discretion, in.reason);
    if (!o) return o.error();
    outside = *o;
  }
  s.proposed_outcome = in.outcome;
  s.proposal = in.penalty;
  s.proposal_reason = in.reason;
  s.outside_range = outside;
  s.complex = in.complex;
  s.major_interest = in.major_interest;
  s.major_violation = in.major_violation;
  s.reviewed = false;
  s.state = State::kReview;
  return core::Ok();
}

Status StepReviewCase(CaseSnapshot& s, const ReviewCaseInput& in, const StepContext& ctx) {
  ZHIFA_TRY(CheckState(s, StepKind::kReviewCase));
  ZHIFA_TRY(CheckDate(in.date, ctx, "date", s.filed_date, "立案日期", "the filing date"));
  if (s.reviewed) {
    return Refuse(ErrorCode::kConflict, "step_order", kProcedureChapter, "案件审查已完成",
                  "the case review is already done", "step");
  }
  ZHIFA_TRY(CheckText(in.opinion, "opinion", "审查意见", "the opinion"));
  if (in.agree) {
    s.reviewed = true;
  } else {
    s.state = State::kInvestigation;
  }
  return core::Ok();
}

Status StepNotify(CaseSnapshot& s, const NotifyInput& in, const StepContext& ctx) {
  ZHIFA_TRY(CheckState(s, StepKind::kNotify));
  if (s.state == State::kReview && !s.reviewed) {
    return Refuse(ErrorCode::kConflict, "case_review_required", Xzcf("第57条第1款"),
                  "调查终结后须经案件审查，方可告知",
                  "the investigation result must be reviewed before the notice");
  }
  if (s.proposed_outcome != Outcome::kPenalty) {
    return Refuse(ErrorCode::kConflict, "notice_for_penalty", Xzcf("第44条"),
                  "事先告知适用于拟作出的行政处罚决定；本案拟作结论不是处罚",
                  "the pre-decision notice is for an intended penalty; this case proposes none");
  }
  if (s.notice) {
    return Refuse(ErrorCode::kConflict, "step_order", kProcedureChapter, "已告知当事人",
                  "the party was already notified", "step");
  }
  ZHIFA_TRY(CheckDate(in.date, ctx, "date", s.filed_date, "立案日期", "the filing date"));
  const std::string art = Xzcf("第44条");
  for (auto [v, f, zh, en] : {std::tuple{&in.facts, "facts", "拟作处罚的事实", "the facts"},
                              std::tuple{&in.reasons, "reasons", "理由", "the reasons"},
                              std::tuple{&in.basis, "basis", "依据", "the legal basis"}}) {
    if (Blank(*v)) {
      return Refuse(ErrorCode::kInvalidArgument, "notice_content", art,
                    std::string("告知书须载明") + zh, std::string("the notice must state ") + en,
                    f);
    }
  }
  if (!in.statement_right) {
    return Refuse(ErrorCode::kInvalidArgument, "notice_content", art,
                  "告知书须载明当事人依法享有陈述、申辩的权利",
                  "the notice must state the party's right to state and defend", "statement_right");
  }
  const auto triggers = HearingTriggers(s.proposal, s.party_kind, ctx.params);
  if (!triggers.empty() && !in.hearing_right) {
    return Refuse(
        ErrorCode::kInvalidArgument, "hearing_right_required", Xzcf("第63条、第64条"),
        "拟作处罚属于听证范围（" + triggers.front().zh + "），须告知当事人有要求听证的权利",
        "the intended penalty triggers a hearing (" + triggers.front().en +
            "): the notice must state the right to request one",
        "hearing_right");
  }
  s.notice = Notice{in.date, s.proposal, in.hearing_right};
  s.stated = false;
  s.waived = false;
  s.hearing_waived = false;
  s.hearing = HearingState{};
  s.state = State::kNotice;
  return core::Ok();
}

Status StepWaive(CaseSnapshot& s, const WaiveInput& in, const StepContext& ctx) {
  ZHIFA_TRY(CheckState(s, StepKind::kWaive));
  ZHIFA_TRY(CheckDate(in.date, ctx, "date", s.filed_date, "立案日期", "the filing date"));
  if (in.scope != "statement" && in.scope != "hearing" && in.scope != "all") {
    return Err(ErrorCode::kInvalidArgument, "scope 应为 statement、hearing 或 all",
               "scope must be statement, hearing or all", "scope");
  }
  if (in.written_evidence == 0) {
    return Refuse(ErrorCode::kInvalidArgument, "waiver_in_writing", Xzcf("第44条、第62条"),
                  "当事人放弃陈述、申辩或听证须有书面材料：请附当事人签署的放弃声明",
                  "a waiver must be in writing: attach the statement signed by the party",
                  "evidence_ids");
  }
  if (in.scope != "hearing") s.waived = true;
  if (in.scope != "statement") s.hearing_waived = true;
  if (s.state == State::kHearing && s.hearing_waived && !s.hearing.held) {
    s.state = State::kPendingDecision;
  }
  return core::Ok();
}

Status StepStatement(CaseSnapshot& s, const StatementInput& in, const StepContext& ctx) {
  ZHIFA_TRY(CheckState(s, StepKind::kStatement));
  if (!s.notice) {
    return Refuse(ErrorCode::kConflict, "notice_required", Xzcf("第44条"), "尚未告知当事人",
                  "the party has not been notified");
  }
  ZHIFA_TRY(CheckDate(in.date, ctx, "date", s.notice->date, "告知日期", "the notice"));
  ZHIFA_TRY(CheckText(in.content, "content", "陈述申辩内容", "the content"));
  ZHIFA_TRY(CheckText(in.response, "response", "复核意见", "the response"));
  s.stated = true;
  return core::Ok();
}

Status StepRequestHearing(CaseSnapshot& s, const RequestHearingInput& in, const StepContext& ctx) {
  ZHIFA_TRY(CheckState(s, StepKind::kRequestHearing));
  if (!s.notice || !s.notice->hearing_right) {
    return Refuse(ErrorCode::kConflict, "hearing_not_offered", Xzcf("第63条"),
                  "拟作处罚不属于听证范围，告知书未告知听证权利",
                  "the intended penalty does not trigger a hearing and none was offered");
  }
  if (s.hearing.requested || s.hearing_waived) {
    return Refuse(ErrorCode::kConflict, "step_order", kProcedureChapter, "已申请或已放弃听证",
                  "a hearing was already requested or waived", "step");
  }
  ZHIFA_TRY(CheckDate(in.date, ctx, "date", s.notice->date, "告知日期", "the notice"));
  auto due = Deadline("penalty.hearing_request", s.notice->date, ctx);
  if (!due) return due.error();
  if (in.date > due->due_date) {
    return Refuse(ErrorCode::kInvalidArgument, "hearing_request_window",
                  Xzcf("第64条第1项、第85条"),
                  "当事人应在告知后五个工作日内（至 " + core::FormatDate(due->due_date) +
                      "）要求听证，逾期视为放弃",
                  "a hearing must be requested within 5 working days of the notice (by " +
                      core::FormatDate(due->due_date) + ")",
                  "date");
  }
  s.hearing.requested = in.date;
  s.state = State::kHearing;
  return core::Ok();
}

Status StepScheduleHearing(CaseSnapshot& s, const ScheduleHearingInput& in,
                           const StepContext& ctx) {
  ZHIFA_TRY(CheckState(s, StepKind::kScheduleHearing));
  if (s.hearing.held) {
    return Refuse(ErrorCode::kConflict, "step_order", kProcedureChapter, "听证已举行",
                  "the hearing was already held", "step");
  }
  ZHIFA_TRY(CheckDate(in.notice_date, ctx, "notice_date", s.hearing.requested, "听证申请日期",
                      "the hearing request"));
  if (in.hearing_date < in.notice_date) {
    return Err(ErrorCode::kInvalidArgument, "听证日期不能早于通知日期",
               "the hearing date must not be before the notice date", "hearing_date");
  }
  auto last = Deadline("penalty.hearing_notice", in.hearing_date, ctx);
  if (!last) return last.error();
  if (in.notice_date > last->due_date) {
    return Refuse(ErrorCode::kInvalidArgument, "hearing_notice_period", Xzcf("第64条第2项、第85条"),
                  "应当在举行听证的七个工作日前通知当事人：听证日 " +
                      core::FormatDate(in.hearing_date) + " 的最迟通知日为 " +
                      core::FormatDate(last->due_date),
                  "the party must be notified 7 working days before the hearing: for " +
                      core::FormatDate(in.hearing_date) + " the last day is " +
                      core::FormatDate(last->due_date),
                  "notice_date");
  }
  if (in.presider_id <= 0) return Required("presider_id", "听证主持人", "the presider");
  if (Contains(s.investigators, in.presider_id) || Contains(s.officers, in.presider_id)) {
    return Refuse(ErrorCode::kInvalidArgument, "hearing_presider", Xzcf("第64条第4项"),
                  "听证由行政机关指定的非本案调查人员主持",
                  "the hearing must be presided over by someone who did not investigate the case",
                  "presider_id");
  }
  ZHIFA_TRY(CheckText(in.place, "place", "听证地点", "the place"));
  s.hearing.notice_date = in.notice_date;
  s.hearing.hearing_date = in.hearing_date;
  s.hearing.presider_id = in.presider_id;
  return core::Ok();
}

Status StepHoldHearing(CaseSnapshot& s, const HoldHearingInput& in, const StepContext& ctx) {
  ZHIFA_TRY(CheckState(s, StepKind::kHoldHearing));
  if (!s.hearing.hearing_date) {
    return Refuse(ErrorCode::kConflict, "hearing_not_scheduled", Xzcf("第64条第2项"),
                  "尚未通知听证的时间、地点", "the hearing has not been scheduled");
  }
  if (s.hearing.held) {
    return Refuse(ErrorCode::kConflict, "step_order", kProcedureChapter, "听证已举行",
                  "the hearing was already held", "step");
  }
  ZHIFA_TRY(CheckDate(in.date, ctx, "date", s.hearing.hearing_date, "通知的听证日期",
                      "the notified hearing date"));
  ZHIFA_TRY(CheckText(in.record, "record", "听证笔录摘要", "the hearing record"));
  s.hearing.attended = in.attended;
  if (in.attended) {
    s.hearing.held = true;
  } else {
    // 第64条第8项: unjustified absence counts as a waiver of the hearing.
    s.hearing_waived = true;
  }
  s.state = State::kPendingDecision;
  return core::Ok();
}

Status StepSubmitReview(CaseSnapshot& s, const SubmitReviewInput& in, const StepContext& ctx) {
  ZHIFA_TRY(CheckState(s, StepKind::kSubmitReview));
  if (s.state == State::kReview && !s.reviewed) {
    return Refuse(ErrorCode::kConflict, "case_review_required", Xzcf("第57条第1款"),
                  "调查终结后须经案件审查，方可送法制审核",
                  "the investigation result must be reviewed first");
  }
  if (!s.proposed_outcome || *s.proposed_outcome == Outcome::kTransfer) {
    return Refuse(ErrorCode::kConflict, "step_order", kProcedureChapter,
                  "移送司法机关不经法制审核程序", "a transfer is not submitted for legal review",
                  "step");
  }
  if (s.review == ReviewStatus::kPending || s.review == ReviewStatus::kAgreed) {
    return Refuse(ErrorCode::kConflict, "step_order", kProcedureChapter, "法制审核已提交或已通过",
                  "the legal review is already pending or agreed", "step");
  }
  ZHIFA_TRY(CheckDate(in.date, ctx, "date", s.filed_date, "立案日期", "the filing date"));
  s.review = ReviewStatus::kPending;
  ++s.review_round;
  s.state = State::kLegalReview;
  return core::Ok();
}

Status StepReviewOpinion(CaseSnapshot& s, const ReviewOpinionInput& in, const StepContext& ctx) {
  ZHIFA_TRY(CheckState(s, StepKind::kReviewOpinion));
  ZHIFA_TRY(CheckDate(in.date, ctx, "date", s.filed_date, "立案日期", "the filing date"));
  if (in.reviewer_officer_id != 0 && (Contains(s.investigators, in.reviewer_officer_id) ||
                                      Contains(s.officers, in.reviewer_officer_id))) {
    return Refuse(ErrorCode::kConflict, "reviewer_is_investigator", Xzcf("第58条"),
                  "法制审核人员不得是本案的调查、办案人员",
                  "the legal reviewer must not be an investigator or handling officer of the case",
                  "reviewer");
  }
  if (in.opinion != ReviewStatus::kAgreed && Blank(in.reasons)) {
    return Required("reasons", "审核意见的理由", "the reasons of the opinion");
  }
  s.review = in.opinion;
  s.state = in.opinion == ReviewStatus::kAgreed ? State::kPendingDecision : State::kAmending;
  return core::Ok();
}

Status StepAmend(CaseSnapshot& s, const AmendInput& in, const StepContext& ctx) {
  ZHIFA_TRY(CheckState(s, StepKind::kAmend));
  ZHIFA_TRY(CheckDate(in.date, ctx, "date", s.filed_date, "立案日期", "the filing date"));
  ZHIFA_TRY(CheckOutcomePenalty(in.outcome, in.penalty));
  ZHIFA_TRY(CheckText(in.reason, "reason", "修改说明", "the reason"));
  bool outside = false;
  if (in.outcome == Outcome::kPenalty || in.outcome == Outcome::kNoPenalty) {
    auto o = ApplyDiscretion(in.discretion, in.reason);
    if (!o) return o.error();
    outside = *o;
  }
  bool renotify = false;
  if (s.notice && in.outcome == Outcome::kPenalty && Heavier(in.penalty, s.notice->penalty)) {
    if (s.stated || s.hearing.held) {
      return Refuse(ErrorCode::kInvalidArgument, "no_heavier_after_defence", Xzcf("第45条第2款"),
                    "不得因当事人陈述、申辩而给予更重的处罚：修改后的处罚重于已告知的处罚",
                    "no heavier penalty because the party stated or defended: the amended "
                    "penalty is heavier than the notified one",
                    "penalty");
    }
    renotify = true;
  }
  s.proposed_outcome = in.outcome;
  s.proposal = in.penalty;
  s.proposal_reason = in.reason;
  s.outside_range = outside;
  if (renotify || (in.outcome == Outcome::kPenalty && !s.notice)) {
    s.notice.reset();  // a heavier intended penalty needs a new notice (第44条)
    s.stated = false;
    s.waived = false;
    s.hearing_waived = false;
    s.hearing = HearingState{};
  }
  s.state = State::kPendingDecision;
  return core::Ok();
}

Status StepDiscuss(CaseSnapshot& s, const DiscussInput& in, const StepContext& ctx) {
  ZHIFA_TRY(CheckState(s, StepKind::kDiscuss));
  ZHIFA_TRY(CheckDate(in.date, ctx, "date", s.filed_date, "立案日期", "the filing date"));
  ZHIFA_TRY(CheckText(in.participants, "participants", "参加人员", "the participants"));
  ZHIFA_TRY(CheckText(in.conclusion, "conclusion", "讨论结论", "the conclusion"));
  s.discussed = true;
  return core::Ok();
}

Status StepExtend(CaseSnapshot& s, const ExtendInput& in, const StepContext& ctx) {
  ZHIFA_TRY(CheckState(s, StepKind::kExtend));
  ZHIFA_TRY(CheckDate(in.date, ctx, "date", s.filed_date, "立案日期", "the filing date"));
  if (in.days <= 0) {
    return Err(ErrorCode::kInvalidArgument, "延长天数应为正整数", "days must be positive", "days");
  }
  const int max = ctx.params.decision_extension_max_days;
  if (s.extension_days + in.days > max) {
    return Refuse(ErrorCode::kInvalidArgument, "extension_limit", Xzcf("第60条"),
                  "延长后的总天数不得超过行业规定的 " + std::to_string(max) + " 天（已延长 " +
                      std::to_string(s.extension_days) + " 天）",
                  "the total extension may not exceed the sector's " + std::to_string(max) +
                      " days (" + std::to_string(s.extension_days) + " already)",
                  "days");
  }
  ZHIFA_TRY(CheckText(in.reason, "reason", "延长理由", "the reason"));
  ZHIFA_TRY(CheckText(in.basis, "basis", "延长依据", "the basis"));
  if (ctx.cal) {
    auto due = DecisionDeadline(s, ctx);
    if (!due) return due.error();
    if (in.date > due->due_date) {
      return Refuse(ErrorCode::kConflict, "extension_after_expiry", Xzcf("第60条"),
                    "办案期限已于 " + core::FormatDate(due->due_date) + " 届满，不能再延长",
                    "the decision period ended on " + core::FormatDate(due->due_date) +
                        " and can no longer be extended");
    }
  }
  s.extension_days += in.days;
  return core::Ok();
}

Status StepDecide(CaseSnapshot& s, const DecideInput& in, const StepContext& ctx) {
  ZHIFA_TRY(CheckState(s, StepKind::kDecide));
  if (s.state == State::kInvestigation && in.outcome != Outcome::kTransfer) {
    return Refuse(ErrorCode::kConflict, "investigation_open", Xzcf("第57条"),
                  "调查终结并经审查后方可作出决定（涉嫌犯罪的，应当立即移送司法机关）",
                  "a decision follows the concluded and reviewed investigation (a suspected "
                  "crime is transferred at once)",
                  "outcome");
  }
  if (s.state == State::kReview && !s.reviewed) {
    return Refuse(ErrorCode::kConflict, "case_review_required", Xzcf("第57条第1款"),
                  "调查终结后须经行政机关负责人审查，方可作出决定",
                  "the investigation result must be reviewed before the decision");
  }
  ZHIFA_TRY(CheckDate(in.date, ctx, "date", s.filed_date, "立案日期", "the filing date"));
  ZHIFA_TRY(CheckOutcomePenalty(in.outcome, in.penalty));
  for (auto& e : DecisionBlockers(s, in.outcome, ctx)) return e;
  if (in.outcome == Outcome::kPenalty) {
    const Penalty& intended = IntendedPenalty(s);
    if (Heavier(in.penalty, intended)) {
      if (s.stated || s.hearing.held) {
        return Refuse(ErrorCode::kInvalidArgument, "no_heavier_after_defence", Xzcf("第45条第2款"),
                      "不得因当事人陈述、申辩而给予更重的处罚：决定的处罚重于告知的处罚",
                      "no heavier penalty because the party stated or defended: the decision is "
                      "heavier than the notified penalty",
                      "penalty");
      }
      return Refuse(ErrorCode::kInvalidArgument, "heavier_than_notified", Xzcf("第44条"),
                    "决定的处罚重于已告知（或当事人放弃陈述申辩时拟作）的处罚，须重新告知",
                    "the decision is heavier than the penalty notified (or waived): notify again",
                    "penalty");
    }
  }
  bool outside = false;
  if (in.outcome == Outcome::kPenalty || in.outcome == Outcome::kNoPenalty) {
    auto o = ApplyDiscretion(in.discretion, in.reason);
    if (!o) return o.error();
    outside = *o;
  }
  if (outside && s.review != ReviewStatus::kAgreed) {
    return Refuse(ErrorCode::kConflict, "legal_review_required", Xzcf("第58条"),
                  "处罚超出裁量基准幅度，须经法制审核后方可决定",
                  "a penalty outside the benchmark range needs legal review first");
  }
  if (in.outcome == Outcome::kNoPenalty && Blank(in.education)) {
    return Refuse(ErrorCode::kInvalidArgument, "education_required", Xzcf("第33条第3款"),
                  "对当事人不予行政处罚的，应当对当事人进行教育：请记录教育情况",
                  "a no-penalty decision must record the education given to the party",
                  "education");
  }
  Decision d;
  d.outcome = in.outcome;
  d.penalty = in.penalty;
  d.date = in.date;
  if (ctx.cal && s.filed_date) {
    auto due = DecisionDeadline(s, ctx);
    if (!due) return due.error();
    d.overdue = in.date > due->due_date;
  }
  s.decision = d;
  s.proposed_outcome = in.outcome;
  s.state = State::kDecided;
  return core::Ok();
}

Status StepServe(CaseSnapshot& s, const ServeInput& in, const StepContext& ctx) {
  ZHIFA_TRY(CheckState(s, StepKind::kServe));
  if (!s.decision || s.decision->outcome == Outcome::kTransfer) {
    return Refuse(ErrorCode::kConflict, "step_order", kProcedureChapter,
                  "移送司法机关的案件无决定书送达", "a transfer has no decision to serve", "step");
  }
  ZHIFA_TRY(CheckDate(in.date, ctx, "date", s.decision->date, "决定日期", "the decision date"));
  if (in.method == ServiceMethod::kElectronic && !in.consent) {
    return Refuse(ErrorCode::kInvalidArgument, "electronic_service_consent", Xzcf("第61条第2款"),
                  "当事人同意并签订确认书的，方可采用传真、电子邮件等方式送达",
                  "electronic service needs the party's consent and signed confirmation",
                  "consent");
  }
  s.served_date = in.date;
  s.state = State::kServed;
  return core::Ok();
}

Status StepExecute(CaseSnapshot& s, const ExecuteInput& in, const StepContext& ctx) {
  ZHIFA_TRY(CheckState(s, StepKind::kExecute));
  if (!s.decision || s.decision->outcome != Outcome::kPenalty) {
    return Refuse(ErrorCode::kConflict, "step_order", kProcedureChapter, "不予处罚的决定无需执行",
                  "there is nothing to execute", "step");
  }
  ZHIFA_TRY(CheckDate(in.date, ctx, "date", s.served_date, "送达日期", "the service date"));
  if (in.paid < 0) {
    return Err(ErrorCode::kInvalidArgument, "金额不能为负数", "the amount must not be negative",
               "paid");
  }
  s.executed_date = in.date;
  s.state = State::kExecuted;
  return core::Ok();
}

Status StepReportFiling(CaseSnapshot& s, const ReportFilingInput& in, const StepContext& ctx) {
  ZHIFA_TRY(CheckState(s, StepKind::kReportFiling));
  if (s.filing_reported) {
    return Refuse(ErrorCode::kConflict, "step_order", kProcedureChapter, "已备案",
                  "already reported for filing", "step");
  }
  ZHIFA_TRY(CheckDate(in.date, ctx, "date",
                      s.decision ? std::optional(s.decision->date) : std::nullopt, "决定日期",
                      "the decision date"));
  s.filing_reported = true;
  return core::Ok();
}

Status StepClose(CaseSnapshot& s, const CloseInput& in, const StepContext& ctx) {
  ZHIFA_TRY(CheckState(s, StepKind::kClose));
  if (!s.decision) {
    return Refuse(ErrorCode::kConflict, "step_order", kProcedureChapter, "尚未作出决定",
                  "no decision has been made", "step");
  }
  if (s.state == State::kDecided && s.decision->outcome != Outcome::kTransfer) {
    return Refuse(ErrorCode::kConflict, "service_required", Xzcf("第61条"),
                  "行政处罚决定书须送达当事人后方可结案",
                  "the decision must be served before the case is closed");
  }
  if (s.state == State::kServed && s.decision->outcome == Outcome::kPenalty &&
      NeedsExecution(s.decision->penalty)) {
    return Refuse(ErrorCode::kConflict, "execution_required", Xzcf("第66条、第67条"),
                  "处罚决定尚未执行完毕，不能结案",
                  "the penalty has not been executed: the case cannot be closed");
  }
  if (s.procedure == Procedure::kSimplified && !s.filing_reported) {
    return Refuse(ErrorCode::kConflict, "simplified_filing_required", Xzcf("第52条"),
                  "当场作出的行政处罚决定须报所属行政机关备案后方可结案",
                  "an on-the-spot decision must be reported to the agency for filing first");
  }
  ZHIFA_TRY(CheckDate(in.date, ctx, "date", s.decision->date, "决定日期", "the decision date"));
  s.closed_date = in.date;
  s.state = State::kClosed;
  return core::Ok();
}

Status StepArchive(CaseSnapshot& s, const ArchiveInput& in, const StepContext& ctx) {
  ZHIFA_TRY(CheckState(s, StepKind::kArchive));
  ZHIFA_TRY(CheckDate(in.date, ctx, "date", s.closed_date, "结案日期", "the closing date"));
  ZHIFA_TRY(CheckText(in.archive_no, "archive_no", "档案号", "the archive number", 100));
  s.archived = true;
  s.state = State::kArchived;
  return core::Ok();
}

core::Result<CaseSnapshot> StartSimplified(const SimplifiedInput& in, const StepContext& ctx) {
  const std::string art = Xzcf("第51条");
  const Penalty& p = in.penalty;
  if (p.kinds.empty()) {
    return Refuse(ErrorCode::kInvalidArgument, "simplified_kinds", art,
                  "简易程序只能当场作出警告或者罚款",
                  "the simplified procedure allows a warning or a fine", "penalty.kinds");
  }
  for (size_t i = 0; i < p.kinds.size(); ++i) {
    if (p.kinds[i] != PenaltyKind::kWarning && p.kinds[i] != PenaltyKind::kFine) {
      return Refuse(ErrorCode::kInvalidArgument, "simplified_kinds", art,
                    std::string("简易程序只能当场作出警告或者罚款，不能作出「") +
                        catalogue::PenaltyKindZh(p.kinds[i]) + "」",
                    std::string("the simplified procedure allows a warning or a fine, not ") +
                        catalogue::PenaltyKindId(p.kinds[i]),
                    "penalty.kinds[" + std::to_string(i) + "]");
    }
  }
  if (p.confiscation > 0) {
    return Refuse(ErrorCode::kInvalidArgument, "simplified_kinds", art,
                  "简易程序不能没收违法所得或者非法财物",
                  "the simplified procedure cannot confiscate", "penalty.confiscation");
  }
  ZHIFA_TRY(CheckOutcomePenalty(Outcome::kPenalty, p));
  const bool person = in.party_kind == PartyKind::kPerson;
  const Fen max = person ? kSimplifiedMaxFinePerson : kSimplifiedMaxFineOrganisation;
  if (p.fine > max) {
    return Refuse(ErrorCode::kInvalidArgument, "simplified_limit", art,
                  std::string("当场处罚罚款不得超过") +
                      (person ? "对公民 200 元" : "对法人或者其他组织 3000 元") + "（拟罚 " +
                      Yuan(p.fine) + " 元）：请适用普通程序",
                  std::string("an on-the-spot fine may not exceed ") +
                      (person ? "200 yuan for a citizen" : "3,000 yuan for an organisation") +
                      " (" + Yuan(p.fine) + " proposed): use the ordinary procedure",
                  "penalty.fine");
  }
  ZHIFA_TRY(CheckDate(in.date, ctx, "date", in.act_date, "违法行为日期", "the act date"));
  ZHIFA_TRY(CheckOfficers(in.officers, {}, "officer_ids"));
  if (!in.credentials_shown) {
    return Refuse(ErrorCode::kInvalidArgument, "credentials_shown", Xzcf("第52条"),
                  "执法人员当场作出行政处罚决定的，应当向当事人出示执法证件",
                  "officers deciding on the spot must show their credentials", "credentials_shown");
  }
  CaseSnapshot s;
  s.procedure = Procedure::kSimplified;
  s.party_kind = in.party_kind;
  s.act_date = in.act_date;
  s.discovered_date = in.date;
  s.safety_harm = in.safety_harm;
  ZHIFA_TRY(CheckLimitation(s));
  for (const auto& o : in.officers) {
    AddUnique(s.officers, o.id);
    AddUnique(s.investigators, o.id);
  }
  s.proposed_outcome = Outcome::kPenalty;
  s.proposal = p;
  s.decision = Decision{Outcome::kPenalty, p, in.date, false};
  s.served_date = in.date;  // 第52条: handed to the party on the spot
  s.state = State::kServed;
  return s;
}

// ---- timers ---------------------------------------------------------------------------------

json Timer::ToJson() const {
  return {{"id", id},
          {"rule_id", rule ? rule->id : ""},
          {"name_zh", rule ? rule->name_zh : ""},
          {"name_en", rule ? rule->name_en : ""},
          {"article", rule ? calendar::Citation(*rule) : ""},
          {"party", party},
          {"start", core::FormatDate(start)},
          {"due", core::FormatDate(due)},
          {"status", TimerStatusId(status)},
          {"provisional", provisional}};
}

core::Result<std::vector<Timer>> Timers(const CaseSnapshot& s, const StepContext& ctx) {
  std::vector<Timer> out;
  auto add = [&](const char* id, const char* rule_id, const Date& start, bool party, bool done,
                 std::optional<calendar::Override> ovr = std::nullopt) -> Status {
    auto d = Deadline(rule_id, start, ctx, ovr);
    if (!d) return d.error();
    Timer t;
    t.id = id;
    t.rule = d->rule;
    t.party = party;
    t.start = start;
    t.due = d->due_date;
    t.provisional = d->provisional;
    if (done) {
      t.status = TimerStatus::kDone;
    } else if (ctx.today > t.due) {
      t.status = party ? TimerStatus::kLapsed : TimerStatus::kOverdue;
    } else {
      auto left = ctx.cal->CountWorkingDays(ctx.today, t.due);
      if (!left) return left.error();
      t.status = left->value <= ctx.params.due_soon_working_days ? TimerStatus::kDueSoon
                                                                 : TimerStatus::kRunning;
    }
    out.push_back(t);
    return core::Ok();
  };
  if (s.state == State::kLead) {
    const LimitationInfo l = Limitation(s);
    ZHIFA_TRY(add("limitation",
                  s.safety_harm ? "penalty.limitation_extended" : "penalty.limitation", l.start,
                  false, false));
  }
  if (s.procedure == Procedure::kOrdinary && s.filed_date) {
    auto rule = calendar::FindRule("penalty.decision");
    if (!rule) return rule.error();
    int base = ctx.decision_override ? ctx.decision_override->amount : (*rule)->amount;
    std::optional<calendar::Override> ovr;
    if (ctx.decision_override || s.extension_days > 0) {
      ovr = calendar::Override{calendar::OverrideKind::kPeriod, base + s.extension_days};
    }
    ZHIFA_TRY(
        add("decision", "penalty.decision", *s.filed_date, false, s.decision.has_value(), ovr));
  }
  if (s.notice && !s.decision) {
    ZHIFA_TRY(add("statement", "penalty.statement", s.notice->date, true, s.stated || s.waived,
                  ctx.statement_override));
    if (s.notice->hearing_right) {
      ZHIFA_TRY(add("hearing_request", "penalty.hearing_request", s.notice->date, true,
                    s.hearing.requested.has_value() || s.hearing_waived));
    }
  }
  if (s.decision && s.decision->outcome != Outcome::kTransfer) {
    if (s.procedure == Procedure::kOrdinary) {
      ZHIFA_TRY(
          add("service", "penalty.service", s.decision->date, false, s.served_date.has_value()));
    }
    if (s.served_date && s.decision->outcome == Outcome::kPenalty && s.decision->penalty.fine > 0) {
      ZHIFA_TRY(
          add("payment", "penalty.payment", *s.served_date, false, s.executed_date.has_value()));
    }
    auto pub = PublicationFor(*s.decision, *ctx.cal);
    if (!pub) return pub.error();
    if (*pub) {
      ZHIFA_TRY(add("publication", (*pub)->rule->id, s.decision->date, false, s.published));
    }
  }
  return out;
}

std::optional<Timer> NextDue(const std::vector<Timer>& timers) {
  std::optional<Timer> best;
  for (const auto& t : timers) {
    if (t.party || t.id == "limitation") continue;
    if (t.status == TimerStatus::kDone || t.status == TimerStatus::kLapsed) continue;
    if (!best || t.due < best->due) best = t;
  }
  return best;
}

core::Result<std::optional<PublicationDue>> PublicationFor(const Decision& d,
                                                           const core::WorkingCalendar& cal) {
  if (d.outcome == Outcome::kTransfer) return std::optional<PublicationDue>();
  const bool penalty = d.outcome == Outcome::kPenalty;
  auto rule = calendar::FindRule(penalty ? "publicity.penalty_licensing" : "publicity.other");
  if (!rule) return rule.error();
  calendar::DeadlineInput in;
  in.rule = *rule;
  in.start_date = d.date;
  auto due = calendar::ComputeDeadline(in, cal);
  if (!due) return due.error();
  return std::optional<PublicationDue>(
      PublicationDue{*rule, due->due_date, penalty ? "penalty" : "other"});
}

}  // namespace zhifa::cases
