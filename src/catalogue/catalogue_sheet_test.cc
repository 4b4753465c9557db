#include "catalogue/catalogue_sheet.h"

#include <gtest/gtest.h>

#include "catalogue/catalogue_rules.h"

namespace zhifa::catalogue {
namespace {

Table MatterTable(std::vector<std::vector<std::string>> rows) {
  Table t{kMatterSheet, {MatterColumns()}};
  for (auto& r : rows) t.rows.push_back(std::move(r));
  return t;
}
Table TierTable(std::vector<std::vector<std::string>> rows) {
  Table t{kTierSheet, {TierColumns()}};
  for (auto& r : rows) t.rows.push_back(std::move(r));
  return t;
}

const std::string kFoodRange =
    std::string("没收违法所得和违法生产经营的食品，并处货值金额十倍以上二十倍以下罚款；") +
    "货值金额不足一万元的，并处五万元以上十万元以下罚款；情节严重的，吊销许可证";

const std::vector<std::string> kMatterRow = {
    "SC-001",
    "生产经营超过保质期的食品",
    "处罚",
    "市市场监管局",
    "食品药品",
    "《中华人民共和国食品安全法》第三十四条第（十）项",
    "《中华人民共和国食品安全法》第一百二十四条第一款第（五）项",
    kFoodRange,
    "是",
    "涉嫌生产、销售不符合安全标准的食品罪的，移送公安机关",
    "是"};

std::vector<std::string> TierRow(const std::string& seq, const std::string& code,
                                 const std::string& tier, const std::string& standard) {
  return {seq,
          code,
          "生产经营超过保质期的食品",
          "《中华人民共和国食品安全法》第一百二十四条第一款第（五）项",
          tier,
          "条件",
          standard,
          "济南市市场监管行政处罚裁量基准",
          ""};
}

TEST(Sheets, ReadsAValidFile) {
  auto m = MatterTable({kMatterRow});
  auto t =
      TierTable({TierRow("1", "SC-001", "轻微", "货值金额不足一万元的，处5万元以上6万元以下罚款"),
                 TierRow("2", "", "一般", "并处货值金额十倍以上十五倍以下罚款"),
                 TierRow("3", "SC-001", "严重", "吊销许可证件")});
  auto set = ReadSheets(&m, t, nullptr);
  ASSERT_TRUE(set.problems.empty())
      << set.problems[0].row << set.problems[0].column << set.problems[0].message_zh;
  ASSERT_EQ(set.matters.size(), 1u);
  const auto& r = set.matters[0].rules;
  EXPECT_EQ(r.domain, "food_drug");
  EXPECT_TRUE(r.major_review);
  EXPECT_TRUE(r.sample);
  ASSERT_EQ(r.tiers.size(), 3u);
  EXPECT_EQ(r.tiers[1].fine->min_permille, 10000);
  EXPECT_EQ(r.tiers[2].band, Band::kHeavier);
  EXPECT_EQ(set.matters[0].holder_names, std::vector<std::string>{"市市场监管局"});
}

TEST(Sheets, ReportsEveryProblemByRowAndColumn) {
  auto bad = kMatterRow;
  bad[2] = "罚款类";
  bad[4] = "农业";
  auto m = MatterTable({bad});
  auto t = TierTable({TierRow("1", "SC-001", "一般", "处30万元罚款"),
                      TierRow("2", "SC-001", "一般", "处5万元罚款"),
                      TierRow("x", "NOPE-1", "一般", "警告"),
                      TierRow("4", "SC-001", "严重", "无法识别的标准")});
  auto set = ReadSheets(&m, t, [](const std::string&) { return std::nullopt; });
  std::vector<std::string> got;
  for (const auto& p : set.problems)
    got.push_back(p.sheet + ":" + std::to_string(p.row) + ":" + p.column);
  EXPECT_EQ(got, (std::vector<std::string>{"执法事项:2:事项类别", "执法事项:2:重点领域",
                                           "裁量基准:2:具体标准", "裁量基准:3:裁量阶次",
                                           "裁量基准:4:序号", "裁量基准:4:事项代码",
                                           "裁量基准:5:事项代码"}));
}

TEST(Sheets, HeaderProblemsAndUnknownExistingCode) {
  Table t{kTierSheet, {{"序号", "事项代码", "名称"}}};
  auto set = ReadSheets(nullptr, t, nullptr);
  ASSERT_FALSE(set.problems.empty());
  EXPECT_EQ(set.problems[0].row, 1);
  EXPECT_EQ(set.problems[0].column, "名称");
}

TEST(Sheets, BenchmarksOnlyUpdateAnExistingMatter) {
  MatterRules ex;
  ex.code = "CG-1";
  ex.name = "擅自占用城市道路";
  ex.range.text = "处二万元以下罚款";
  ex.range.kinds = {PenaltyKind::kFine};
  ex.range.fine = FineRange{};
  ex.range.fine->max = 2000000;
  auto t = TierTable({{"1", "CG-1", "", "", "一般", "", "处1万元以下罚款", "", ""},
                      {"2", "CG-1", "", "", "严重", "", "处3万元罚款", "", ""}});
  auto set = ReadSheets(nullptr, t, [&](const std::string& c) -> std::optional<MatterRules> {
    if (c == "CG-1") return ex;
    return std::nullopt;
  });
  ASSERT_EQ(set.problems.size(), 1u);
  EXPECT_EQ(set.problems[0].row, 3);
  EXPECT_NE(set.problems[0].message_zh.find("超过法定上限2万元"), std::string::npos);
}

TEST(Sheets, WriteThenReadRoundTrips) {
  auto m = MatterTable({kMatterRow});
  auto t =
      TierTable({TierRow("1", "SC-001", "轻微", "货值金额不足一万元的，处5万元以上6万元以下罚款"),
                 TierRow("2", "SC-001", "一般", "并处货值金额十倍以上十五倍以下罚款")});
  auto first = ReadSheets(&m, t, nullptr);
  ASSERT_TRUE(first.problems.empty());
  std::vector<MatterRules> rules = {first.matters[0].rules};
  auto sheets = WriteSheets(rules, {first.matters[0].holder_names});
  auto second = ReadSheets(&sheets.matters, sheets.tiers, nullptr);
  ASSERT_TRUE(second.problems.empty());
  ASSERT_EQ(second.matters.size(), 1u);
  EXPECT_TRUE(SameContent(second.matters[0].rules, rules[0]));
  EXPECT_EQ(second.matters[0].holder_names, first.matters[0].holder_names);
  EXPECT_EQ(second.matters[0].rules.sample, rules[0].sample);
}

TEST(Sheets, SplitNames) {
  EXPECT_EQ(SplitNames("市城市管理局、 市生态环境局；市城市管理局"),
            (std::vector<std::string>{"市城市管理局", "市生态环境局"}));
}

}  // namespace
}  // namespace zhifa::catalogue
