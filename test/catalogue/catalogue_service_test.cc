// CatalogueService on SQLite and PostgreSQL: versions by date, MatterRulesAt, transfers that
// never leave a day without a holder, data scope, all-or-nothing import and the export → import
// round trip.
#include "catalogue/catalogue_service.h"

#include <gtest/gtest.h>

#include "catalogue/catalogue_rules.h"
#include "core/csv.h"
#include "core/xlsx.h"
#include "org/org_service.h"
#include "record/command_bus.h"
#include "store/migrate.h"
#include "test_database.h"

namespace zhifa::catalogue {
namespace {

using store::Dialect;
using store::testing::PgUrlOrNull;
using store::testing::RequirePg;
using store::testing::TestDatabase;

core::Date D(const char* s) { return *core::ParseDate(s); }

std::string Describe(const core::Error& e) {
  return std::string(core::ErrorCodeName(e.code)) + " [" + e.field + "]: " + e.message_zh;
}

class CatalogueTest : public ::testing::TestWithParam<Dialect> {
 protected:
  void SetUp() override {
    if (GetParam() == Dialect::kPostgres && !PgUrlOrNull()) {
      if (RequirePg()) GTEST_FAIL() << "ZHIFA_REQUIRE_PG=1 but ZHIFA_TEST_PG_URL is not set";
      GTEST_SKIP() << "ZHIFA_TEST_PG_URL is not set";
    }
    store::Options o;
    o.durable = false;
    auto t = TestDatabase::Create(GetParam(), o);
    ASSERT_TRUE(t) << Describe(t.error());
    tdb_ = std::move(*t);
    ASSERT_TRUE(store::Migrate(db()));
    auto c = core::FieldCipher::FromKey(std::string(32, 'k'));
    ASSERT_TRUE(c);
    cipher_ = std::make_unique<core::FieldCipher>(std::move(*c));
    bus_ = std::make_unique<record::CommandBus>(db());
    org_ = std::make_unique<org::OrgService>(db(), *bus_, *cipher_);
    ASSERT_TRUE(org_->SeedIfEmpty(record::Actor{}));
    cat_ = std::make_unique<CatalogueService>(db(), *bus_);
    sys_.scope.all = true;
    scjg_ = Unit("市市场监管局");
    cgj_ = Unit("市城市管理局");
    sthj_ = Unit("市生态环境局");
  }

  store::Database& db() { return tdb_->db(); }

  int64_t Unit(const std::string& name) {
    auto id = org_->FindUnitByName(name);
    EXPECT_TRUE(id && *id) << name;
    return id && *id ? **id : 0;
  }

  // A principal whose data scope is exactly one unit.
  org::Principal Within(int64_t unit) {
    org::Principal p;
    p.user_id = 0;
    p.unit_id = unit;
    p.scope.exact_units = {unit};
    return p;
  }

  MatterRules Matter(const std::string& code, const char* from) {
    MatterRules m;
    m.code = code;
    m.name = "擅自占用城市道路";
    m.domain = "urban_management";
    m.penalty_provision = "《城市道路管理条例》第四十二条";
    m.range.text = "可以处以2万元以下的罚款";
    m.effective_from = D(from);
    Tier a;
    a.name = "一般";
    a.standard_text = "处五千元以下罚款";
    Tier b;
    b.name = "严重";
    b.standard_text = "处五千元以上二万元以下罚款";
    m.tiers = {a, b};
    return m;
  }

  int64_t Count(const std::string& sql) {
    int64_t n = -1;
    EXPECT_TRUE(db().Read([&](store::Conn& c) -> core::Status {
      auto r = c.Query(sql);
      if (!r) return r.error();
      n = r->rows.at(0).Int(0);
      return core::Ok();
    }));
    return n;
  }

  std::unique_ptr<TestDatabase> tdb_;
  std::unique_ptr<core::FieldCipher> cipher_;
  std::unique_ptr<record::CommandBus> bus_;
  std::unique_ptr<org::OrgService> org_;
  std::unique_ptr<CatalogueService> cat_;
  org::Principal sys_;
  int64_t scjg_ = 0, cgj_ = 0, sthj_ = 0;
};

TEST_P(CatalogueTest, MatterRulesAtAnswersTheVersionInForce) {
  auto made = cat_->Create(sys_, Matter("CG-1", "2024-01-01"), {cgj_});
  ASSERT_TRUE(made) << Describe(made.error());
  auto r = cat_->MatterRulesAt("CG-1", D("2024-06-01"));
  ASSERT_TRUE(r) << Describe(r.error());
  EXPECT_EQ(r->name, "擅自占用城市道路");
  ASSERT_EQ(r->tiers.size(), 2u);
  EXPECT_EQ(r->tiers[1].fine->min, 500000);
  EXPECT_EQ(r->tiers[1].fine->max, 2000000);
  EXPECT_EQ(r->tiers[1].band, Band::kHeavier);
  EXPECT_EQ(r->range.fine->max, 2000000);
  EXPECT_EQ(r->holder_unit_ids, std::vector<int64_t>{cgj_});
  auto before = cat_->MatterRulesAt("CG-1", D("2023-12-31"));
  ASSERT_FALSE(before);
  EXPECT_EQ(before.error().code, core::ErrorCode::kNotFound);
  EXPECT_EQ(before.error().field, "matter");
  EXPECT_EQ(cat_->MatterRulesAt("NOPE", D("2024-06-01")).error().field, "matter");

  // A new version from 2025-01-01; the old one stays answerable for its days.
  auto v2 = Matter("CG-1", "2025-01-01");
  v2.tiers[0].standard_text = "处三千元以下罚款";
  auto added = cat_->AddVersion(sys_, "CG-1", v2, (*made)["version"].get<int64_t>());
  ASSERT_TRUE(added) << Describe(added.error());
  EXPECT_EQ(cat_->MatterRulesAt("CG-1", D("2024-12-31"))->tiers[0].fine->max, 500000);
  auto now = cat_->MatterRulesAt("CG-1", D("2025-01-01"));
  EXPECT_EQ(now->tiers[0].fine->max, 300000);
  auto old = cat_->MatterRulesAt("CG-1", D("2024-12-31"));
  ASSERT_TRUE(old->effective_to);
  EXPECT_EQ(*old->effective_to, D("2024-12-31"));
  // History is never rewritten: a version may not start on or before an existing one.
  auto again = cat_->AddVersion(sys_, "CG-1", Matter("CG-1", "2024-07-01"),
                                (*added)["version"].get<int64_t>());
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().field, "effective_from");
  // A stale lock is refused.
  auto stale = cat_->AddVersion(sys_, "CG-1", Matter("CG-1", "2026-01-01"), 1);
  EXPECT_EQ(stale.error().field, "version");
  auto all = cat_->AllMatterRulesAt(D("2025-02-01"));
  ASSERT_TRUE(all);
  ASSERT_EQ(all->size(), 1u);
  EXPECT_EQ((*all)[0].tiers.size(), 2u);
  EXPECT_EQ(Count("SELECT count(*) FROM record_log WHERE kind LIKE 'catalogue.%'"), 2);
}

TEST_P(CatalogueTest, TransferKeepsAHolderOnEveryDay) {
  auto made = cat_->Create(sys_, Matter("CG-2", "2024-01-01"), {cgj_});
  ASSERT_TRUE(made);
  auto moved =
      cat_->Transfer(sys_, "CG-2", cgj_, sthj_, D("2025-03-01"), (*made)["version"].get<int64_t>());
  ASSERT_TRUE(moved) << Describe(moved.error());
  EXPECT_EQ(cat_->MatterRulesAt("CG-2", D("2025-02-28"))->holder_unit_ids,
            std::vector<int64_t>{cgj_});
  EXPECT_EQ(cat_->MatterRulesAt("CG-2", D("2025-03-01"))->holder_unit_ids,
            std::vector<int64_t>{sthj_});
  // Every day from the first holding has a holder (a sweep over three years).
  for (int64_t d = core::DaysFromCivil(D("2024-01-01")); d < core::DaysFromCivil(D("2026-01-01"));
       ++d) {
    auto r = cat_->MatterRulesAt("CG-2", core::CivilFromDays(d));
    ASSERT_TRUE(r);
    ASSERT_EQ(r->holder_unit_ids.size(), 1u) << core::FormatDate(core::CivilFromDays(d));
  }
  auto j = cat_->Get(sys_, "CG-2", D("2025-03-01"));
  ASSERT_TRUE(j);
  ASSERT_EQ((*j)["holdings"].size(), 2u);
  EXPECT_EQ((*j)["holdings"][0]["end"], "2025-03-01");
  EXPECT_EQ((*j)["holdings"][1]["start"], "2025-03-01");
  // The giving unit no longer holds it: a second transfer from it is refused, nothing changes.
  auto twice = cat_->Transfer(sys_, "CG-2", cgj_, scjg_, D("2025-06-01"),
                              (*moved)["version"].get<int64_t>());
  ASSERT_FALSE(twice);
  EXPECT_EQ(twice.error().field, "from_unit_id");
  EXPECT_EQ(Count("SELECT count(*) FROM catalogue_holdings"), 2);
  EXPECT_EQ(Count("SELECT count(*) FROM record_log WHERE kind = 'catalogue.holding_transferred'"),
            1);
}

TEST_P(CatalogueTest, EditorsChangeOnlyMattersHeldInTheirScope) {
  auto made = cat_->Create(sys_, Matter("CG-3", "2024-01-01"), {cgj_});
  ASSERT_TRUE(made);
  auto outsider = Within(sthj_);
  auto r = cat_->AddVersion(outsider, "CG-3", Matter("CG-3", "2025-01-01"),
                            (*made)["version"].get<int64_t>());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, core::ErrorCode::kNotFound);
  EXPECT_EQ(r.error().field, "matter");
  auto insider = Within(cgj_);
  EXPECT_TRUE(cat_->AddVersion(insider, "CG-3", Matter("CG-3", "2025-01-01"),
                               (*made)["version"].get<int64_t>()));
  // Creating a matter for a unit outside the scope is refused too.
  auto c = cat_->Create(outsider, Matter("CG-4", "2024-01-01"), {cgj_});
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().field, "holder_unit_ids");
  // Everyone reads.
  EXPECT_TRUE(cat_->Get(outsider, "CG-3", std::nullopt));
  EXPECT_FALSE((*cat_->Get(outsider, "CG-3", std::nullopt))["can_edit"].get<bool>());
}

TEST_P(CatalogueTest, TierOutsideTheStatutoryRangeIsRefused) {
  auto m = Matter("CG-5", "2024-01-01");
  m.tiers[1].standard_text = "处五千元以上三万元以下罚款";
  auto r = cat_->Create(sys_, m, {cgj_});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().field, "tiers[1].standard_text");
  EXPECT_EQ(Count("SELECT count(*) FROM catalogue_matters"), 0);
}

std::vector<std::vector<std::string>> MatterSheet(const std::string& holder) {
  return {MatterColumns(),
          {"IM-1", "未取得建设工程规划许可证进行建设", "处罚", holder, "城市管理", "",
           "《中华人民共和国城乡规划法》第六十四条", "处建设工程造价百分之五以上百分之十以下的罚款",
           "是", "", "否"},
          {"IM-2", "擅自占用城市道路", "处罚", holder, "城市管理", "",
           "《城市道路管理条例》第四十二条", "可以处以2万元以下的罚款", "否", "", "否"}};
}

TEST_P(CatalogueTest, ImportIsAllOrNothingAndReportsEveryRow) {
  Table matters{kMatterSheet, MatterSheet("市城市管理局")};
  Table tiers{
      kTierSheet,
      {TierColumns(),
       {"1", "IM-1", "", "", "一般", "", "处建设工程造价百分之五以上百分之七以下罚款", "", ""},
       {"2", "IM-2", "", "", "一般", "", "处三万元罚款", "", ""},
       {"3", "IM-2", "", "", "严重", "", "处罚金", "", ""}}};
  ImportOptions o;
  o.effective_from = D("2024-01-01");
  auto r = cat_->ImportTables(sys_, &matters, tiers, o);
  ASSERT_TRUE(r) << Describe(r.error());
  EXPECT_FALSE(r->ok);
  ASSERT_EQ(r->problems.size(), 2u);
  EXPECT_EQ(r->problems[0].row, 3);
  EXPECT_EQ(r->problems[0].column, "具体标准");
  EXPECT_EQ(r->problems[1].row, 4);
  EXPECT_EQ(Count("SELECT count(*) FROM catalogue_matters"), 0);
  EXPECT_EQ(Count("SELECT count(*) FROM record_log WHERE kind LIKE 'catalogue.%'"), 0);
  // Unknown and out-of-scope holders are problems of the 实施主体 column.
  Table bad_holder{kMatterSheet, MatterSheet("不存在的局")};
  Table ok_tiers{kTierSheet, {TierColumns()}};
  auto h = cat_->ImportTables(sys_, &bad_holder, ok_tiers, o);
  ASSERT_TRUE(h);
  ASSERT_FALSE(h->problems.empty());
  EXPECT_EQ(h->problems[0].column, "实施主体");
  // Fixed, the same file goes in whole.
  tiers.rows[2][6] = "处一万元以下罚款";
  tiers.rows[3][6] = "处一万元以上二万元以下罚款";
  auto ok = cat_->ImportTables(sys_, &matters, tiers, o);
  ASSERT_TRUE(ok);
  ASSERT_TRUE(ok->ok) << ok->problems[0].message_zh;
  EXPECT_EQ(ok->created, 2);
  EXPECT_EQ(cat_->MatterRulesAt("IM-1", D("2024-02-01"))->tiers[0].fine->max_permille, 70);
  EXPECT_TRUE(cat_->MatterRulesAt("IM-1", D("2024-02-01"))->major_review);
}

TEST_P(CatalogueTest, ExportThenImportGivesTheSameCatalogue) {
  Table matters{kMatterSheet, MatterSheet("市城市管理局")};
  Table tiers{kTierSheet,
              {TierColumns(),
               {"1", "IM-1", "", "", "一般", "条件，含逗号",
                "处建设工程造价百分之五以上百分之七以下罚款", "来源", "备注\n第二行"},
               {"2", "IM-2", "", "", "不予处罚", "首违", "不予行政处罚", "", ""},
               {"3", "IM-2", "", "", "严重", "", "处一万元以上二万元以下罚款", "", ""}}};
  ImportOptions o;
  o.effective_from = D("2024-01-01");
  auto first = cat_->ImportTables(sys_, &matters, tiers, o);
  ASSERT_TRUE(first && first->ok);
  auto before = cat_->AllMatterRulesAt(D("2024-06-01"));
  ASSERT_TRUE(before);
  for (auto format : {FileFormat::kXlsx, FileFormat::kCsv}) {
    ExportOptions e;
    e.format = format;
    e.on = D("2024-06-01");
    auto file = cat_->Export(sys_, e);
    ASSERT_TRUE(file) << Describe(file.error());
    ImportOptions again;
    again.format = format;
    again.effective_from = D("2024-06-01");
    auto r = cat_->Import(sys_, file->bytes, again);
    ASSERT_TRUE(r) << Describe(r.error());
    ASSERT_TRUE(r->ok) << r->problems[0].row << r->problems[0].column << r->problems[0].message_zh;
    EXPECT_EQ(r->unchanged, 2);
    EXPECT_EQ(r->versioned, 0);
  }
  // Into a second, empty database: the same rules come out.
  auto t2 = TestDatabase::Create(GetParam());
  ASSERT_TRUE(t2);
  ASSERT_TRUE(store::Migrate((*t2)->db()));
  record::CommandBus bus2((*t2)->db());
  org::OrgService org2((*t2)->db(), bus2, *cipher_);
  ASSERT_TRUE(org2.SeedIfEmpty(record::Actor{}));
  CatalogueService cat2((*t2)->db(), bus2);
  ExportOptions e;
  e.on = D("2024-06-01");
  auto file = cat_->Export(sys_, e);
  ASSERT_TRUE(file);
  auto r = cat2.Import(sys_, file->bytes, ImportOptions{FileFormat::kXlsx, D("2024-01-01"), false});
  ASSERT_TRUE(r && r->ok);
  auto after = cat2.AllMatterRulesAt(D("2024-06-01"));
  ASSERT_TRUE(after);
  ASSERT_EQ(after->size(), before->size());
  for (size_t i = 0; i < after->size(); ++i) {
    EXPECT_TRUE(SameContent((*after)[i], (*before)[i])) << (*after)[i].code;
  }
}

TEST_P(CatalogueTest, MatterRowsAloneKeepTiersAndConditionsSurviveARoundTrip) {
  auto m = Matter("CJ-1", "2024-01-01");
  m.tiers[0].condition_json = R"({"all":["first_violation"]})";
  auto made = cat_->Create(sys_, m, {cgj_});
  ASSERT_TRUE(made) << Describe(made.error());
  // Export → import: the condition, not in the published layout, is kept by tier name.
  ExportOptions e;
  e.on = D("2024-06-01");
  auto file = cat_->Export(sys_, e);
  ASSERT_TRUE(file);
  auto r =
      cat_->Import(sys_, file->bytes, ImportOptions{FileFormat::kXlsx, D("2024-06-02"), false});
  ASSERT_TRUE(r && r->ok);
  EXPECT_EQ(r->unchanged, 1);
  // A matter row alone (new statutory text) keeps the tiers, and they must fit the new range.
  Table rows{kMatterSheet,
             {MatterColumns(),
              {"CJ-1", "擅自占用城市道路", "处罚", "市城市管理局", "城市管理", "",
               "《城市道路管理条例》第四十二条", "可以处以3万元以下的罚款", "否", "", "否"}}};
  Table none{kTierSheet, {TierColumns()}};
  auto wider = cat_->ImportTables(sys_, &rows, none,
                                  ImportOptions{FileFormat::kXlsx, D("2025-01-01"), false});
  ASSERT_TRUE(wider && wider->ok) << (wider ? wider->problems[0].message_zh : "");
  auto now = cat_->MatterRulesAt("CJ-1", D("2025-01-01"));
  ASSERT_EQ(now->tiers.size(), 2u);
  EXPECT_EQ(now->range.fine->max, 3000000);
  EXPECT_EQ(now->tiers[0].condition_json, R"({"all":["first_violation"]})");
  // Before the matter's first version there is nothing to follow: said so, on the row.
  auto early = cat_->ImportTables(
      sys_, nullptr,
      Table{kTierSheet,
            {TierColumns(), {"1", "CJ-1", "", "", "一般", "", "处五千元以下罚款", "", ""}}},
      ImportOptions{FileFormat::kCsv, D("2023-01-01"), false});
  ASSERT_TRUE(early);
  ASSERT_FALSE(early->ok);
  EXPECT_NE(early->problems[0].message_zh.find("之前没有版本"), std::string::npos)
      << early->problems[0].message_zh;
  rows.rows[1][7] = "可以处以1万元以下的罚款";  // the 严重 tier (up to 2万) no longer fits
  auto narrower = cat_->ImportTables(sys_, &rows, none,
                                     ImportOptions{FileFormat::kXlsx, D("2025-06-01"), false});
  ASSERT_TRUE(narrower);
  ASSERT_FALSE(narrower->ok);
  EXPECT_EQ(narrower->problems[0].column, "法定处罚种类和幅度");
  EXPECT_EQ(narrower->problems[0].row, 2);
}

std::string BackendName(const ::testing::TestParamInfo<Dialect>& info) {
  return info.param == Dialect::kSqlite ? "SQLite" : "PostgreSQL";
}

INSTANTIATE_TEST_SUITE_P(Backends, CatalogueTest,
                         ::testing::Values(Dialect::kSqlite, Dialect::kPostgres), BackendName);

}  // namespace
}  // namespace zhifa::catalogue
