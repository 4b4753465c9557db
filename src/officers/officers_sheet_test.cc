#include "officers/officers_sheet.h"

#include <gtest/gtest.h>

namespace zhifa::officers {
namespace {

using catalogue::Table;

Table Sheet(std::vector<std::vector<std::string>> body) {
  Table t;
  t.name = kOfficerSheet;
  t.rows.push_back(OfficerColumns());
  for (auto& r : body) t.rows.push_back(std::move(r));
  return t;
}

std::vector<std::string> Good(const std::string& cert) {
  return {cert,
          "王伟",
          "第一大队",
          "济南市人民政府",
          "2024-01-01",
          "2028-12-31",
          "食品药品、城市管理",
          "否",
          "",
          "",
          ""};
}

TEST(OfficerSheet, ReadsAGoodRow) {
  auto s = ReadOfficerSheet(Sheet({Good("jn-001"), {"", "", ""}}));  // empty rows skipped
  ASSERT_TRUE(s.problems.empty()) << s.problems[0].message_zh;
  ASSERT_EQ(s.rows.size(), 1u);
  const auto& o = s.rows[0];
  EXPECT_EQ(o.row, 2);
  EXPECT_EQ(o.cert_no, "JN-001");
  EXPECT_EQ(o.unit, "第一大队");
  EXPECT_EQ(o.domains, (std::vector<std::string>{"food_drug", "urban_management"}));
  EXPECT_EQ(o.status, OfficerStatus::kActive);
  EXPECT_FALSE(o.legal_qualification);
}

TEST(OfficerSheet, EveryProblemByRowAndColumn) {
  auto bad_dates = Good("JN-002");
  bad_dates[4] = "2025-02-30";
  auto order = Good("JN-003");
  order[4] = "2026-01-01";
  order[5] = "2025-01-01";
  auto legal = Good("JN-004");
  legal[7] = "是";
  auto yesno = Good("JN-005");
  yesno[7] = "也许";
  auto status = Good("JN-006");
  status[9] = "出差";
  auto domain = Good("JN-007");
  domain[6] = "星际";
  auto dup = Good("jn-001");
  auto user1 = Good("JN-008");
  user1[10] = "wangwei";
  auto user2 = Good("JN-009");
  user2[10] = "wangwei";
  auto blank = Good("JN-010");
  blank[1] = "";
  blank[2] = "";
  auto s = ReadOfficerSheet(Sheet({Good("JN-001"),
                                   bad_dates,
                                   order,
                                   legal,
                                   yesno,
                                   status,
                                   domain,
                                   dup,
                                   user1,
                                   user2,
                                   blank,
                                   {"a b", "x"}}));
  struct Want {
    int row;
    const char* column;
  };
  std::vector<Want> want = {{3, "有效期起"},     {4, "有效期至"}, {5, "法律职业资格证书编号"},
                            {6, "法律职业资格"}, {7, "状态"},     {8, "执法领域"},
                            {9, "执法证号"},     {11, "用户名"},  {12, "姓名"},
                            {12, "所属单位"},    {13, "执法证号"}};
  for (const auto& w : want) {
    bool found = false;
    for (const auto& p : s.problems) {
      if (p.row == w.row && p.column == w.column) {
        found = true;
        EXPECT_EQ(p.sheet, kOfficerSheet);
        EXPECT_FALSE(p.message_zh.empty());
        EXPECT_FALSE(p.message_en.empty());
      }
    }
    EXPECT_TRUE(found) << "row " << w.row << " column " << w.column;
  }
  // Rows with problems are not kept; good rows are.
  for (const auto& r : s.rows) EXPECT_TRUE(r.cert_no == "JN-001" || r.cert_no == "JN-008");
  // The duplicate message names the first row.
  for (const auto& p : s.problems) {
    if (p.row == 9) EXPECT_NE(p.message_zh.find("第 2 行"), std::string::npos) << p.message_zh;
  }
}

TEST(OfficerSheet, Header) {
  Table t;
  t.name = kOfficerSheet;
  EXPECT_EQ(ReadOfficerSheet(t).problems.size(), 1u);
  t.rows = {{"执法证号", "姓名", "所属单位", "发证机关", "有效期起", "有效期至", "籍贯"}};
  auto s = ReadOfficerSheet(t);
  bool unknown = false, missing = false;
  for (const auto& p : s.problems) {
    unknown = unknown || (p.row == 1 && p.column == "籍贯");
    missing = missing || (p.row == 1 && p.column == "执法领域");
  }
  EXPECT_TRUE(unknown);
  EXPECT_TRUE(missing);
  // Columns in any order; optional ones may be left out.
  t.rows = {{"姓名", "执法证号", "执法领域", "所属单位", "发证机关", "有效期至", "有效期起"},
            {"李芳", "X-123", "生态环境", "一中队", "济南市人民政府", "2030-01-01", "2025-01-01"}};
  s = ReadOfficerSheet(t);
  ASSERT_TRUE(s.problems.empty()) << s.problems[0].message_zh;
  EXPECT_EQ(s.rows[0].name, "李芳");
  EXPECT_EQ(s.rows[0].valid_to, (core::Date{2030, 1, 1}));
  // A header and nothing else.
  t.rows.resize(1);
  EXPECT_EQ(ReadOfficerSheet(t).problems.size(), 1u);
}

TEST(OfficerSheet, WriteThenReadGivesTheSameRows) {
  OfficerRow a;
  a.cert_no = "鲁01-2019-0123";
  a.name = "王伟";
  a.unit = "历下区市场监督管理局/执法大队";
  a.issuing_authority = "济南市人民政府";
  a.valid_from = {2024, 1, 1};
  a.valid_to = {2028, 12, 31};
  a.domains = {"food_drug", "public_health"};
  a.legal_qualification = true;
  a.legal_cert_no = "A20183701020123";
  a.status = OfficerStatus::kSuspended;
  a.username = "lxscjgt1o1";
  OfficerRow b = a;
  b.cert_no = "37010219001";
  b.legal_qualification = false;
  b.legal_cert_no = "";
  b.status = OfficerStatus::kActive;
  b.username = "";
  auto back = ReadOfficerSheet(WriteOfficerSheet({a, b}));
  ASSERT_TRUE(back.problems.empty()) << back.problems[0].message_zh;
  ASSERT_EQ(back.rows.size(), 2u);
  for (size_t i = 0; i < 2; ++i) {
    const auto& x = i == 0 ? a : b;
    const auto& y = back.rows[i];
    EXPECT_EQ(y.cert_no, x.cert_no);
    EXPECT_EQ(y.name, x.name);
    EXPECT_EQ(y.unit, x.unit);
    EXPECT_EQ(y.issuing_authority, x.issuing_authority);
    EXPECT_EQ(y.valid_from, x.valid_from);
    EXPECT_EQ(y.valid_to, x.valid_to);
    EXPECT_EQ(y.domains, x.domains);
    EXPECT_EQ(y.legal_qualification, x.legal_qualification);
    EXPECT_EQ(y.legal_cert_no, x.legal_cert_no);
    EXPECT_EQ(y.status, x.status);
    EXPECT_EQ(y.username, x.username);
  }
}

TEST(UnitNames, ResolveAndLabel) {
  // 历下区 ─ 市场监督管理局 ─ 执法大队 ─ 第一中队; 市中区 ─ 市场监督管理局 ─ 执法大队
  UnitNames u({{1, std::nullopt, "济南市"},
               {2, 1, "历下区"},
               {3, 2, "市场监督管理局"},
               {4, 3, "执法大队"},
               {5, 4, "第一中队"},
               {6, 1, "市中区"},
               {7, 6, "市场监督管理局"},
               {8, 7, "执法大队"}});
  EXPECT_EQ(*u.Resolve("第一中队"), 5);
  EXPECT_EQ(*u.Resolve("历下区"), 2);
  auto amb = u.Resolve("执法大队");
  ASSERT_FALSE(amb);
  EXPECT_NE(amb.error().message_zh.find("有 2 个单位"), std::string::npos);
  EXPECT_FALSE(u.Resolve("市场监督管理局/执法大队"));  // still two
  EXPECT_EQ(*u.Resolve("市中区/市场监督管理局/执法大队"), 8);
  EXPECT_EQ(*u.Resolve(" 历下区 / 市场监督管理局 / 执法大队 "), 4);
  EXPECT_FALSE(u.Resolve("市中区/执法大队"));  // parts are direct parents
  EXPECT_FALSE(u.Resolve("火星区"));
  for (int64_t id = 1; id <= 8; ++id) {
    std::string label = u.Label(id);
    auto r = u.Resolve(label);
    ASSERT_TRUE(r) << label;
    EXPECT_EQ(*r, id) << label;
  }
  EXPECT_EQ(u.Label(5), "第一中队");
  EXPECT_EQ(u.Label(4), "历下区/市场监督管理局/执法大队");
  EXPECT_EQ(u.Label(99), "");
}

}  // namespace
}  // namespace zhifa::officers
