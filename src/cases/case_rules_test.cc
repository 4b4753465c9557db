#include "cases/case_rules.h"

#include <gtest/gtest.h>

#include "core/embedded.h"

namespace zhifa::embed {
std::span<const core::EmbeddedFile> calendar_test_data();
}

namespace zhifa::cases {
namespace {

using catalogue::PenaltyKind;
using core::Date;

Date D(std::string_view s) { return core::ParseDate(s).value(); }

const core::WorkingCalendar& Cal() {
  static auto cal = core::WorkingCalendar::Build(
      core::ParseEmbeddedHolidays(embed::calendar_test_data()).value());
  return *cal;
}

StepContext Ctx(std::string_view today = "2025-12-01") {
  StepContext c;
  c.today = D(today);
  c.cal = &Cal();
  return c;
}

OfficerFact O(int64_t id, bool valid = true) {
  OfficerFact o;
  o.id = id;
  o.user_id = id + 100;
  o.name = "执法" + std::to_string(id);
  o.credential_valid = valid;
  return o;
}

Penalty Fine(Fen fen) { return Penalty{{PenaltyKind::kFine}, fen, 0}; }

// Asserts a refusal by `rule` (and that it names an article when a rule is expected).
void ExpectRefused(const core::Status& st, const std::string& rule) {
  ASSERT_FALSE(st.ok()) << "expected refusal " << rule;
  EXPECT_EQ(st.error().rule, rule) << st.error().message_zh;
  if (!rule.empty()) {
    EXPECT_FALSE(st.error().article.empty()) << rule;
  }
}

// A lead of an organisation: act 2025-09-01, discovered 2025-09-10.
CaseSnapshot Lead() {
  CaseSnapshot s;
  s.party_kind = PartyKind::kOrganisation;
  s.act_date = D("2025-09-01");
  s.discovered_date = D("2025-09-10");
  return s;
}

// Filed 2025-09-12 with officers 1 and 2, one inspection.
CaseSnapshot Investigating() {
  CaseSnapshot s = Lead();
  auto ctx = Ctx();
  EXPECT_TRUE(StepFile(s, {D("2025-09-12"), {O(1), O(2)}}, ctx).ok());
  EXPECT_TRUE(
      StepInvestigate(
          s, {D("2025-09-15"), InvestigationKind::kInspection, {O(1), O(2)}, true, "现场检查"}, ctx)
          .ok());
  return s;
}

// Concluded with a proposed fine and reviewed.
CaseSnapshot Reviewed(const Penalty& p = Fine(1000000), bool complex = false) {
  CaseSnapshot s = Investigating();
  auto ctx = Ctx();
  ConcludeInput c;
  c.date = D("2025-10-10");
  c.outcome = Outcome::kPenalty;
  c.penalty = p;
  c.report = "调查终结报告";
  c.complex = complex;
  EXPECT_TRUE(StepConclude(s, c, ctx).ok());
  EXPECT_TRUE(StepReviewCase(s, {D("2025-10-11"), true, "同意"}, ctx).ok());
  return s;
}

NotifyInput Notice(std::string_view date, bool hearing) {
  return NotifyInput{D(date), "占道经营", "违反规定", "《城市道路管理条例》第二十七条",
                     true,    hearing};
}

TEST(CaseNames, RoundTrip) {
  for (auto s : AllStates()) EXPECT_EQ(ParseState(StateId(s)), s);
  for (auto k : AllSteps()) {
    EXPECT_EQ(ParseStep(StepId(k)), k);
    EXPECT_EQ(Info(k).kind, k) << StepId(k);
    EXPECT_NE(std::string(Info(k).article), "") << StepId(k);
  }
  EXPECT_EQ(ParseOutcome("no_penalty"), Outcome::kNoPenalty);
  EXPECT_FALSE(ParseOpinion("pending"));
  EXPECT_EQ(ParseOpinion("disagree"), ReviewStatus::kDisagreed);
  EXPECT_FALSE(ParseState("nonsense"));
}

TEST(CaseRules, OrdinaryProcedureWithHearingLegalReviewAndDiscussion) {
  // Fine 10,000 元 for an organisation: below the hearing threshold; add a licence suspension
  // so the hearing is triggered (第63条第1款第5项).
  Penalty p{{PenaltyKind::kFine, PenaltyKind::kSuspendLicence}, 1000000, 0};
  CaseSnapshot s = Reviewed(p);
  auto ctx = Ctx();
  EXPECT_EQ(s.state, State::kReview);
  auto allowed = AllowedSteps(s);
  EXPECT_NE(std::find(allowed.begin(), allowed.end(), StepKind::kNotify), allowed.end());
  ASSERT_TRUE(StepNotify(s, Notice("2025-10-13", true), ctx).ok());
  EXPECT_EQ(s.state, State::kNotice);
  // 5 working days after Monday 2025-10-13 is 2025-10-20.
  ASSERT_TRUE(StepRequestHearing(s, {D("2025-10-20")}, ctx).ok());
  EXPECT_EQ(s.state, State::kHearing);
  // Hearing on 2025-11-03: last notice day 7 working days before = 2025-10-23.
  ASSERT_TRUE(StepScheduleHearing(s, {D("2025-10-23"), D("2025-11-03"), 9, "听证室"}, ctx).ok());
  ASSERT_TRUE(StepHoldHearing(s, {D("2025-11-03"), true, "听证笔录"}, ctx).ok());
  EXPECT_EQ(s.state, State::kPendingDecision);
  // Hearing held → legal review required (第58条第1款第2项), and collective discussion
  // (hearing-triggering penalty read as major).
  EXPECT_TRUE(LegalReviewRequired(s, ctx.params));
  DecideInput d;
  d.date = D("2025-11-20");
  d.outcome = Outcome::kPenalty;
  d.penalty = p;
  ExpectRefused(StepDecide(s, d, ctx), "legal_review_required");
  ASSERT_TRUE(StepSubmitReview(s, {D("2025-11-04")}, ctx).ok());
  EXPECT_EQ(s.state, State::kLegalReview);
  ExpectRefused(StepDecide(s, d, ctx), "step_order");
  ASSERT_TRUE(
      StepReviewOpinion(s, {D("2025-11-05"), ReviewStatus::kAmend, "罚款偏高", 50}, ctx).ok());
  EXPECT_EQ(s.state, State::kAmending);
  ExpectRefused(StepDecide(s, d, ctx), "step_order");
  AmendInput a;
  a.date = D("2025-11-06");
  a.outcome = Outcome::kPenalty;
  a.penalty = Penalty{{PenaltyKind::kFine, PenaltyKind::kSuspendLicence}, 800000, 0};
  a.reason = "采纳审核意见";
  ASSERT_TRUE(StepAmend(s, a, ctx).ok());
  EXPECT_EQ(s.state, State::kPendingDecision);
  EXPECT_TRUE(s.notice.has_value()) << "a lighter penalty keeps the notice";
  d.penalty = a.penalty;
  ExpectRefused(StepDecide(s, d, ctx), "legal_review_required");  // resubmission needed
  ASSERT_TRUE(StepSubmitReview(s, {D("2025-11-07")}, ctx).ok());
  EXPECT_EQ(s.review_round, 2);
  ASSERT_TRUE(StepReviewOpinion(s, {D("2025-11-10"), ReviewStatus::kAgreed, "", 50}, ctx).ok());
  ExpectRefused(StepDecide(s, d, ctx), "collective_discussion_required");
  ASSERT_TRUE(StepDiscuss(s, {D("2025-11-12"), "局长、副局长", "同意"}, ctx).ok());
  ASSERT_TRUE(StepDecide(s, d, ctx).ok());
  EXPECT_EQ(s.state, State::kDecided);
  EXPECT_FALSE(s.decision->overdue);  // filed 2025-09-12 + 90 days = 2025-12-11
  ASSERT_TRUE(StepServe(s, {D("2025-11-21"), ServiceMethod::kDirect, false}, ctx).ok());
  ExpectRefused(StepClose(s, {D("2025-11-21"), ""}, ctx), "execution_required");
  ASSERT_TRUE(StepExecute(s, {D("2025-11-25"), ExecutionMethod::kPaid, 800000}, ctx).ok());
  ASSERT_TRUE(StepClose(s, {D("2025-11-26"), "结案"}, ctx).ok());
  ExpectRefused(StepArchive(s, {D("2025-11-27"), ""}, ctx), "");
  ASSERT_TRUE(StepArchive(s, {D("2025-11-27"), "档-2025-1"}, ctx).ok());
  EXPECT_EQ(s.state, State::kArchived);
  EXPECT_TRUE(AllowedSteps(s).empty());
}

TEST(CaseRules, StepOrderNamesTheState) {
  CaseSnapshot s = Lead();
  auto ctx = Ctx();
  auto st = StepInvestigate(
      s, {D("2025-09-15"), InvestigationKind::kInspection, {O(1), O(2)}, true, "x"}, ctx);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().rule, "step_order");
  EXPECT_EQ(st.error().code, core::ErrorCode::kConflict);
  EXPECT_NE(st.error().message_zh.find("线索登记"), std::string::npos);
  EXPECT_EQ(s.state, State::kLead) << "unchanged";
  // Conclusion before any investigation act.
  ASSERT_TRUE(StepFile(s, {D("2025-09-12"), {O(1), O(2)}}, ctx).ok());
  ConcludeInput c{
      D("2025-10-01"), Outcome::kPenalty, Fine(10000), "", false, false, false, "r", {}};
  ExpectRefused(StepConclude(s, c, ctx), "investigation_missing");
}

TEST(CaseGates, TwoOfficersWithValidCredentialsNotRecused) {
  auto ctx = Ctx();
  CaseSnapshot s = Lead();
  ExpectRefused(StepFile(s, {D("2025-09-12"), {O(1)}}, ctx), "two_officers");
  ExpectRefused(StepFile(s, {D("2025-09-12"), {O(1), O(1)}}, ctx), "two_officers");
  auto st = StepFile(s, {D("2025-09-12"), {O(1), O(3, false)}}, ctx);
  ExpectRefused(st, "credential_invalid");
  EXPECT_EQ(st.error().field, "officer_ids[1]");
  EXPECT_EQ(st.error().article, "《行政处罚法》第42条");
  EXPECT_EQ(s.state, State::kLead);
  s = Investigating();
  ASSERT_TRUE(StepRecusal(s, {D("2025-09-16"), 2, true, "party", "利害关系"}, ctx).ok());
  EXPECT_EQ(s.officers, std::vector<int64_t>{1});
  ExpectRefused(
      StepInvestigate(
          s, {D("2025-09-17"), InvestigationKind::kQuestioning, {O(1), O(2)}, true, "询问"}, ctx),
      "officer_recused");
  ExpectRefused(StepAssignOfficers(s, {{O(1), O(2)}}, ctx), "officer_recused");
  ASSERT_TRUE(StepAssignOfficers(s, {{O(1), O(4)}}, ctx).ok());
  ASSERT_TRUE(
      StepInvestigate(
          s, {D("2025-09-17"), InvestigationKind::kQuestioning, {O(1), O(4)}, true, "询问"}, ctx)
          .ok());
  ExpectRefused(
      StepInvestigate(
          s, {D("2025-09-18"), InvestigationKind::kQuestioning, {O(1), O(4)}, false, "询问"}, ctx),
      "credentials_shown");
  // A recusal of someone not on the case is an input error.
  EXPECT_FALSE(StepRecusal(s, {D("2025-09-16"), 77, true, "party", "x"}, ctx).ok());
}

TEST(CaseGates, CompulsionNeedsApprovalTwoOfficersAndAudioVideoForSeizureAndDemolition) {
  auto ctx = Ctx();
  CaseSnapshot s = Investigating();
  CompulsionInput c{D("2025-09-20"), Measure::kSeizure, {O(1), O(2)}, true, 0, "查封"};
  auto st = StepCompulsion(s, c, ctx);
  ExpectRefused(st, "audio_video_required");
  EXPECT_EQ(st.error().field, "evidence_ids");
  c.measure = Measure::kDemolition;
  ExpectRefused(StepCompulsion(s, c, ctx), "audio_video_required");
  c.measure = Measure::kFreeze;
  EXPECT_TRUE(StepCompulsion(s, c, ctx).ok());
  c.measure = Measure::kDetention;
  c.audio_video_evidence = 1;
  c.approved = false;
  ExpectRefused(StepCompulsion(s, c, ctx), "compulsion_approval");
  c.approved = true;
  c.officers = {O(1)};
  st = StepCompulsion(s, c, ctx);
  ExpectRefused(st, "two_officers");
  EXPECT_EQ(st.error().article, "《行政强制法》第18条");
  c.officers = {O(1), O(2)};
  EXPECT_TRUE(StepCompulsion(s, c, ctx).ok());
  EXPECT_EQ(s.compulsion_steps, 2);
}

TEST(CaseGates, LimitationTwoYearsFiveWithHarmFromTheEndOfAContinuingAct) {
  auto ctx = Ctx();
  CaseSnapshot s = Lead();
  s.act_date = D("2023-09-09");  // last day 2025-09-09; discovered 2025-09-10
  auto st = StepFile(s, {D("2025-09-12"), {O(1), O(2)}}, ctx);
  ExpectRefused(st, "limitation");
  EXPECT_EQ(st.error().field, "discovered_date");
  s.act_date = D("2023-09-10");  // discovered on the last day: in time
  EXPECT_TRUE(StepFile(s, {D("2025-09-12"), {O(1), O(2)}}, ctx).ok());
  s = Lead();
  s.act_date = D("2021-01-01");
  s.safety_harm = true;  // 5 years: until 2026-01-01
  EXPECT_TRUE(StepFile(s, {D("2025-09-12"), {O(1), O(2)}}, ctx).ok());
  s = Lead();
  s.act_date = D("2020-01-01");
  s.act_end_date = D("2024-06-30");  // continuing act: from its end
  EXPECT_TRUE(StepFile(s, {D("2025-09-12"), {O(1), O(2)}}, ctx).ok());
  EXPECT_EQ(Limitation(s).last_day, D("2026-06-30"));
}

TEST(CaseGates, NoPenaltyDecisionWithoutNoticeUnlessWaivedInWriting) {
  auto ctx = Ctx();
  CaseSnapshot s = Reviewed(Fine(100000));
  DecideInput d{D("2025-11-01"), Outcome::kPenalty, Fine(100000), "", "", {}};
  ExpectRefused(StepDecide(s, d, ctx), "notice_required");
  EXPECT_EQ(s.state, State::kReview);
  ExpectRefused(StepWaive(s, {D("2025-10-12"), "all", 0}, ctx), "waiver_in_writing");
  ASSERT_TRUE(StepWaive(s, {D("2025-10-12"), "all", 1}, ctx).ok());
  ASSERT_TRUE(StepDecide(s, d, ctx).ok());
  EXPECT_EQ(s.state, State::kDecided);
}

TEST(CaseGates, NoticeMustStateFactsReasonsBasisRightsAndHearingWhenTriggered) {
  auto ctx = Ctx();
  CaseSnapshot s = Reviewed(Fine(6000000));  // 60,000 元 for an organisation: hearing
  auto n = Notice("2025-10-13", false);
  n.facts = " ";
  auto st = StepNotify(s, n, ctx);
  ExpectRefused(st, "notice_content");
  EXPECT_EQ(st.error().field, "facts");
  n = Notice("2025-10-13", false);
  n.statement_right = false;
  ExpectRefused(StepNotify(s, n, ctx), "notice_content");
  st = StepNotify(s, Notice("2025-10-13", false), ctx);
  ExpectRefused(st, "hearing_right_required");
  EXPECT_EQ(st.error().field, "hearing_right");
  EXPECT_FALSE(s.notice.has_value());
  EXPECT_TRUE(StepNotify(s, Notice("2025-10-13", true), ctx).ok());
  // A notice needs a reviewed case.
  CaseSnapshot r = Investigating();
  ConcludeInput c{
      D("2025-10-10"), Outcome::kPenalty, Fine(100000), "", false, false, false, "r", {}};
  ASSERT_TRUE(StepConclude(r, c, ctx).ok());
  ExpectRefused(StepNotify(r, Notice("2025-10-13", false), ctx), "case_review_required");
}

TEST(CaseGates, HearingRequestWithinFiveWorkingDays) {
  auto ctx = Ctx();
  CaseSnapshot s = Reviewed(Fine(6000000));
  // Notice Friday 2025-09-26 → window ends 2025-10-10 (国庆; 09-28 is a make-up day).
  s.filed_date = D("2025-09-12");
  ASSERT_TRUE(StepNotify(s, Notice("2025-09-26", true), ctx).ok());
  auto st = StepRequestHearing(s, {D("2025-10-11")}, ctx);
  ExpectRefused(st, "hearing_request_window");
  EXPECT_NE(st.error().message_zh.find("2025-10-10"), std::string::npos);
  EXPECT_TRUE(StepRequestHearing(s, {D("2025-10-10")}, ctx).ok());
  // Not offered: no hearing right.
  CaseSnapshot t = Reviewed(Fine(100000));
  ASSERT_TRUE(StepNotify(t, Notice("2025-10-13", false), ctx).ok());
  ExpectRefused(StepRequestHearing(t, {D("2025-10-14")}, ctx), "hearing_not_offered");
}

TEST(CaseGates, HearingNoticeSevenWorkingDaysBeforeAndPresiderNotAnInvestigator) {
  auto ctx = Ctx();
  CaseSnapshot s = Reviewed(Fine(6000000));
  ASSERT_TRUE(StepNotify(s, Notice("2025-10-13", true), ctx).ok());
  ASSERT_TRUE(StepRequestHearing(s, {D("2025-10-14")}, ctx).ok());
  // Hearing 2025-11-03 → notify by 2025-10-23.
  auto st = StepScheduleHearing(s, {D("2025-10-24"), D("2025-11-03"), 9, "听证室"}, ctx);
  ExpectRefused(st, "hearing_notice_period");
  EXPECT_EQ(st.error().field, "notice_date");
  st = StepScheduleHearing(s, {D("2025-10-23"), D("2025-11-03"), 1, "听证室"}, ctx);
  ExpectRefused(st, "hearing_presider");
  EXPECT_EQ(st.error().article, "《行政处罚法》第64条第4项");
  EXPECT_FALSE(s.hearing.hearing_date.has_value());
  ASSERT_TRUE(StepScheduleHearing(s, {D("2025-10-23"), D("2025-11-03"), 9, "听证室"}, ctx).ok());
  // Not before the notified day.
  EXPECT_FALSE(StepHoldHearing(s, {D("2025-11-02"), true, "笔录"}, ctx).ok());
  // Decision while the hearing is pending.
  DecideInput d{D("2025-11-01"), Outcome::kPenalty, Fine(6000000), "", "", {}};
  s.state = State::kPendingDecision;  // (as if reached otherwise) the blocker still stands
  ExpectRefused(StepDecide(s, d, ctx), "hearing_pending");
}

TEST(CaseGates, AbsenceFromTheHearingIsAWaiver) {
  auto ctx = Ctx();
  CaseSnapshot s = Reviewed(Fine(6000000));
  ASSERT_TRUE(StepNotify(s, Notice("2025-10-13", true), ctx).ok());
  ASSERT_TRUE(StepRequestHearing(s, {D("2025-10-14")}, ctx).ok());
  ASSERT_TRUE(StepScheduleHearing(s, {D("2025-10-23"), D("2025-11-03"), 9, "听证室"}, ctx).ok());
  ASSERT_TRUE(StepHoldHearing(s, {D("2025-11-03"), false, "当事人未到场"}, ctx).ok());
  EXPECT_TRUE(s.hearing_waived);
  EXPECT_FALSE(s.hearing.held);
  EXPECT_FALSE(LegalReviewRequired(s, ctx.params));
}

TEST(CaseGates, DecisionWaitsForTheStatementAndHearingWindows) {
  CaseSnapshot s = Reviewed(Fine(6000000));
  ASSERT_TRUE(StepNotify(s, Notice("2025-10-13", true), Ctx()).ok());
  DecideInput d{D("2025-10-17"), Outcome::kPenalty, Fine(6000000), "", "", {}};
  s.discussed = true;
  auto early = Ctx("2025-10-17");
  auto blockers = DecisionBlockers(s, Outcome::kPenalty, early);
  ASSERT_EQ(blockers.size(), 2u);
  EXPECT_EQ(blockers[0].rule, "statement_period_open");
  EXPECT_EQ(blockers[1].rule, "hearing_window_open");
  ExpectRefused(StepDecide(s, d, early), "statement_period_open");
  // After both windows (5 working days → 2025-10-20): nothing blocks.
  auto later = Ctx("2025-10-21");
  d.date = D("2025-10-21");
  EXPECT_TRUE(DecisionBlockers(s, Outcome::kPenalty, later).empty());
  // A department's 3-working-day statement period ends sooner; the hearing window does not.
  auto sector = Ctx("2025-10-17");
  sector.statement_override = calendar::Override{calendar::OverrideKind::kPeriod, 3};
  blockers = DecisionBlockers(s, Outcome::kPenalty, sector);
  ASSERT_EQ(blockers.size(), 1u);
  EXPECT_EQ(blockers[0].rule, "hearing_window_open");
  EXPECT_TRUE(StepDecide(s, d, later).ok());
}

TEST(CaseGates, NeverHeavierThanNotifiedAfterTheDefence) {
  auto ctx = Ctx();
  CaseSnapshot s = Reviewed(Fine(100000));
  ASSERT_TRUE(StepNotify(s, Notice("2025-10-13", false), ctx).ok());
  CaseSnapshot undefended = s;
  ASSERT_TRUE(StepStatement(s, {D("2025-10-14"), "申辩", false, "不予采纳"}, ctx).ok());
  DecideInput d{D("2025-11-01"), Outcome::kPenalty, Fine(100001), "", "", {}};
  auto st = StepDecide(s, d, ctx);
  ExpectRefused(st, "no_heavier_after_defence");
  EXPECT_EQ(st.error().article, "《行政处罚法》第45条第2款");
  d.penalty = Penalty{{PenaltyKind::kFine, PenaltyKind::kWarning}, 100000, 0};
  CaseSnapshot copy = s;
  EXPECT_TRUE(StepDecide(copy, d, ctx).ok()) << "a warning beside the fine is not heavier";
  d.penalty = Penalty{{PenaltyKind::kFine, PenaltyKind::kSuspendLicence}, 100000, 0};
  ExpectRefused(StepDecide(s, d, ctx), "no_heavier_after_defence");
  d.penalty = Fine(100001);
  ExpectRefused(StepDecide(undefended, d, ctx), "heavier_than_notified");
  d.penalty = Fine(80000);
  EXPECT_TRUE(StepDecide(s, d, ctx).ok());
  // Amending upward after the defence is refused too.
  CaseSnapshot a = Reviewed(Fine(100000), true);
  ASSERT_TRUE(StepNotify(a, Notice("2025-10-13", false), ctx).ok());
  ASSERT_TRUE(StepStatement(a, {D("2025-10-14"), "申辩", false, "不予采纳"}, ctx).ok());
  ASSERT_TRUE(StepSubmitReview(a, {D("2025-10-27")}, ctx).ok());
  ASSERT_TRUE(
      StepReviewOpinion(a, {D("2025-10-28"), ReviewStatus::kDisagreed, "处罚过轻", 0}, ctx).ok());
  AmendInput am{D("2025-10-29"), Outcome::kPenalty, Fine(200000), "加重", {}};
  ExpectRefused(StepAmend(a, am, ctx), "no_heavier_after_defence");
  // Without a defence a heavier amendment needs a new notice.
  CaseSnapshot b = Reviewed(Fine(100000), true);
  ASSERT_TRUE(StepNotify(b, Notice("2025-10-13", false), ctx).ok());
  ASSERT_TRUE(StepSubmitReview(b, {D("2025-10-27")}, ctx).ok());
  ASSERT_TRUE(
      StepReviewOpinion(b, {D("2025-10-28"), ReviewStatus::kAmend, "处罚过轻", 0}, ctx).ok());
  ASSERT_TRUE(StepAmend(b, am, ctx).ok());
  EXPECT_FALSE(b.notice.has_value());
  auto offered = AllowedSteps(b);
  EXPECT_NE(std::find(offered.begin(), offered.end(), StepKind::kNotify), offered.end());
}

TEST(CaseGates, LegalReviewRequiredReviewerNotAnInvestigator) {
  auto ctx = Ctx();
  CaseSnapshot s = Reviewed(Fine(100000));
  s.matter_review = true;  // the matter is in the 法制审核目录
  ASSERT_TRUE(StepWaive(s, {D("2025-10-12"), "all", 1}, ctx).ok());
  DecideInput d{D("2025-11-01"), Outcome::kPenalty, Fine(100000), "", "", {}};
  auto st = StepDecide(s, d, ctx);
  ExpectRefused(st, "legal_review_required");
  EXPECT_NE(st.error().message_zh.find("法制审核目录"), std::string::npos);
  ASSERT_TRUE(StepSubmitReview(s, {D("2025-10-13")}, ctx).ok());
  st = StepReviewOpinion(s, {D("2025-10-14"), ReviewStatus::kAgreed, "", 2}, ctx);
  ExpectRefused(st, "reviewer_is_investigator");
  EXPECT_EQ(s.review, ReviewStatus::kPending);
  // Reasons are needed for amend / disagree.
  EXPECT_FALSE(StepReviewOpinion(s, {D("2025-10-14"), ReviewStatus::kDisagreed, " ", 7}, ctx).ok());
  ASSERT_TRUE(
      StepReviewOpinion(s, {D("2025-10-14"), ReviewStatus::kDisagreed, "证据不足", 7}, ctx).ok());
  ExpectRefused(StepDecide(s, d, ctx), "step_order");
  s.state = State::kPendingDecision;  // even where a decision is possible, a failed review blocks
  ExpectRefused(StepDecide(s, d, ctx), "legal_review_required");
  // The reasons, with their articles.
  CaseSnapshot r = Reviewed(Fine(100000));
  r.major_interest = r.complex = r.outside_range = r.matter_review = true;
  auto reasons = LegalReviewReasons(r, ctx.params);
  ASSERT_EQ(reasons.size(), 4u);
  EXPECT_EQ(reasons[0].article, "《行政处罚法》第58条第1款第1项");
  CaseParams all;
  all.legal_review_all_penalties = true;
  EXPECT_TRUE(LegalReviewRequired(Reviewed(Fine(100)), all));
  EXPECT_FALSE(LegalReviewRequired(Reviewed(Fine(100)), ctx.params));
}

TEST(CaseGates, CollectiveDiscussionForComplexOrMajorCases) {
  auto ctx = Ctx();
  CaseSnapshot s = Reviewed(Fine(100000), true);
  EXPECT_TRUE(DiscussionRequired(s, ctx.params));
  ASSERT_TRUE(StepWaive(s, {D("2025-10-12"), "all", 1}, ctx).ok());
  ASSERT_TRUE(StepSubmitReview(s, {D("2025-10-13")}, ctx).ok());
  ASSERT_TRUE(StepReviewOpinion(s, {D("2025-10-14"), ReviewStatus::kAgreed, "", 0}, ctx).ok());
  DecideInput d{D("2025-11-01"), Outcome::kPenalty, Fine(100000), "", "", {}};
  auto st = StepDecide(s, d, ctx);
  ExpectRefused(st, "collective_discussion_required");
  EXPECT_EQ(st.error().article, "《行政处罚法》第57条第2款");
  ASSERT_TRUE(StepDiscuss(s, {D("2025-10-30"), "局务会", "同意"}, ctx).ok());
  EXPECT_TRUE(StepDecide(s, d, ctx).ok());
  CaseParams p;
  p.discussion_when_hearing_triggered = false;
  EXPECT_FALSE(DiscussionRequired(Reviewed(Fine(6000000)), p));
  EXPECT_TRUE(DiscussionRequired(Reviewed(Fine(6000000)), CaseParams{}));
}

TEST(CaseGates, DiscretionRangeNeedsAReasonAndThenLegalReview) {
  auto ctx = Ctx();
  CaseSnapshot s = Investigating();
  ConcludeInput c{
      D("2025-10-10"), Outcome::kPenalty, Fine(1900000), "", false, false, false, "r", {}};
  c.discretion.evaluated = true;
  c.discretion.problems.push_back(
      {"outside_allowed_range", "fine", "罚款不在幅度内", "outside", "《行政处罚法》第34条"});
  auto st = StepConclude(s, c, ctx);
  ExpectRefused(st, "discretion_reason_required");
  EXPECT_EQ(st.error().field, "reason");
  c.reason = "多次违法，情节严重";
  ASSERT_TRUE(StepConclude(s, c, ctx).ok());
  EXPECT_TRUE(s.outside_range);
  EXPECT_TRUE(LegalReviewRequired(s, ctx.params));
  // A hard problem (above the statutory maximum) refuses with the engine's article.
  CaseSnapshot t = Investigating();
  c.discretion.problems = {{"above_statutory_max", "fine", "超过法定最高限", "above max",
                            "《城市道路管理条例》第四十二条"}};
  st = StepConclude(t, c, ctx);
  ExpectRefused(st, "discretion.above_statutory_max");
  EXPECT_EQ(st.error().field, "penalty.fine");
  EXPECT_EQ(t.state, State::kInvestigation);
  // At the decision: leaving the range without an agreed review is refused.
  CaseSnapshot u = Reviewed(Fine(100000));
  ASSERT_TRUE(StepWaive(u, {D("2025-10-12"), "all", 1}, ctx).ok());
  DecideInput d{D("2025-11-01"), Outcome::kPenalty, Fine(90000), "理由", "", {}};
  d.discretion.problems.push_back(
      {"outside_allowed_range", "fine", "x", "x", "《行政处罚法》第34条"});
  ExpectRefused(StepDecide(u, d, ctx), "legal_review_required");
}

TEST(CaseGates, NoPenaltyRecordsTheEducation) {
  auto ctx = Ctx();
  CaseSnapshot s = Investigating();
  ConcludeInput c{D("2025-10-10"), Outcome::kNoPenalty, {}, "", false, false,
                  false,           "首违不罚",          {}};
  ASSERT_TRUE(StepConclude(s, c, ctx).ok());
  ASSERT_TRUE(StepReviewCase(s, {D("2025-10-11"), true, "同意"}, ctx).ok());
  DecideInput d{D("2025-10-12"), Outcome::kNoPenalty, {}, "", " ", {}};
  ExpectRefused(StepDecide(s, d, ctx), "education_required");
  d.education = "当场进行法治教育，责令改正";
  d.penalty = Fine(100);
  EXPECT_FALSE(StepDecide(s, d, ctx).ok()) << "no penalty carries no fine";
  d.penalty = {};
  ASSERT_TRUE(StepDecide(s, d, ctx).ok());
  ASSERT_TRUE(StepServe(s, {D("2025-10-13"), ServiceMethod::kPost, false}, ctx).ok());
  ASSERT_TRUE(StepClose(s, {D("2025-10-14"), ""}, ctx).ok());
}

TEST(CaseGates, TransferGoesStraightFromTheInvestigation) {
  auto ctx = Ctx();
  CaseSnapshot s = Investigating();
  DecideInput d{D("2025-09-20"), Outcome::kPenalty, Fine(100), "", "", {}};
  ExpectRefused(StepDecide(s, d, ctx), "investigation_open");
  d.outcome = Outcome::kTransfer;
  d.penalty = {};
  ASSERT_TRUE(StepDecide(s, d, ctx).ok());
  ExpectRefused(StepServe(s, {D("2025-09-21"), ServiceMethod::kDirect, false}, ctx), "step_order");
  ASSERT_TRUE(StepClose(s, {D("2025-09-21"), "已移送公安机关"}, ctx).ok());
}

TEST(CaseGates, ElectronicServiceNeedsConsent) {
  auto ctx = Ctx();
  CaseSnapshot s = Reviewed(Fine(100000));
  ASSERT_TRUE(StepWaive(s, {D("2025-10-12"), "all", 1}, ctx).ok());
  ASSERT_TRUE(
      StepDecide(s, {D("2025-10-13"), Outcome::kPenalty, Fine(100000), "", "", {}}, ctx).ok());
  ExpectRefused(StepServe(s, {D("2025-10-14"), ServiceMethod::kElectronic, false}, ctx),
                "electronic_service_consent");
  EXPECT_TRUE(StepServe(s, {D("2025-10-14"), ServiceMethod::kElectronic, true}, ctx).ok());
}

TEST(CaseGates, ExtensionWithinTheSectorMaximumBeforeExpiry) {
  auto ctx = Ctx("2025-10-01");
  CaseSnapshot s = Investigating();
  ExtendInput e{D("2025-10-01"), 31, "案情复杂", "行业规章"};
  ExpectRefused(StepExtend(s, e, ctx), "extension_limit");
  e.days = 20;
  ASSERT_TRUE(StepExtend(s, e, ctx).ok());
  e.days = 11;
  ExpectRefused(StepExtend(s, e, ctx), "extension_limit");
  e.days = 10;
  ASSERT_TRUE(StepExtend(s, e, ctx).ok());
  EXPECT_EQ(s.extension_days, 30);
  CaseParams none;
  none.decision_extension_max_days = 0;
  auto strict = Ctx("2025-10-01");
  strict.params = none;
  CaseSnapshot t = Investigating();
  ExpectRefused(StepExtend(t, {D("2025-10-01"), 1, "x", "y"}, strict), "extension_limit");
  // After the period ended (filed 2025-09-12 → due 2025-12-11): too late.
  auto late = Ctx("2025-12-15");
  ExpectRefused(StepExtend(t, {D("2025-12-15"), 5, "x", "y"}, late), "extension_after_expiry");
}

TEST(Simplified, WithinArticle51Limits) {
  auto ctx = Ctx();
  SimplifiedInput in;
  in.party_kind = PartyKind::kPerson;
  in.act_date = D("2025-11-30");
  in.date = D("2025-11-30");
  in.officers = {O(1), O(2)};
  in.credentials_shown = true;
  in.penalty = Fine(20000);
  auto s = StartSimplified(in, ctx);
  ASSERT_TRUE(s.ok()) << s.error().message_zh;
  EXPECT_EQ(s->state, State::kServed);
  EXPECT_EQ(s->procedure, Procedure::kSimplified);
  in.penalty = Fine(20001);
  auto r = StartSimplified(in, ctx);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().rule, "simplified_limit");
  EXPECT_EQ(r.error().article, "《行政处罚法》第51条");
  EXPECT_EQ(r.error().field, "penalty.fine");
  in.party_kind = PartyKind::kOrganisation;
  in.penalty = Fine(300000);
  EXPECT_TRUE(StartSimplified(in, ctx).ok());
  in.penalty = Fine(300001);
  EXPECT_EQ(StartSimplified(in, ctx).error().rule, "simplified_limit");
  in.penalty = Penalty{{PenaltyKind::kWarning}, 0, 0};
  EXPECT_TRUE(StartSimplified(in, ctx).ok());
  in.penalty = Penalty{{PenaltyKind::kWarning, PenaltyKind::kSuspendLicence}, 0, 0};
  r = StartSimplified(in, ctx);
  EXPECT_EQ(r.error().rule, "simplified_kinds");
  EXPECT_EQ(r.error().field, "penalty.kinds[1]");
  in.penalty = Penalty{{PenaltyKind::kFine}, 100, 100};
  EXPECT_EQ(StartSimplified(in, ctx).error().rule, "simplified_kinds");
  in.penalty = Fine(100);
  in.officers = {O(1)};
  EXPECT_EQ(StartSimplified(in, ctx).error().rule, "two_officers");
  in.officers = {O(1), O(2)};
  in.credentials_shown = false;
  EXPECT_EQ(StartSimplified(in, ctx).error().rule, "credentials_shown");
}

TEST(Simplified, FilingWithTheDepartmentBeforeClosing) {
  auto ctx = Ctx();
  SimplifiedInput in;
  in.party_kind = PartyKind::kPerson;
  in.act_date = in.date = D("2025-11-28");
  in.officers = {O(1), O(2)};
  in.credentials_shown = true;
  in.penalty = Fine(5000);
  CaseSnapshot s = StartSimplified(in, ctx).value();
  auto offered = AllowedSteps(s);
  EXPECT_NE(std::find(offered.begin(), offered.end(), StepKind::kReportFiling), offered.end());
  EXPECT_EQ(std::find(offered.begin(), offered.end(), StepKind::kFile), offered.end());
  ASSERT_TRUE(StepExecute(s, {D("2025-11-28"), ExecutionMethod::kPaid, 5000}, ctx).ok());
  ExpectRefused(StepClose(s, {D("2025-11-29"), ""}, ctx), "simplified_filing_required");
  ASSERT_TRUE(StepReportFiling(s, {D("2025-11-29")}, ctx).ok());
  EXPECT_TRUE(StepClose(s, {D("2025-11-29"), ""}, ctx).ok());
  // Ordinary-procedure steps are not possible.
  CaseSnapshot t = StartSimplified(in, ctx).value();
  ExpectRefused(StepFile(t, {D("2025-11-28"), {O(1), O(2)}}, ctx), "step_order");
}

TEST(CaseRules, HeavierAndHearingTriggers) {
  using K = PenaltyKind;
  EXPECT_TRUE(Heavier(Fine(2), Fine(1)));
  EXPECT_FALSE(Heavier(Fine(1), Fine(1)));
  EXPECT_FALSE(Heavier(Penalty{{K::kWarning}, 0, 0}, Fine(1)));
  EXPECT_TRUE(Heavier(Penalty{{K::kWarning}, 0, 0}, Penalty{}));
  EXPECT_TRUE(Heavier(Penalty{{K::kFine, K::kRevokeLicence}, 1, 0}, Fine(1)));
  EXPECT_TRUE(Heavier(Penalty{{K::kConfiscateGains}, 0, 5}, Penalty{{K::kConfiscateGains}, 0, 4}));
  CaseParams p;
  EXPECT_TRUE(HearingTriggers(Fine(499999), PartyKind::kPerson, p).empty());
  EXPECT_EQ(HearingTriggers(Fine(500000), PartyKind::kPerson, p).at(0).id, "large_fine");
  EXPECT_TRUE(HearingTriggers(Fine(4999999), PartyKind::kOrganisation, p).empty());
  EXPECT_EQ(HearingTriggers(Fine(5000000), PartyKind::kOrganisation, p).at(0).article,
            "《行政处罚法》第63条第1款第1项");
  EXPECT_EQ(HearingTriggers(Penalty{{K::kRevokeLicence}, 0, 0}, PartyKind::kPerson, p).at(0).id,
            "qualification_or_licence");
  EXPECT_EQ(HearingTriggers(Penalty{{K::kClose}, 0, 0}, PartyKind::kPerson, p).at(0).id,
            "suspension_or_closure");
  EXPECT_EQ(
      HearingTriggers(Penalty{{K::kConfiscateProperty}, 0, 500000}, PartyKind::kPerson, p).at(0).id,
      "large_confiscation");
  EXPECT_TRUE(HearingTriggers(Penalty{{K::kWarning}, 0, 0}, PartyKind::kPerson, p).empty());
  p.hearing_fine_person = 200000;  // a province's own threshold
  EXPECT_FALSE(HearingTriggers(Fine(200000), PartyKind::kPerson, p).empty());
}

TEST(CaseTimers, DeadlinesStatusesAndTheNextDue) {
  CaseSnapshot s = Lead();
  s.filed_date = D("2025-07-04");
  s.state = State::kInvestigation;
  auto ctx = Ctx("2025-10-01");
  auto t = Timers(s, ctx).value();
  ASSERT_EQ(t.size(), 1u);
  EXPECT_EQ(t[0].id, "decision");
  EXPECT_EQ(t[0].due, D("2025-10-09"));           // 90 days → 10-02 (国庆) → rolled
  EXPECT_EQ(t[0].status, TimerStatus::kDueSoon);  // 10-09 is the 1st working day after 10-01
  EXPECT_EQ(Timers(s, Ctx("2025-09-01")).value()[0].status, TimerStatus::kRunning);
  EXPECT_EQ(Timers(s, Ctx("2025-10-10")).value()[0].status, TimerStatus::kOverdue);
  s.extension_days = 30;
  EXPECT_EQ(Timers(s, ctx).value()[0].due, D("2025-11-03"));  // 120 days → Sat 11-01 → Mon
  auto dept = ctx;
  dept.decision_override = calendar::Override{calendar::OverrideKind::kPeriod, 60};
  EXPECT_EQ(Timers(s, dept).value()[0].due, D("2025-10-09"));  // 60 + 30 = 90 again
  EXPECT_EQ(NextDue(Timers(s, ctx).value())->id, "decision");
  // A decided, served penalty: payment 15 days after service; publication 7 working days.
  CaseSnapshot d = Reviewed(Fine(100000));
  ASSERT_TRUE(StepWaive(d, {D("2025-10-12"), "all", 1}, Ctx()).ok());
  ASSERT_TRUE(
      StepDecide(d, {D("2025-09-30"), Outcome::kPenalty, Fine(100000), "", "", {}}, Ctx()).ok());
  ASSERT_TRUE(StepServe(d, {D("2025-10-09"), ServiceMethod::kDirect, false}, Ctx()).ok());
  auto ts = Timers(d, Ctx("2025-10-20")).value();
  std::map<std::string, Timer> by;
  for (auto& x : ts) by[x.id] = x;
  EXPECT_EQ(by.at("decision").status, TimerStatus::kDone);
  EXPECT_EQ(by.at("service").status, TimerStatus::kDone);
  EXPECT_EQ(by.at("payment").due, D("2025-10-24"));
  EXPECT_EQ(by.at("publication").due, D("2025-10-16"));
  EXPECT_EQ(by.at("publication").status, TimerStatus::kOverdue);
  EXPECT_EQ(NextDue(ts)->id, "publication");
  // Party windows lapse rather than go overdue.
  CaseSnapshot n = Reviewed(Fine(6000000));
  ASSERT_TRUE(StepNotify(n, Notice("2025-10-13", true), Ctx()).ok());
  auto nt = Timers(n, Ctx("2025-10-25")).value();
  for (const auto& x : nt) {
    if (x.id == "hearing_request" || x.id == "statement") {
      EXPECT_EQ(x.status, TimerStatus::kLapsed) << x.id;
    }
  }
  EXPECT_EQ(NextDue(nt)->id, "decision");
}

TEST(CasePublication, SevenWorkingDaysForPenaltiesTwentyForOthers) {
  Decision d{Outcome::kPenalty, Fine(1), D("2025-09-30"), false};
  auto p = PublicationFor(d, Cal()).value();
  ASSERT_TRUE(p);
  EXPECT_EQ(p->due, D("2025-10-16"));
  EXPECT_EQ(p->kind, "penalty");
  d.outcome = Outcome::kNoPenalty;
  EXPECT_EQ(PublicationFor(d, Cal()).value()->due, D("2025-11-04"));
  d.outcome = Outcome::kTransfer;
  EXPECT_FALSE(PublicationFor(d, Cal()).value());
}

// Every field away from its default, so that a field the text forgets to write or read shows.
CaseSnapshot FullSnapshot() {
  auto ctx = Ctx();
  CaseSnapshot s =
      Reviewed(Penalty{{PenaltyKind::kFine, PenaltyKind::kSuspendLicence}, 1000000, 0});
  EXPECT_TRUE(StepNotify(s, Notice("2025-10-13", true), ctx).ok());
  EXPECT_TRUE(StepRequestHearing(s, {D("2025-10-14")}, ctx).ok());
  s.procedure = Procedure::kSimplified;
  s.party_kind = PartyKind::kPerson;
  s.act_end_date = D("2025-08-30");
  s.safety_harm = s.matter_review = true;
  s.recused = {4};
  s.investigators = {1, 2, 9};
  s.compulsion_steps = 2;
  s.non_coercive_steps = 3;
  s.proposed_outcome = Outcome::kPenalty;
  s.proposal_reason = "情节\"较重\"\\，\n多次违法\t\x01";
  s.outside_range = s.complex = s.major_interest = s.major_violation = true;
  s.stated = s.waived = s.hearing_waived = s.discussed = true;
  s.review = ReviewStatus::kAmend;
  s.review_round = 2;
  s.extension_days = 5;
  s.hearing.notice_date = D("2025-10-15");
  s.hearing.hearing_date = D("2025-10-24");
  s.hearing.presider_id = 77;
  s.hearing.held = s.hearing.attended = true;
  s.decision =
      Decision{Outcome::kPenalty, Penalty{{PenaltyKind::kWarning}, 0, 5000}, D("2025-11-03"), true};
  s.served_date = D("2025-11-04");
  s.executed_date = D("2025-11-20");
  s.filing_reported = s.archived = s.published = true;
  s.closed_date = D("2025-11-21");
  return s;
}

TEST(CaseSnapshotText, RoundTrip) {
  for (const CaseSnapshot& s : {FullSnapshot(), CaseSnapshot{}}) {
    const std::string text = s.ToText();
    EXPECT_TRUE(nlohmann::json::accept(text)) << text;
    auto back = CaseSnapshot::FromText(text);
    ASSERT_TRUE(back.ok()) << back.error().message_en;
    EXPECT_EQ(back->ToText(), text);
    EXPECT_EQ(back->ToJson(), s.ToJson());
    // The document's own order (keys sorted, as rows written before the text form hold it).
    auto sorted = CaseSnapshot::FromText(s.ToJson().dump(2));
    ASSERT_TRUE(sorted.ok()) << sorted.error().message_en;
    EXPECT_EQ(sorted->ToText(), text);
  }
  const CaseSnapshot full = FullSnapshot();
  auto back = CaseSnapshot::FromText(full.ToText());
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->notice->penalty.kinds.size(), 2u);
  EXPECT_EQ(back->decision->penalty.confiscation, 5000);
  EXPECT_EQ(back->proposal_reason, full.proposal_reason);
  EXPECT_EQ(back->hearing.presider_id, 77);
  // Every key the document has is one the text has (no field written to one form only).
  std::vector<std::string> text_keys, doc_keys;
  const auto text_doc = nlohmann::json::parse(full.ToText());
  const auto doc = full.ToJson();
  for (const auto& [k, v] : text_doc.items()) text_keys.push_back(k);
  for (const auto& [k, v] : doc.items()) doc_keys.push_back(k);
  EXPECT_EQ(text_keys, doc_keys);
  EXPECT_EQ(text_keys.size(), 39u);
}

TEST(CaseSnapshotText, ReadsARowAsStoredBeforeAndSkipsUnknownKeys) {
  // A row as `zhifa demo` stored it before the text form (nlohmann's dump: keys sorted), with a
  // key no version wrote.
  const std::string row =
      R"({"act_date":"2026-08-14","act_end_date":null,"archived":false,"closed_date":null,)"
      R"("complex":false,"compulsion_steps":0,"decision":null,"discovered_date":"2026-08-15",)"
      R"("discussed":false,"executed_date":null,"extension_days":0,"filed_date":"2026-08-18",)"
      R"("filing_reported":false,"future":{"a":[1,{"b":"\u00e9"}]},"hearing":{"attended":false,)"
      R"("hearing_date":null,"held":false,"notice_date":null,"presider_id":0,"requested":null},)"
      R"("hearing_waived":false,"investigation_steps":19,"investigators":[1472,1488],)"
      R"("major_interest":false,"major_violation":false,"matter_review":false,)"
      R"("non_coercive_steps":0,"notice":null,"officers":[1472,1488],"outside_range":false,)"
      R"("party_kind":"person","procedure":"ordinary","proposal":{"confiscation":0,"fine":0,)"
      R"("kinds":[]},"proposal_reason":"","proposed_outcome":null,"published":false,)"
      R"("recused":[],"review":"none","review_round":0,"reviewed":false,"safety_harm":false,)"
      R"("served_date":null,"state":"investigation","stated":false,"waived":false})";
  auto s = CaseSnapshot::FromText(row);
  ASSERT_TRUE(s.ok()) << s.error().message_en;
  EXPECT_EQ(s->state, State::kInvestigation);
  EXPECT_EQ(s->party_kind, PartyKind::kPerson);
  EXPECT_EQ(s->investigation_steps, 19);
  EXPECT_EQ(s->officers, (std::vector<int64_t>{1472, 1488}));
  EXPECT_EQ(s->filed_date, D("2026-08-18"));
  EXPECT_FALSE(s->notice);
  auto doc = nlohmann::json::parse(row);
  doc.erase("future");
  EXPECT_EQ(s->ToJson(), doc);

  // Only the five values every snapshot has: the rest default.
  auto min = CaseSnapshot::FromText(
      R"({"procedure":"ordinary","state":"lead","party_kind":"organisation",)"
      R"("act_date":"2026-01-02","discovered_date":"2026-01-03"})");
  ASSERT_TRUE(min.ok()) << min.error().message_en;
  CaseSnapshot want;
  want.act_date = D("2026-01-02");
  want.discovered_date = D("2026-01-03");
  EXPECT_EQ(min->ToText(), want.ToText());
}

TEST(CaseSnapshotText, RefusesUnreadableText) {
  const std::string base = FullSnapshot().ToText();
  auto replaced = [&](const std::string& from, const std::string& to) {
    std::string t = base;
    auto at = t.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    return t.replace(at, from.size(), to);
  };
  struct Row {
    std::string text;
    std::string why;  // part of the English message
  };
  for (const Row& row : std::vector<Row>{
           {"", "expected an object"},
           {"{}", "procedure, state, party_kind, act_date and discovered_date are required"},
           {replaced("\"procedure\":\"simplified\",", ""), "are required"},
           {replaced("\"state\":\"hearing\"", "\"state\":\"nowhere\""), "state: nowhere"},
           {replaced("\"act_date\":\"2025-", "\"act_date\":\"2025/"), "act_date: 2025/"},
           {replaced("\"safety_harm\":true", "\"safety_harm\":1"), "expected true or false"},
           {replaced("\"officers\":[", "\"officers\":[\"1\","), "expected an integer"},
           {replaced("\"review_round\":2", "\"review_round\":4294967296"), "count out of range"},
           {replaced("\"notice\":{\"date\":\"2025-10-13\",", "\"notice\":{"),
            "notice without its date or penalty"},
           {replaced("\"decision\":{\"outcome\":\"penalty\",", "\"decision\":{"),
            "decision without its outcome, penalty or date"},
           {replaced("\"decision\":{\"outcome\":\"penalty\"", "\"decision\":{\"outcome\":\"x\""),
            "decision.outcome: x"},
           {base.substr(0, base.size() - 1), "expected ',' or the end"},
           {base + "x", "unexpected text after the value"},
       }) {
    auto s = CaseSnapshot::FromText(row.text);
    ASSERT_FALSE(s.ok()) << row.text;
    EXPECT_EQ(s.error().code, core::ErrorCode::kInternal);
    EXPECT_NE(s.error().message_en.find("unreadable case state: "), std::string::npos);
    EXPECT_NE(s.error().message_en.find(row.why), std::string::npos)
        << row.why << " / " << s.error().message_en;
    EXPECT_NE(s.error().message_zh.find("案件状态数据无法读取"), std::string::npos);
  }
}

TEST(CasePenaltyJson, StrictFields) {
  auto p = PenaltyFromJson(nlohmann::json{{"kinds", {"fine", "警告"}}, {"fine", 100}}, "penalty");
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->kinds.size(), 2u);
  EXPECT_EQ(PenaltyFromJson(nlohmann::json{{"kinds", {"nope"}}}, "penalty").error().field,
            "penalty.kinds[0]");
  EXPECT_EQ(PenaltyFromJson(nlohmann::json{{"fine", -1}}, "penalty").error().field, "penalty.fine");
  EXPECT_EQ(PenaltyFromJson(nlohmann::json{{"x", 1}}, "penalty").error().code,
            core::ErrorCode::kUnknownField);
}

}  // namespace
}  // namespace zhifa::cases
