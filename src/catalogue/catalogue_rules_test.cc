#include "catalogue/catalogue_rules.h"

#include <gtest/gtest.h>

namespace zhifa::catalogue {
namespace {

constexpr Fen kYuan = 100;

ParsedStandard P(std::string_view s) {
  auto r = ParseStandard(s, "具体标准");
  EXPECT_TRUE(r.ok()) << s << ": " << (r ? "" : r.error().message_zh);
  return r ? *r : ParsedStandard{};
}

TEST(Domains, AreTheTenOfTaskFivePlusOther) {
  ASSERT_EQ(Domains().size(), 11u);
  std::string all;
  for (const auto& d : Domains()) all += std::string(d.zh) + "、";
  EXPECT_EQ(
      all,
      "食品药品、公共卫生、自然资源、生态环境、安全生产、劳动保障、城市管理、交通运输、金融服务、"
      "教育培训、其他、");
  EXPECT_EQ(ParseDomain("生态环境"), "ecology");
  EXPECT_EQ(ParseDomain("food_drug"), "food_drug");
  EXPECT_FALSE(ParseDomain("农业"));
}

TEST(ParseStandard, FixedRangeInWan) {
  auto p = P("处1万元以上5万元以下罚款");
  ASSERT_TRUE(p.fine);
  EXPECT_EQ(p.fine->basis, FineRange::Basis::kFixed);
  EXPECT_EQ(p.fine->min, 10000 * kYuan);
  EXPECT_EQ(p.fine->max, 50000 * kYuan);
  EXPECT_EQ(p.kinds, std::vector<PenaltyKind>{PenaltyKind::kFine});
}

TEST(ParseStandard, ChineseNumeralsMaximumOnly) {
  auto p = P("处五千元以下罚款");
  ASSERT_TRUE(p.fine);
  EXPECT_FALSE(p.fine->min);
  EXPECT_EQ(p.fine->max, 5000 * kYuan);
  auto q = P("处二十万元以上一百万元以下的罚款");
  EXPECT_EQ(q.fine->min, 200000 * kYuan);
  EXPECT_EQ(q.fine->max, 1000000 * kYuan);
  auto r = P("处五十元以上二百元以下罚款");
  EXPECT_EQ(r.fine->min, 50 * kYuan);
  EXPECT_EQ(r.fine->max, 200 * kYuan);
  auto s = P("处一万五千元罚款");
  EXPECT_EQ(s.fine->min, 15000 * kYuan);
  EXPECT_EQ(s.fine->max, 15000 * kYuan);
}

TEST(ParseStandard, MultipleOfGainsWithConfiscation) {
  auto p = P("没收违法所得，并处违法所得2倍以上5倍以下罚款");
  ASSERT_TRUE(p.fine);
  EXPECT_EQ(p.fine->basis, FineRange::Basis::kMultipleOfGains);
  EXPECT_EQ(p.fine->min_permille, 2000);
  EXPECT_EQ(p.fine->max_permille, 5000);
  EXPECT_EQ(p.kinds, (std::vector<PenaltyKind>{PenaltyKind::kFine, PenaltyKind::kConfiscateGains}));
}

TEST(ParseStandard, MultipleWithFallbackClause) {
  auto p = P(
      "没收违法所得和违法生产经营的食品，并处货值金额十倍以上二十倍以下罚款；货值金额不足一万元的，"
      "并处五万元以上十万元以下罚款");
  ASSERT_TRUE(p.fine);
  EXPECT_EQ(p.fine->basis, FineRange::Basis::kMultipleOfValue);
  EXPECT_EQ(p.fine->min_permille, 10000);
  EXPECT_EQ(p.fine->max_permille, 20000);
  EXPECT_EQ(p.fine->fallback_min, 50000 * kYuan);
  EXPECT_EQ(p.fine->fallback_max, 100000 * kYuan);
  EXPECT_EQ(p.kinds, (std::vector<PenaltyKind>{PenaltyKind::kFine, PenaltyKind::kConfiscateGains,
                                               PenaltyKind::kConfiscateProperty}));
}

TEST(ParseStandard, DecimalsRangesWithZhiAndFixedAmount) {
  EXPECT_EQ(P("处0.5万元以上1万元以下罚款").fine->min, 5000 * kYuan);
  auto p = P("处1万元至5万元罚款");
  EXPECT_EQ(p.fine->min, 10000 * kYuan);
  EXPECT_EQ(p.fine->max, 50000 * kYuan);
  auto q = P("处1至5万元罚款");
  EXPECT_EQ(q.fine->min, 10000 * kYuan);
  auto r = P("处违法所得1.5倍以上3倍以下罚款");
  EXPECT_EQ(r.fine->min_permille, 1500);
  auto s = P("处２０００元罚款");
  EXPECT_EQ(s.fine->min, 2000 * kYuan);
}

TEST(ParseStandard, PercentOfValueAndJoinedMultiples) {
  auto p = P("处建设项目总投资额百分之一以上百分之五以下的罚款");
  ASSERT_TRUE(p.fine);
  EXPECT_EQ(p.fine->basis, FineRange::Basis::kMultipleOfValue);
  EXPECT_EQ(p.fine->min_permille, 10);
  EXPECT_EQ(p.fine->max_permille, 50);
  auto q =
      P("处广告费用三倍以上五倍以下的罚款；有其他严重情节的，处广告费用五倍以上十倍以下的罚款");
  EXPECT_EQ(q.fine->min_permille, 3000);
  EXPECT_EQ(q.fine->max_permille, 10000);
  EXPECT_FALSE(ParseStandard("处违法所得一倍以上三倍以下罚款；处货值金额二倍罚款"));
  auto r = P("并处十万元以上一百万元以下的罚款；情节严重的，责令停业、关闭");
  EXPECT_EQ(r.kinds, (std::vector<PenaltyKind>{PenaltyKind::kFine, PenaltyKind::kSuspendBusiness,
                                               PenaltyKind::kClose}));
}

TEST(ParseStandard, NonFineKinds) {
  EXPECT_EQ(P("警告").kinds, std::vector<PenaltyKind>{PenaltyKind::kWarning});
  EXPECT_EQ(P("责令停产停业").kinds, std::vector<PenaltyKind>{PenaltyKind::kSuspendBusiness});
  EXPECT_EQ(P("吊销许可证件").kinds, std::vector<PenaltyKind>{PenaltyKind::kRevokeLicence});
  EXPECT_EQ(P("处警告或者通报批评").kinds,
            (std::vector<PenaltyKind>{PenaltyKind::kWarning, PenaltyKind::kCriticism}));
  auto np = P("不予行政处罚");
  EXPECT_TRUE(np.no_penalty);
  EXPECT_TRUE(np.kinds.empty());
  EXPECT_FALSE(P("警告").fine);
}

TEST(ParseStandard, SeveralFixedClausesJoin) {
  auto p =
      P("处一万元以上五万元以下罚款；情节严重的，处五万元以上二十万元以下罚款，并可以吊销许可证");
  EXPECT_EQ(p.fine->min, 10000 * kYuan);
  EXPECT_EQ(p.fine->max, 200000 * kYuan);
  EXPECT_EQ(p.kinds, (std::vector<PenaltyKind>{PenaltyKind::kFine, PenaltyKind::kRevokeLicence}));
}

TEST(ParseStandard, Errors) {
  EXPECT_FALSE(ParseStandard("", "f"));
  EXPECT_FALSE(ParseStandard("责令改正", "f"));  // an order to correct is not a penalty
  auto r = ParseStandard("处5万元以上1万元以下罚款", "具体标准");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().field, "具体标准");
  EXPECT_NE(r.error().message_zh.find("下限高于上限"), std::string::npos);
  EXPECT_FALSE(ParseStandard("处罚款", "f"));
}

TEST(TierBand, FromPublishedNames) {
  EXPECT_EQ(BandForTierName("轻微"), Band::kLighter);
  EXPECT_EQ(BandForTierName("一般"), Band::kGeneral);
  EXPECT_EQ(BandForTierName("较重"), Band::kHeavier);
  EXPECT_EQ(BandForTierName("严重"), Band::kHeavier);
  EXPECT_EQ(BandForTierName("不予处罚"), Band::kNoPenalty);
  EXPECT_EQ(BandForTierName("减轻处罚"), Band::kReduced);
  EXPECT_FALSE(BandForTierName("A档"));
}

Tier MakeTier(const std::string& name, const std::string& standard) {
  Tier t;
  t.name = name;
  t.band = BandForTierName(name);
  t.standard_text = standard;
  auto p = ParseStandard(standard);
  EXPECT_TRUE(p.ok()) << standard;
  t.kinds = p->kinds;
  t.fine = p->fine;
  return t;
}

StatutoryRange Range(const std::string& text) {
  StatutoryRange r;
  r.text = text;
  auto p = ParseStandard(text);
  EXPECT_TRUE(p.ok()) << text;
  r.kinds = p->kinds;
  r.fine = p->fine;
  return r;
}

TEST(TierWithinRange, Rows) {
  auto fixed = Range("处一万元以上十万元以下罚款");
  EXPECT_TRUE(CheckTierWithinRange(MakeTier("一般", "处3万元以上6万元以下罚款"), fixed));
  auto over =
      CheckTierWithinRange(MakeTier("严重", "处8万元以上20万元以下罚款"), fixed, "具体标准");
  ASSERT_FALSE(over);
  EXPECT_EQ(over.error().field, "具体标准");
  EXPECT_NE(over.error().message_zh.find("超过法定上限10万元"), std::string::npos);
  EXPECT_FALSE(CheckTierWithinRange(MakeTier("轻微", "处5000元以上1万元以下罚款"), fixed));
  // 减轻处罚 (第32条) may go below the minimum, never above the maximum.
  EXPECT_TRUE(CheckTierWithinRange(MakeTier("减轻处罚", "处5000元以下罚款"), fixed));
  EXPECT_FALSE(CheckTierWithinRange(MakeTier("减轻处罚", "处20万元罚款"), fixed));
  EXPECT_FALSE(CheckTierWithinRange(MakeTier("一般", "吊销许可证件"), fixed));  // not a kind here
  EXPECT_TRUE(CheckTierWithinRange(MakeTier("不予处罚", "不予行政处罚"), fixed));
  auto gains =
      Range("没收违法所得，并处违法所得一倍以上五倍以下罚款；没有违法所得的，处十万元以下罚款");
  EXPECT_TRUE(CheckTierWithinRange(MakeTier("从重", "没收违法所得，并处违法所得3倍以上5倍以下罚款"),
                                   gains));
  EXPECT_FALSE(CheckTierWithinRange(
      MakeTier("从重", "没收违法所得，并处违法所得3倍以上6倍以下罚款"), gains));
  EXPECT_TRUE(CheckTierWithinRange(MakeTier("一般", "处5万元以下罚款"), gains));  // fallback
  EXPECT_FALSE(CheckTierWithinRange(MakeTier("一般", "处20万元罚款"), gains));
  auto value = Range("处货值金额一倍以上三倍以下罚款");
  EXPECT_FALSE(CheckTierWithinRange(MakeTier("一般", "处违法所得1倍以上2倍以下罚款"), value));
}

TEST(Format, MoneyAndFine) {
  EXPECT_EQ(FormatFen(150 * 10000 * kYuan), "150万元");
  EXPECT_EQ(FormatFen(5000 * kYuan), "5000元");
  EXPECT_EQ(FormatFen(12345), "123.45元");
  FineRange f;
  f.min = 10000 * kYuan;
  f.max = 50000 * kYuan;
  EXPECT_EQ(FormatFine(f), "处1万元以上5万元以下罚款");
  auto back = ParseStandard(FormatFine(f));
  EXPECT_EQ(back->fine->min, f.min);
  FineRange g;
  g.basis = FineRange::Basis::kMultipleOfGains;
  g.min_permille = 2000;
  g.max_permille = 5500;
  g.fallback_max = 100000 * kYuan;
  auto gb = ParseStandard(FormatFine(g));
  ASSERT_TRUE(gb.ok()) << FormatFine(g);
  EXPECT_EQ(gb->fine->max_permille, 5500);
  EXPECT_EQ(gb->fine->fallback_max, 100000 * kYuan);
}

core::Date D(const char* s) { return *core::ParseDate(s); }

TEST(Holdings, TransferKeepsEveryDayCovered) {
  std::vector<Holding> hs = {{1, 10, D("2020-01-01"), std::nullopt}};
  EXPECT_TRUE(CheckTransfer(hs, 10, 20, D("2024-03-01")));
  // Apply the transfer as the service does: end = start of the new one, same day.
  hs[0].end = D("2024-03-01");
  hs.push_back({2, 20, D("2024-03-01"), std::nullopt});
  EXPECT_TRUE(CheckCoverage(hs));
  EXPECT_EQ(HoldersOn(hs, D("2024-02-29")), std::vector<int64_t>{10});
  EXPECT_EQ(HoldersOn(hs, D("2024-03-01")), std::vector<int64_t>{20});
  // The old holder no longer has an open holding; the new one cannot receive it twice.
  EXPECT_EQ(CheckTransfer(hs, 10, 30, D("2024-05-01")).error().field, "from_unit_id");
  EXPECT_EQ(CheckTransfer(hs, 30, 20, D("2024-05-01")).error().field, "from_unit_id");
  EXPECT_EQ(CheckTransfer(hs, 20, 20, D("2024-05-01")).error().field, "to_unit_id");
  EXPECT_EQ(CheckTransfer(hs, 20, 10, D("2024-01-01")).error().field, "effective_from");
  // A gap is detected.
  std::vector<Holding> gap = {{1, 10, D("2020-01-01"), D("2021-01-01")},
                              {2, 20, D("2021-01-02"), std::nullopt}};
  auto st = CheckCoverage(gap);
  ASSERT_FALSE(st);
  EXPECT_NE(st.error().message_zh.find("2021-01-01"), std::string::npos);
  std::vector<Holding> ended = {{1, 10, D("2020-01-01"), D("2021-01-01")}};
  EXPECT_FALSE(CheckCoverage(ended));
}

TEST(Versions, NewVersionStartsAfterAll) {
  EXPECT_TRUE(CheckNewVersionDate({D("2024-01-01")}, D("2024-01-02")));
  EXPECT_EQ(CheckNewVersionDate({D("2024-01-01")}, D("2024-01-01")).error().field,
            "effective_from");
  EXPECT_FALSE(CheckNewVersionDate({D("2024-01-01"), D("2025-01-01")}, D("2024-06-01")));
}

TEST(Matter, CodeAndTierChecks) {
  EXPECT_TRUE(CheckMatterCode("370100-XZCF-001"));
  EXPECT_FALSE(CheckMatterCode(""));
  EXPECT_FALSE(CheckMatterCode("有 空格"));
  MatterRules m;
  m.code = "C1";
  m.name = "名称";
  m.range = Range("处一万元以上十万元以下罚款");
  m.tiers = {MakeTier("一般", "处3万元以上6万元以下罚款"), MakeTier("一般", "处3万元罚款")};
  auto st = CheckMatter(m);
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().field, "tiers[1].name");
  m.tiers[1] = MakeTier("严重", "处6万元以上12万元以下罚款");
  EXPECT_EQ(CheckMatter(m).error().field, "tiers[1].standard_text");
  m.domain = "nowhere";
  m.tiers.pop_back();
  EXPECT_EQ(CheckMatter(m).error().field, "domain");
}

}  // namespace
}  // namespace zhifa::catalogue
