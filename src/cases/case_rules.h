// zhifa::cases — the administrative penalty procedure (行政处罚程序) as pure rules: the ordinary
// procedure's state machine (普通程序), the simplified procedure (简易程序/当场处罚), and every
// gate the law puts on a step, each refusal naming its rule id and article.
//
// A case's procedural state is a CaseSnapshot (a plain value, stored as JSON beside the case
// row). Each step is one function `StepX(snapshot, input, ctx)` that checks the step against the
// snapshot and the law and, only when every check passes, advances the snapshot; on a refusal
// the snapshot is unchanged (callers work on a copy anyway). Facts that need I/O — officers'
// credentials on a date (officer register), the discretion engine's verdict, the evidence
// attached, the calendar — come in as plain values.
//
// Law: 中华人民共和国行政处罚法 (2021) = XZCF; 行政强制法 = XZQZ. Time limits come from the one
// rule table (calendar/time_limit_rules); the thresholds the law leaves to provinces or sectors
// (较大数额 of 第63条, the sector's decision extension) are CaseParams with documented
// defaults; the limits the law fixes (第51条) are constants here.
//
// No I/O. Thread-safety: pure functions over values.
#pragma once

#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "calendar/time_limit_rules.h"
#include "catalogue/catalogue_model.h"
#include "core/calendar.h"
#include "core/result.h"
#include "core/time.h"

namespace zhifa::cases {

using catalogue::Fen;
using catalogue::PenaltyKind;

// ---- Enumerations (wire ids in comments) ---------------------------------------------------

enum class Procedure { kOrdinary, kSimplified };  // "ordinary" 普通程序, "simplified" 简易程序
const char* ProcedureId(Procedure p);
std::optional<Procedure> ParseProcedure(std::string_view s);

enum class PartyKind { kPerson, kOrganisation };  // "person" 公民, "organisation" 法人或其他组织
const char* PartyKindId(PartyKind k);
std::optional<PartyKind> ParsePartyKind(std::string_view s);

// Where a case came from (案件来源).
enum class Source { kInspection, kComplaint, kHotline, kReferral, kDiscovered };
// "inspection" 监督检查, "complaint" 投诉举报, "hotline" 12345工单, "referral" 移送, "discovered"
// 部门发现
const char* SourceId(Source s);
const char* SourceZh(Source s);
std::optional<Source> ParseSource(std::string_view s);

// The states of a case. Ordinary: lead → investigation → review → notice (→ hearing) →
// (legal_review ⇄ amending) → pending_decision → decided → served → executed → closed →
// archived; not_filed ends a lead. Simplified cases start as served (decided and handed over on
// the spot, 第52条).
enum class State {
  kLead,             // "lead" 线索登记
  kNotFiled,         // "not_filed" 不予立案
  kInvestigation,    // "investigation" 立案、调查取证
  kReview,           // "review" 案件审查
  kNotice,           // "notice" 已告知（陈述申辩期）
  kHearing,          // "hearing" 听证
  kLegalReview,      // "legal_review" 法制审核
  kAmending,         // "amending" 审核意见待整改
  kPendingDecision,  // "pending_decision" 待决定
  kDecided,          // "decided" 已决定
  kServed,           // "served" 已送达
  kExecuted,         // "executed" 已执行
  kClosed,           // "closed" 已结案
  kArchived,         // "archived" 已归档
};
const char* StateId(State s);
const char* StateZh(State s);
const char* StateEn(State s);
std::optional<State> ParseState(std::string_view s);
const std::vector<State>& AllStates();

// 行政处罚法 第57条: the outcomes after investigation.
enum class Outcome { kPenalty, kNoPenalty, kNotEstablished, kTransfer };
// "penalty" 给予处罚, "no_penalty" 不予处罚, "not_established" 违法事实不能成立, "transfer"
// 移送司法机关
const char* OutcomeId(Outcome o);
const char* OutcomeZh(Outcome o);
std::optional<Outcome> ParseOutcome(std::string_view s);

// 法制审核 status (第58条).
enum class ReviewStatus { kNone, kPending, kAgreed, kAmend, kDisagreed };
// "none", "pending", "agree", "amend", "disagree"
const char* ReviewStatusId(ReviewStatus s);
std::optional<ReviewStatus> ParseOpinion(std::string_view s);  // agree | amend | disagree

// Investigation acts (调查取证) and compulsory measures (行政强制措施).
enum class InvestigationKind { kInspection, kQuestioning, kSampling, kSurvey, kOther };
// "inspection" 现场检查, "questioning" 询问, "sampling" 抽样取证, "survey" 勘验, "other" 其他
const char* InvestigationKindId(InvestigationKind k);
std::optional<InvestigationKind> ParseInvestigationKind(std::string_view s);

enum class Measure { kSeizure, kDetention, kDemolition, kFreeze, kOther };
// "seizure" 查封, "detention" 扣押, "demolition" 强制拆除, "freeze" 冻结, "other" 其他
const char* MeasureId(Measure m);
std::optional<Measure> ParseMeasure(std::string_view s);
// 行动方案 第31项 / 国办发〔2018〕118号: full audio-video recording of seizure, detention and
// forced demolition.
bool MeasureNeedsAudioVideo(Measure m);

// 非强制性执法手段 (行动方案 第45项).
enum class NonCoerciveMeans { kPersuasion, kDemonstration, kWarning, kInterview };
// "persuasion" 说服教育, "demonstration" 劝导示范, "warning" 警示告诫, "interview" 指导约谈
const char* NonCoerciveMeansId(NonCoerciveMeans m);
const char* NonCoerciveMeansZh(NonCoerciveMeans m);
std::optional<NonCoerciveMeans> ParseNonCoerciveMeans(std::string_view s);

enum class ServiceMethod { kDirect, kLeft, kPost, kElectronic, kPublic, kEntrusted };
// "direct" 直接送达, "left" 留置送达, "post" 邮寄送达, "electronic" 电子送达（传真、电子邮件等）,
// "public" 公告送达, "entrusted" 委托送达
const char* ServiceMethodId(ServiceMethod m);
std::optional<ServiceMethod> ParseServiceMethod(std::string_view s);

enum class ExecutionMethod { kPaid, kEnforced, kCourt, kInstalment, kNotRequired };
// "paid" 自动履行/缴纳, "enforced" 强制执行, "court" 申请法院强制执行, "instalment" 分期/延期缴纳
// (第66条), "not_required" 无需执行（警告等）
const char* ExecutionMethodId(ExecutionMethod m);
std::optional<ExecutionMethod> ParseExecutionMethod(std::string_view s);

// ---- Steps ---------------------------------------------------------------------------------

enum class StepKind {
  kFile,                   // "file" 立案（负责人批准）
  kNotFile,                // "not_file" 不予立案
  kAssignOfficers,         // "assign_officers" 指派办案人员
  kInvestigate,            // "investigate" 调查取证
  kCompulsion,             // "compulsion" 行政强制措施
  kNonCoercive,            // "non_coercive" 非强制性执法手段
  kRecusal,                // "recusal" 回避决定
  kConcludeInvestigation,  // "conclude_investigation" 调查终结
  kReviewCase,             // "review_case" 案件审查
  kNotify,                 // "notify" 行政处罚事先告知
  kWaive,                  // "waive" 当事人书面放弃陈述、申辩（或听证）
  kStatement,              // "statement" 陈述、申辩
  kRequestHearing,         // "request_hearing" 申请听证
  kScheduleHearing,        // "schedule_hearing" 听证通知
  kHoldHearing,            // "hold_hearing" 举行听证
  kSubmitReview,           // "submit_review" 提交法制审核
  kReviewOpinion,          // "review_opinion" 法制审核意见
  kAmend,                  // "amend" 按审核意见修改后重新提交
  kDiscuss,                // "discuss" 负责人集体讨论
  kExtend,                 // "extend" 延长办案期限（负责人批准）
  kDecide,                 // "decide" 作出决定（负责人批准）
  kServe,                  // "serve" 送达
  kExecute,                // "execute" 执行
  kReportFiling,           // "report_filing" 当场处罚备案（简易程序）
  kClose,                  // "close" 结案
  kArchive,                // "archive" 归档
};
const char* StepId(StepKind k);
std::optional<StepKind> ParseStep(std::string_view s);
const std::vector<StepKind>& AllSteps();

// Who may take a step (the permission the route checks): cases.write (officer), cases.approve
// (负责人), cases.review (法制审核人员).
enum class StepAuthority { kWrite, kApprove, kReview };
const char* StepAuthorityId(StepAuthority a);

// A form-schema hint for a step's input (for the UI).
struct FieldHint {
  const char* name;
  const char*
      type;  // "date" | "text" | "bool" | "int" | "fen" | "enum" | "ids" | "kinds" | "object"
  bool required;
  const char* label_zh;
  const char* label_en;
  std::vector<const char*> values;  // enum values
};
struct StepInfo {
  StepKind kind;
  const char* name_zh;
  const char* name_en;
  StepAuthority authority;
  const char* article;  // the article that governs the step
  // The 第47条 evidence stage files attached to the step belong to (record/evidence_rules.h).
  const char* evidence_stage;
  std::vector<FieldHint> fields;
};
const StepInfo& Info(StepKind k);

// ---- Values --------------------------------------------------------------------------------

// An officer as the register knows them on the date of a step (officers::OfficerOnDate).
struct OfficerFact {
  int64_t id = 0;
  int64_t user_id = 0;  // 0 when no account
  int64_t unit_id = 0;
  std::string name;
  std::string cert_no;            // 执法证号
  bool credential_valid = false;  // 执法证 valid on that date
  bool expiring_soon = false;
  bool legal_qualification = false;  // 法律职业资格
};

// A penalty: kinds, fine and confiscation in fen (0 = none).
struct Penalty {
  std::vector<PenaltyKind> kinds;
  Fen fine = 0;
  Fen confiscation = 0;  // value of confiscated gains/property (没收违法所得、非法财物)
  bool empty() const { return kinds.empty() && fine == 0 && confiscation == 0; }
  nlohmann::json ToJson() const;
};
core::Result<Penalty> PenaltyFromJson(const nlohmann::json& j, const std::string& field);
// Whether `a` is heavier than `b`: a higher fine or confiscation, or a kind `b` does not have
// (a warning or 通报批评 only counts when `b` imposes nothing).
bool Heavier(const Penalty& a, const Penalty& b);

// Thresholds the law leaves to provinces and sectors, and other local choices. Configurable
// ([cases] in zhifa.toml); defaults documented in docs/user-guide.zh-CN.md.
struct CaseParams {
  // 第63条第1款第1、2项: 较大数额罚款 / 没收较大数额违法所得、较大价值非法财物 — the amounts are
  // set by provinces and departments (legal-facts §1.2: Shandong's amounts unverified). Default
  // 5,000 元 for a citizen and 50,000 元 for an organisation, a common provincial figure.
  Fen hearing_fine_person = 500000;
  Fen hearing_fine_organisation = 5000000;
  Fen hearing_confiscation_person = 500000;
  Fen hearing_confiscation_organisation = 5000000;
  // 第60条: "法律、法规、规章另有规定的，从其规定" — a sector rule may allow the department head
  // to extend the 90-day decision period; the longest total extension in days (0 = none).
  // Default 30 (e.g. the market-regulation procedure rules; unverified).
  int decision_extension_max_days = 30;
  // Some provinces submit every ordinary-procedure penalty to legal review (legal-facts §1.6).
  bool legal_review_all_penalties = false;
  // 第57条第2款 "重大违法行为": read as including every case that triggers a hearing (第63条),
  // a common local reading; when false only the officer's complex/major flags count.
  bool discussion_when_hearing_triggered = true;
  // A running timer is "due soon" within this many working days of its due date.
  int due_soon_working_days = 3;
  // Not law — the case list's time budget (bench/README.md "Cases"). The list counts its total
  // up to list_count_cap (total_capped beyond), and a text search whose every candidate is
  // confirmed on its case row (q of three or more characters, or without a search term: LIKE on
  // party name and title, one row read per counted case) up to list_search_count_cap.
  int64_t list_count_cap = 10000;
  int64_t list_search_count_cap = 2000;
};

// 第51条: the simplified procedure's limits (fixed by the law, not configurable).
inline constexpr Fen kSimplifiedMaxFinePerson = 20000;         // 200 元
inline constexpr Fen kSimplifiedMaxFineOrganisation = 300000;  // 3,000 元

struct Notice {
  core::Date date;
  Penalty penalty;
  bool hearing_right = false;
};

struct HearingState {
  std::optional<core::Date> requested;
  std::optional<core::Date> notice_date;
  std::optional<core::Date> hearing_date;
  int64_t presider_id = 0;
  bool held = false;
  bool attended = false;
};

struct Decision {
  Outcome outcome = Outcome::kPenalty;
  Penalty penalty;
  core::Date date;
  bool overdue = false;  // decided after the 第60条 deadline
};

// The procedural state of one case.
struct CaseSnapshot {
  Procedure procedure = Procedure::kOrdinary;
  State state = State::kLead;
  PartyKind party_kind = PartyKind::kOrganisation;
  core::Date act_date;
  std::optional<core::Date> act_end_date;  // continuing acts: the day the act ended
  core::Date discovered_date;
  bool safety_harm = false;  // 第36条: life/health or financial safety with harmful consequences
  bool matter_review = false;  // the matter is in the department's 法制审核目录
  std::optional<core::Date> filed_date;
  std::vector<int64_t> officers;       // handling officers (officer-register ids)
  std::vector<int64_t> recused;        // officers recused (第43条)
  std::vector<int64_t> investigators;  // officers on any investigation step or compulsory measure
  int investigation_steps = 0;
  int compulsion_steps = 0;
  int non_coercive_steps = 0;
  // Proposal after investigation (调查终结).
  std::optional<Outcome> proposed_outcome;
  Penalty proposal;
  std::string proposal_reason;  // 裁量理由
  bool outside_range = false;   // the discretion engine's benchmark range was left
  bool complex = false;  // 情节复杂 / 疑难复杂、涉及多个法律关系 (第57、58条)
  bool major_interest = false;   // 涉及重大公共利益 (第58条第1款第1项)
  bool major_violation = false;  // 重大违法行为 (第57条第2款)
  bool reviewed = false;         // 案件审查 agreed
  std::optional<Notice> notice;
  bool stated = false;  // 陈述、申辩 recorded
  bool waived = false;  // the party waived statement and defence in writing (第44、62条)
  bool hearing_waived = false;
  HearingState hearing;
  ReviewStatus review = ReviewStatus::kNone;
  int review_round = 0;
  bool discussed = false;
  int extension_days = 0;
  std::optional<Decision> decision;
  std::optional<core::Date> served_date;
  std::optional<core::Date> executed_date;
  bool filing_reported = false;  // simplified: 备案 with the department (第52条)
  std::optional<core::Date> closed_date;
  bool archived = false;
  bool published = false;  // the publication obligation is met (publicity portal)

  // The stored form (cases.snapshot): JSON text written and read without a document (the step
  // path does both per step). FromText takes the keys in any order and skips unknown ones.
  std::string ToText() const;
  static core::Result<CaseSnapshot> FromText(std::string_view text);
  nlohmann::json ToJson() const;  // the same as a document (API responses)
};

// ---- Refusals ------------------------------------------------------------------------------

// Builds the refusal of a rule: code, zh/en message, field, rule id and article.
core::Error Refuse(core::ErrorCode code, std::string rule, std::string article, std::string zh,
                   std::string en, std::string field = {});

// Articles, one place ("《行政处罚法》第42条" …).
std::string Xzcf(std::string_view article);  // 《行政处罚法》+ article
std::string Xzqz(std::string_view article);  // 《行政强制法》+ article

// ---- Context of a step ---------------------------------------------------------------------

struct StepContext {
  core::Date today;
  const core::WorkingCalendar* cal = nullptr;
  // Optionally keeps *cal alive (the calendar in use is shared and swapped when a year loads).
  std::shared_ptr<const core::WorkingCalendar> calendar_ref;
  CaseParams params;
  // The department's override of rule "penalty.statement" / "penalty.decision", if any.
  std::optional<calendar::Override> statement_override;
  std::optional<calendar::Override> decision_override;
};

// The discretion engine's verdict on a proposed penalty (discretion::Check problems).
struct DiscretionProblem {
  std::string code;  // e.g. "outside_allowed_range", "reason_required", "above_statutory_max"
  std::string field;
  std::string message_zh;
  std::string message_en;
  std::string article;
};
struct DiscretionVerdict {
  bool evaluated = false;  // false: the matter has no rules for the engine (not checked)
  std::vector<DiscretionProblem> problems;
};

// Applies the discretion engine's verdict to a proposal: a hard problem (above the statutory
// maximum, a kind not allowed, …) refuses with the engine's article (rule "discretion.<code>");
// leaving the benchmark range needs a written `reason` (rule "discretion_reason_required",
// 第34条). Returns whether the range was left (legal review then becomes required).
core::Result<bool> ApplyDiscretion(const DiscretionVerdict& v, const std::string& reason);

// ---- Gates shared by several steps ---------------------------------------------------------

// 第42条、第55条 (and 行政强制法 第18条 for compulsory measures): at least two distinct officers,
// each with a credential valid on the step's date, none recused (第43条). Errors name `field`.
core::Status CheckOfficers(const std::vector<OfficerFact>& officers,
                           const std::vector<int64_t>& recused, std::string_view field,
                           bool compulsion = false);

// 第36条: the limitation period. Start: the act (or the end of a continuing act); 2 years, 5 when
// life/health or financial safety was involved with harmful consequences. Refused when the act
// was discovered after the period.
struct LimitationInfo {
  core::Date start;
  int years = 2;
  core::Date last_day;
};
LimitationInfo Limitation(const CaseSnapshot& s);
core::Status CheckLimitation(const CaseSnapshot& s);

// A reason a rule applies (a hearing trigger, a ground of legal review), with its article.
struct Reason {
  std::string id;
  std::string zh;
  std::string en;
  std::string article;
  nlohmann::json ToJson() const;
};

// 第63条: why a penalty triggers a hearing (empty when it does not). Ids: "large_fine",
// "large_confiscation", "qualification_or_licence", "suspension_or_closure", "other_heavy".
std::vector<Reason> HearingTriggers(const Penalty& p, PartyKind party, const CaseParams& params);

// 第58条 (and the catalogue's 法制审核目录, the discretion range): why legal review is required.
// Ids: "major_interest", "hearing", "complex", "catalogue", "outside_range", "all_penalties".
std::vector<Reason> LegalReviewReasons(const CaseSnapshot& s, const CaseParams& params);
bool LegalReviewRequired(const CaseSnapshot& s, const CaseParams& params);

// 第57条第2款: collective discussion by the agency heads.
bool DiscussionRequired(const CaseSnapshot& s, const CaseParams& params);

// The penalty the case intends (the notice's, else the proposal).
const Penalty& IntendedPenalty(const CaseSnapshot& s);

// Refusals that stand in the way of a decision with `outcome` whatever its input (shown on the
// case page so the UI can explain why "decide" would be refused). Empty = nothing blocks.
std::vector<core::Error> DecisionBlockers(const CaseSnapshot& s, Outcome outcome,
                                          const StepContext& ctx);

// Whether the step is possible in the case's current state (the state machine only; gates that
// depend on the step's input are checked when it is taken). Refusal: kConflict, rule
// "step_order", naming the state.
core::Status CheckState(const CaseSnapshot& s, StepKind k);
// The steps possible now, in procedure order.
std::vector<StepKind> AllowedSteps(const CaseSnapshot& s);

// ---- The steps -----------------------------------------------------------------------------
// Each checks, then advances `s`. On error `s` is unchanged. Dates after ctx.today are refused
// (field "date"), as are dates before the case's previous act they depend on.

struct FileInput {
  core::Date date;
  std::vector<OfficerFact> officers;  // the case's officers on `date`
};
core::Status StepFile(CaseSnapshot& s, const FileInput& in, const StepContext& ctx);

struct NotFileInput {
  core::Date date;
  std::string reason;
};
core::Status StepNotFile(CaseSnapshot& s, const NotFileInput& in, const StepContext& ctx);

struct AssignInput {
  std::vector<OfficerFact> officers;  // on ctx.today
};
core::Status StepAssignOfficers(CaseSnapshot& s, const AssignInput& in, const StepContext& ctx);

struct InvestigateInput {
  core::Date date;
  InvestigationKind kind = InvestigationKind::kInspection;
  std::vector<OfficerFact> officers;  // on `date`
  bool credentials_shown = false;     // 第55条: 出示执法证件
  std::string summary;
};
core::Status StepInvestigate(CaseSnapshot& s, const InvestigateInput& in, const StepContext& ctx);

struct CompulsionInput {
  core::Date date;
  Measure measure = Measure::kSeizure;
  std::vector<OfficerFact> officers;
  bool approved = false;  // 行政强制法 第18条第1项: 实施前须向行政机关负责人报告并经批准
  int audio_video_evidence = 0;  // audio/video files attached to this step
  std::string summary;
};
core::Status StepCompulsion(CaseSnapshot& s, const CompulsionInput& in, const StepContext& ctx);

struct NonCoerciveInput {
  core::Date date;
  NonCoerciveMeans means = NonCoerciveMeans::kPersuasion;
  std::string note;
};
core::Status StepNonCoercive(CaseSnapshot& s, const NonCoerciveInput& in, const StepContext& ctx);

struct RecusalInput {
  core::Date date;
  int64_t officer_id = 0;
  bool granted = false;
  std::string applicant;  // "party" | "officer" | "agency"
  std::string reason;
};
core::Status StepRecusal(CaseSnapshot& s, const RecusalInput& in, const StepContext& ctx);

struct ConcludeInput {
  core::Date date;
  Outcome outcome = Outcome::kPenalty;
  Penalty penalty;
  std::string reason;  // 裁量理由
  bool complex = false;
  bool major_interest = false;
  bool major_violation = false;
  std::string report;  // 调查终结报告
  DiscretionVerdict discretion;
};
core::Status StepConclude(CaseSnapshot& s, const ConcludeInput& in, const StepContext& ctx);

struct ReviewCaseInput {
  core::Date date;
  bool agree = false;
  std::string opinion;
};
core::Status StepReviewCase(CaseSnapshot& s, const ReviewCaseInput& in, const StepContext& ctx);

struct NotifyInput {
  core::Date date;  // the day the notice was served on the party
  std::string facts;
  std::string reasons;
  std::string basis;
  bool statement_right = false;  // 陈述、申辩权
  bool hearing_right = false;    // 听证权
};
core::Status StepNotify(CaseSnapshot& s, const NotifyInput& in, const StepContext& ctx);

struct WaiveInput {
  core::Date date;
  std::string scope;         // "statement" | "hearing" | "all"
  int written_evidence = 0;  // files attached (the party's signed waiver)
};
core::Status StepWaive(CaseSnapshot& s, const WaiveInput& in, const StepContext& ctx);

struct StatementInput {
  core::Date date;
  std::string content;
  bool adopted = false;
  std::string response;  // 复核意见
};
core::Status StepStatement(CaseSnapshot& s, const StatementInput& in, const StepContext& ctx);

struct RequestHearingInput {
  core::Date date;
};
core::Status StepRequestHearing(CaseSnapshot& s, const RequestHearingInput& in,
                                const StepContext& ctx);

struct ScheduleHearingInput {
  core::Date notice_date;
  core::Date hearing_date;
  int64_t presider_id = 0;
  std::string place;
};
core::Status StepScheduleHearing(CaseSnapshot& s, const ScheduleHearingInput& in,
                                 const StepContext& ctx);

struct HoldHearingInput {
  core::Date date;
  bool attended = true;
  std::string record;  // 听证笔录 summary
};
core::Status StepHoldHearing(CaseSnapshot& s, const HoldHearingInput& in, const StepContext& ctx);

struct SubmitReviewInput {
  core::Date date;
};
core::Status StepSubmitReview(CaseSnapshot& s, const SubmitReviewInput& in, const StepContext& ctx);

struct ReviewOpinionInput {
  core::Date date;
  ReviewStatus opinion = ReviewStatus::kAgreed;
  std::string reasons;
  // The reviewer's officer-register id (0 when the reviewer is not in the register).
  int64_t reviewer_officer_id = 0;
};
core::Status StepReviewOpinion(CaseSnapshot& s, const ReviewOpinionInput& in,
                               const StepContext& ctx);

struct AmendInput {
  core::Date date;
  Outcome outcome = Outcome::kPenalty;
  Penalty penalty;
  std::string reason;
  DiscretionVerdict discretion;
};
core::Status StepAmend(CaseSnapshot& s, const AmendInput& in, const StepContext& ctx);

struct DiscussInput {
  core::Date date;
  std::string participants;
  std::string conclusion;
};
core::Status StepDiscuss(CaseSnapshot& s, const DiscussInput& in, const StepContext& ctx);

struct ExtendInput {
  core::Date date;
  int days = 0;
  std::string reason;
  std::string basis;
};
core::Status StepExtend(CaseSnapshot& s, const ExtendInput& in, const StepContext& ctx);

struct DecideInput {
  core::Date date;
  Outcome outcome = Outcome::kPenalty;
  Penalty penalty;
  std::string reason;     // 裁量理由
  std::string education;  // 第33条第3款: the education given (no penalty)
  DiscretionVerdict discretion;
};
core::Status StepDecide(CaseSnapshot& s, const DecideInput& in, const StepContext& ctx);

struct ServeInput {
  core::Date date;
  ServiceMethod method = ServiceMethod::kDirect;
  bool consent = false;  // 第61条第2款: the party agreed to electronic service and signed
};
core::Status StepServe(CaseSnapshot& s, const ServeInput& in, const StepContext& ctx);

struct ExecuteInput {
  core::Date date;
  ExecutionMethod method = ExecutionMethod::kPaid;
  Fen paid = 0;
};
core::Status StepExecute(CaseSnapshot& s, const ExecuteInput& in, const StepContext& ctx);

struct ReportFilingInput {
  core::Date date;
};
core::Status StepReportFiling(CaseSnapshot& s, const ReportFilingInput& in, const StepContext& ctx);

struct CloseInput {
  core::Date date;
  std::string summary;
};
core::Status StepClose(CaseSnapshot& s, const CloseInput& in, const StepContext& ctx);

struct ArchiveInput {
  core::Date date;
  std::string archive_no;
};
core::Status StepArchive(CaseSnapshot& s, const ArchiveInput& in, const StepContext& ctx);

// ---- Simplified procedure (第51、52条) -----------------------------------------------------

struct SimplifiedInput {
  PartyKind party_kind = PartyKind::kPerson;
  core::Date act_date;
  core::Date date;  // the day of the on-the-spot decision (handed over on the spot)
  Penalty penalty;
  std::vector<OfficerFact> officers;  // on `date`
  bool credentials_shown = false;     // 第52条: 出示执法证件
  bool safety_harm = false;
};
// Checks the limits of 第51条 (a warning, or a fine ≤ 200 元 / 3,000 元 and nothing else), the
// officers (第42条), the limitation (第36条); returns the new case's snapshot (state served).
core::Result<CaseSnapshot> StartSimplified(const SimplifiedInput& in, const StepContext& ctx);

// ---- Timers --------------------------------------------------------------------------------

enum class TimerStatus { kRunning, kDueSoon, kOverdue, kDone, kLapsed };
// "running", "due_soon", "overdue", "done", "lapsed" (a party's window that ended unused)
const char* TimerStatusId(TimerStatus s);

struct Timer {
  std::string id;  // "decision", "statement", "hearing_request", "service", "payment",
                   // "publication", "limitation"
  const calendar::TimeLimitRule* rule = nullptr;
  bool party = false;  // a window of the party (its end lapses a right), not an agency duty
  core::Date start;
  core::Date due;
  TimerStatus status = TimerStatus::kRunning;
  bool provisional = false;
  nlohmann::json ToJson() const;
};
// The case's timers on ctx.today (ctx.cal required). Errors only from the calendar (a date
// outside its span).
core::Result<std::vector<Timer>> Timers(const CaseSnapshot& s, const StepContext& ctx);
// The earliest due date among the agency's running timers (for the list's due filter).
std::optional<Timer> NextDue(const std::vector<Timer>& timers);

// ---- Publication (公示) -------------------------------------------------------------------

// 国办发〔2018〕118号 (reported): penalty decisions published within 7 working days, other
// enforcement decisions within 20. Transfers to judicial organs are not published here.
struct PublicationDue {
  const calendar::TimeLimitRule* rule = nullptr;
  core::Date due;
  std::string kind;  // "penalty" | "other"
};
core::Result<std::optional<PublicationDue>> PublicationFor(const Decision& d,
                                                           const core::WorkingCalendar& cal);

}  // namespace zhifa::cases
