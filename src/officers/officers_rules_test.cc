#include "officers/officers_rules.h"

#include <gtest/gtest.h>

namespace zhifa::officers {
namespace {

using core::Date;
using core::ErrorCode;

// ---- 执法证号 ------------------------------------------------------------------------------

TEST(CertNo, AcceptsProvincialFormats) {
  struct Row {
    const char* in;
    const char* out;
  };
  for (Row r : {Row{"37010219001", "37010219001"}, Row{"鲁01-2019-0123", "鲁01-2019-0123"},
                Row{"鲁济执字第0123号", "鲁济执字第0123号"}, Row{"JN2019000123", "JN2019000123"},
                Row{"  jn2019000123 ", "JN2019000123"},           // trimmed, upper-cased
                Row{"１２３４５", "12345"},                       // full-width digits folded
                Row{"Ｊｎ－１２３", "JN-123"},                    // full-width letters and hyphen
                Row{"鲁（济）执字第123号", "鲁(济)执字第123号"},  // full-width brackets folded
                Row{"〔2019〕001", "〔2019〕001"}, Row{"(2019)001", "(2019)001"}}) {
    auto n = NormaliseCertNo(r.in);
    ASSERT_TRUE(n) << r.in << ": " << n.error().message_zh;
    EXPECT_EQ(*n, r.out) << r.in;
  }
}

TEST(CertNo, RefusesWithPositionAndField) {
  struct Row {
    const char* in;
    const char* contains;
  };
  for (Row r : {Row{"", "不能为空"}, Row{"   ", "不能为空"}, Row{"123 456", "第 4 个字符空格"},
                Row{"123/456", "第 4 个字符“/”"}, Row{"12#345", "第 3 个字符“#”"},
                Row{"12\t345", "控制字符"}, Row{"鲁A12", "至少包含 3 位数字"},
                Row{"ABCDEFG", "至少包含 3 位数字"}, Row{"123", "4–40 个字符"},
                Row{"1234567890123456789012345678901234567890A", "4–40 个字符"},
                Row{"１２３😀４", "第 4 个字符"}}) {
    auto n = NormaliseCertNo(r.in, "officers[2].cert_no");
    ASSERT_FALSE(n) << r.in;
    EXPECT_EQ(n.error().field, "officers[2].cert_no");
    EXPECT_NE(n.error().message_zh.find(r.contains), std::string::npos)
        << r.in << " → " << n.error().message_zh;
    EXPECT_FALSE(n.error().message_en.empty());
  }
  auto bad =
      NormaliseCertNo(std::string("12\xff"
                                  "345"));
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, ErrorCode::kInvalidUtf8);
}

TEST(CertNo, LegalCertificateNumber) {
  EXPECT_EQ(*NormaliseLegalCertNo("a20183701020123"), "A20183701020123");
  EXPECT_EQ(*NormaliseLegalCertNo("123456"), "123456");
  EXPECT_FALSE(NormaliseLegalCertNo("12345"));
  EXPECT_FALSE(NormaliseLegalCertNo("A2018-3701"));
  EXPECT_FALSE(NormaliseLegalCertNo("鲁123456"));
  EXPECT_EQ(NormaliseLegalCertNo("").error().field, "legal_cert_no");
}

// ---- Other fields ---------------------------------------------------------------------------

TEST(Fields, NameAndAuthority) {
  EXPECT_EQ(*NormaliseName(" 王伟 "), "王伟");
  EXPECT_EQ(NormaliseName("").error().field, "name");
  EXPECT_FALSE(NormaliseName("王\n伟"));
  EXPECT_FALSE(NormaliseName(std::string(51, 'a')));
  EXPECT_TRUE(NormaliseName(std::string(50, 'a')));
  EXPECT_EQ(*NormaliseIssuingAuthority("济南市人民政府"), "济南市人民政府");
  EXPECT_EQ(NormaliseIssuingAuthority(" ").error().field, "issuing_authority");
  EXPECT_FALSE(NormaliseIssuingAuthority(std::string(101, 'x')));
}

TEST(Fields, ValidityPeriodOrder) {
  EXPECT_TRUE(CheckValidityPeriod({2024, 1, 1}, {2024, 1, 1}));  // one day is a period
  EXPECT_TRUE(CheckValidityPeriod({2024, 1, 1}, {2029, 12, 31}));
  auto e = CheckValidityPeriod({2024, 1, 2}, {2024, 1, 1});
  ASSERT_FALSE(e);
  EXPECT_EQ(e.error().field, "valid_to");
  EXPECT_NE(e.error().message_zh.find("2024-01-01"), std::string::npos);
}

TEST(Fields, Domains) {
  auto d = NormaliseDomains({"城市管理", "food_drug"});
  ASSERT_TRUE(d);
  EXPECT_EQ(*d, (std::vector<std::string>{"food_drug", "urban_management"}));  // catalogue order
  EXPECT_EQ(NormaliseDomains({}).error().field, "domains");
  EXPECT_EQ(NormaliseDomains({"food_drug", "星际"}).error().field, "domains[1]");
  auto dup = NormaliseDomains({"ecology", "生态环境"});
  ASSERT_FALSE(dup);
  EXPECT_EQ(dup.error().field, "domains[1]");
  EXPECT_EQ(DomainsText({"a", "b"}), ",a,b,");
  EXPECT_EQ(DomainsText({}), "");
  EXPECT_EQ(DomainsFromText(",a,b,"), (std::vector<std::string>{"a", "b"}));
  EXPECT_TRUE(DomainsFromText("").empty());
}

TEST(Fields, LegalQualificationAndNumberGoTogether) {
  EXPECT_TRUE(CheckLegalQualification(true, "A2018"));
  EXPECT_TRUE(CheckLegalQualification(false, ""));
  EXPECT_TRUE(CheckLegalQualification(false, "  "));
  EXPECT_EQ(CheckLegalQualification(true, "").error().field, "legal_cert_no");
  EXPECT_EQ(CheckLegalQualification(false, "A2018").error().field, "legal_cert_no");
}

TEST(Options, Bounds) {
  EXPECT_TRUE(CheckOfficerOptions({}));
  EXPECT_EQ(OfficerOptions{}.expiring_days, 30);
  EXPECT_EQ(OfficerOptions{}.reviewer_ratio_permille, 50);  // action plan item 34: 5 %
  EXPECT_EQ(CheckOfficerOptions({-1, 50}).error().field, "officers.expiring_days");
  EXPECT_EQ(CheckOfficerOptions({3651, 50}).error().field, "officers.expiring_days");
  EXPECT_TRUE(CheckOfficerOptions({0, 0}));
  EXPECT_TRUE(CheckOfficerOptions({3650, 1000}));
  EXPECT_EQ(CheckOfficerOptions({30, 1001}).error().field, "officers.reviewer_ratio_permille");
  EXPECT_EQ(CheckOfficerOptions({30, -1}).error().field, "officers.reviewer_ratio_permille");
}

// ---- Status ---------------------------------------------------------------------------------

TEST(Status, ParseAndNames) {
  for (auto s : {OfficerStatus::kActive, OfficerStatus::kSuspended, OfficerStatus::kRevoked,
                 OfficerStatus::kRetired}) {
    EXPECT_EQ(ParseOfficerStatus(OfficerStatusId(s)), s);
    EXPECT_STRNE(OfficerStatusZh(s), "");
  }
  EXPECT_FALSE(ParseOfficerStatus("fired"));
  EXPECT_FALSE(ParseOfficerStatus(""));
}

TEST(Status, Transitions) {
  using S = OfficerStatus;
  struct Row {
    S from, to;
    bool ok;
  };
  for (Row r : {Row{S::kActive, S::kSuspended, true}, Row{S::kActive, S::kRevoked, true},
                Row{S::kActive, S::kRetired, true}, Row{S::kSuspended, S::kActive, true},
                Row{S::kSuspended, S::kRevoked, true}, Row{S::kSuspended, S::kRetired, true},
                Row{S::kActive, S::kActive, false}, Row{S::kSuspended, S::kSuspended, false},
                Row{S::kRevoked, S::kActive, false}, Row{S::kRevoked, S::kSuspended, false},
                Row{S::kRevoked, S::kRetired, false}, Row{S::kRetired, S::kActive, false},
                Row{S::kRetired, S::kRevoked, false}, Row{S::kRetired, S::kRetired, false}}) {
    auto st = CheckStatusChange(r.from, r.to);
    EXPECT_EQ(st.ok(), r.ok) << OfficerStatusId(r.from) << " → " << OfficerStatusId(r.to);
    if (!st) {
      EXPECT_EQ(st.error().code, ErrorCode::kConflict);
      EXPECT_EQ(st.error().field, "status");
    }
  }
}

// ---- Credential on a date -----------------------------------------------------------------

TEST(Credential, StateOnDate) {
  using S = OfficerStatus;
  using C = CredentialState;
  const Date from{2024, 1, 1}, to{2026, 6, 30};
  struct Row {
    S status;
    Date on;
    int window;
    C want;
  };
  for (Row r : {
           Row{S::kActive, {2023, 12, 31}, 30, C::kNotYetValid},
           Row{S::kActive, {2024, 1, 1}, 30, C::kValid},          // first day counts
           Row{S::kActive, {2026, 5, 30}, 30, C::kValid},         // 31 days left
           Row{S::kActive, {2026, 5, 31}, 30, C::kExpiringSoon},  // 30 days left
           Row{S::kActive, {2026, 6, 30}, 30, C::kExpiringSoon},  // last day: still valid
           Row{S::kActive, {2026, 7, 1}, 30, C::kExpired},
           Row{S::kActive, {2026, 6, 30}, 0, C::kExpiringSoon},  // window 0: only the last day
           Row{S::kActive, {2026, 6, 29}, 0, C::kValid},
           Row{S::kActive, {2024, 1, 1}, 3650, C::kExpiringSoon},
           Row{S::kSuspended, {2025, 1, 1}, 30, C::kInactive},
           Row{S::kRevoked, {2025, 1, 1}, 30, C::kInactive},
           Row{S::kRetired, {2027, 1, 1}, 30, C::kInactive},
       }) {
    EXPECT_EQ(StateOn(r.status, from, to, r.on, r.window), r.want)
        << core::FormatDate(r.on) << " window " << r.window;
    bool valid = r.want == C::kValid || r.want == C::kExpiringSoon;
    EXPECT_EQ(CredentialValidOn(r.status, from, to, r.on), valid) << core::FormatDate(r.on);
    OfficerOnDate o;
    o.status = r.status;
    o.valid_from = from;
    o.valid_to = to;
    Evaluate(o, r.on, r.window);
    EXPECT_EQ(o.credential_valid, valid);
    EXPECT_EQ(o.expiring_soon, r.want == C::kExpiringSoon);
  }
  EXPECT_STREQ(CredentialStateId(C::kExpiringSoon), "expiring");
  EXPECT_STREQ(CredentialStateId(C::kNotYetValid), "not_yet_valid");
}

TEST(Credential, CheckForAssignmentNamesTheReasonAndArticle) {
  OfficerOnDate o;
  o.name = "王伟";
  o.cert_no = "37010219001";
  o.valid_from = {2024, 1, 1};
  o.valid_to = {2025, 12, 31};
  EXPECT_TRUE(CheckCredentialValid(o, {2025, 12, 31}, "officers[0]"));
  auto expired = CheckCredentialValid(o, {2026, 1, 1}, "officers[0]");
  ASSERT_FALSE(expired);
  EXPECT_EQ(expired.error().code, ErrorCode::kConflict);
  EXPECT_EQ(expired.error().field, "officers[0]");
  EXPECT_NE(expired.error().message_zh.find("2025-12-31 到期"), std::string::npos);
  EXPECT_NE(expired.error().message_zh.find("第42条"), std::string::npos);
  auto early = CheckCredentialValid(o, {2023, 6, 1}, "officers[1]");
  ASSERT_FALSE(early);
  EXPECT_NE(early.error().message_zh.find("2024-01-01 起"), std::string::npos);
  o.status = OfficerStatus::kSuspended;
  auto suspended = CheckCredentialValid(o, {2025, 1, 1}, "officers[1]");
  ASSERT_FALSE(suspended);
  EXPECT_NE(suspended.error().message_zh.find("暂停执法"), std::string::npos);
}

// ---- Legal review (行政处罚法 第58条第2款) ----------------------------------------------------

OfficerOnDate Reviewer(bool qualified, std::optional<Date> first) {
  OfficerOnDate o;
  o.name = "李芳";
  o.legal_qualification = qualified;
  o.first_review_on = first;
  return o;
}

TEST(LegalReview, FirstTimeMeansNoReviewStrictlyBefore) {
  const Date on{2025, 3, 10};
  EXPECT_TRUE(IsFirstTimeReviewer(Reviewer(false, std::nullopt), on));
  EXPECT_TRUE(IsFirstTimeReviewer(Reviewer(false, on), on));  // same day: still first-time
  EXPECT_TRUE(IsFirstTimeReviewer(Reviewer(false, Date{2025, 3, 11}), on));  // recorded later
  EXPECT_FALSE(IsFirstTimeReviewer(Reviewer(false, Date{2025, 3, 9}), on));
}

TEST(LegalReview, Gate) {
  const Date on{2025, 3, 10};
  struct Row {
    bool in_register;
    OfficerStatus status;
    bool qualified;
    std::optional<Date> first;
    bool ok;
  };
  for (Row r : {
           Row{true, OfficerStatus::kActive, true, std::nullopt, true},
           Row{true, OfficerStatus::kActive, false, std::nullopt, false},  // first time, no 资格
           Row{true, OfficerStatus::kActive, false, Date{2025, 3, 10}, false},
           Row{true, OfficerStatus::kActive, false, Date{2024, 1, 1}, true},  // experienced
           Row{true, OfficerStatus::kActive, true, Date{2024, 1, 1}, true},
           Row{true, OfficerStatus::kSuspended, true, Date{2024, 1, 1}, false},
           Row{true, OfficerStatus::kRevoked, true, std::nullopt, false},
           Row{true, OfficerStatus::kRetired, true, std::nullopt, false},
           Row{false, OfficerStatus::kActive, true, std::nullopt, false},  // not registered
       }) {
    std::optional<OfficerOnDate> rev;
    if (r.in_register) {
      rev = Reviewer(r.qualified, r.first);
      rev->status = r.status;
    }
    auto st = CheckReviewerQualified(rev, on, "reviewer_id");
    EXPECT_EQ(st.ok(), r.ok) << OfficerStatusId(r.status) << " qualified " << r.qualified;
    if (!st) {
      EXPECT_EQ(st.error().code, ErrorCode::kConflict);
      EXPECT_EQ(st.error().field, "reviewer_id");
    }
  }
  auto st = CheckReviewerQualified(Reviewer(false, std::nullopt), on);
  ASSERT_FALSE(st);
  EXPECT_NE(st.error().message_zh.find("第58条第2款"), std::string::npos);
  EXPECT_NE(st.error().message_en.find("art. 58(2)"), std::string::npos);
  EXPECT_NE(CheckReviewerQualified(std::nullopt, on).error().message_zh.find("第58条第2款"),
            std::string::npos);
}

// ---- Reviewer ratio (action plan item 34: 不少于 5%) -----------------------------------------

TEST(ReviewerRatio, Rows) {
  struct Row {
    int64_t reviewers, officers;
    int permille;
    int64_t required;
    bool meets;
  };
  for (Row r : {
           Row{0, 0, 50, 0, true},    // no officers: nothing required
           Row{0, 1, 50, 1, false},   // 5 % of 1 rounds up to 1 person
           Row{1, 20, 50, 1, true},   // exactly 5 %
           Row{1, 21, 50, 2, false},  // 1/21 = 4.76 % < 5 %
           Row{2, 21, 50, 2, true}, Row{5, 100, 50, 5, true}, Row{4, 100, 50, 5, false},
           Row{3, 100, 25, 3, true},     // a configured 2.5 %
           Row{0, 100, 0, 0, true},      // threshold 0
           Row{10, 10, 1000, 10, true},  // 100 %
       }) {
    auto x = ComputeReviewerRatio(r.reviewers, r.officers, r.permille);
    EXPECT_EQ(x.required, r.required) << r.reviewers << "/" << r.officers;
    EXPECT_EQ(x.meets, r.meets) << r.reviewers << "/" << r.officers;
    EXPECT_EQ(x.threshold_permille, r.permille);
    EXPECT_EQ(x.percent.has_value(), r.officers > 0);
  }
  EXPECT_DOUBLE_EQ(*ComputeReviewerRatio(1, 20, 50).percent, 5.0);
}

}  // namespace
}  // namespace zhifa::officers
