// OfficerService on SQLite and PostgreSQL: the register's commands and their refusals, what the
// cases area reads (OnDate, ForUser), the first-time reviewer gate with RecordReview, data scope
// and the legal-reviewer ratio.
#include "officers/officer_service.h"

#include <gtest/gtest.h>

#include "core/csv.h"
#include "org/org_service.h"
#include "record/command_bus.h"
#include "store/migrate.h"
#include "test_database.h"

namespace zhifa::officers {
namespace {

using core::ErrorCode;
using store::Dialect;
using store::testing::PgUrlOrNull;
using store::testing::RequirePg;
using store::testing::TestDatabase;

core::Date D(const char* s) { return *core::ParseDate(s); }

std::string Describe(const core::Error& e) {
  return std::string(core::ErrorCodeName(e.code)) + " [" + e.field + "]: " + e.message_zh;
}

class OfficerServiceTest : public ::testing::TestWithParam<Dialect> {
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
    svc_ = std::make_unique<OfficerService>(db(), *bus_, OfficerOptions{30, 50});
    sys_.scope.all = true;
    sys_.roles = {org::Role::kSupervisor};
    scjg_ = Unit("市市场监管局");
    cgj_ = Unit("市城市管理局");
  }

  store::Database& db() { return tdb_->db(); }

  int64_t Unit(const std::string& name) {
    auto id = org_->FindUnitByName(name);
    EXPECT_TRUE(id && *id) << name;
    return id && *id ? **id : 0;
  }

  int64_t User(const std::string& username, int64_t unit, const std::string& role) {
    org::NewUser u{username, username, unit, "x", "", false};
    auto made = org_->CreateUserAsSystem(record::Actor{}, u, {{role, unit, "dept_tree", {}}});
    EXPECT_TRUE(made) << Describe(made.error());
    return made ? made->id : 0;
  }

  org::Principal Head(int64_t unit) {
    org::Principal p;
    p.user_id = 0;
    p.unit_id = unit;
    p.roles = {org::Role::kDeptHead};
    p.scope.subtree_roots = {unit};
    return p;
  }

  NewOfficer Officer(const std::string& cert, int64_t unit, const char* from = "2024-01-01",
                     const char* to = "2028-12-31") {
    NewOfficer n;
    n.unit_id = unit;
    n.name = "王伟";
    n.cert_no = cert;
    n.issuing_authority = "济南市人民政府";
    n.valid_from = D(from);
    n.valid_to = D(to);
    n.domains = {"食品药品"};
    return n;
  }

  int64_t Create(const NewOfficer& n) {
    auto r = svc_->Create(sys_, n);
    EXPECT_TRUE(r) << Describe(r.error());
    return r ? (*r)["id"].get<int64_t>() : 0;
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
  std::unique_ptr<OfficerService> svc_;
  org::Principal sys_;
  int64_t scjg_ = 0, cgj_ = 0;
};

TEST_P(OfficerServiceTest, CreateNormalisesAndRecords) {
  int64_t before = Count("SELECT COUNT(*) FROM record_log WHERE kind = 'officer.created'");
  auto n = Officer(" jn-2019-0001 ", scjg_);
  n.domains = {"urban_management", "食品药品"};
  auto r = svc_->Create(sys_, n);
  ASSERT_TRUE(r) << Describe(r.error());
  EXPECT_EQ((*r)["cert_no"], "JN-2019-0001");
  EXPECT_EQ((*r)["domains"], nlohmann::json({"food_drug", "urban_management"}));
  EXPECT_EQ((*r)["status"], "active");
  EXPECT_EQ((*r)["version"], 1);
  EXPECT_EQ((*r)["unit_name"], "市市场监管局");
  EXPECT_EQ(Count("SELECT COUNT(*) FROM record_log WHERE kind = 'officer.created'"), before + 1);
  // The same number again (any spelling) is refused, and nothing is written.
  auto dup = svc_->Create(sys_, Officer("ＪＮ-2019-0001", cgj_));
  ASSERT_FALSE(dup);
  EXPECT_EQ(dup.error().code, ErrorCode::kConflict);
  EXPECT_EQ(dup.error().field, "cert_no");
  EXPECT_EQ(Count("SELECT COUNT(*) FROM officers"), 1);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM record_log WHERE kind = 'officer.created'"), before + 1);
  // Validation names its field.
  auto bad = Officer("JN-2019-0002", scjg_, "2025-01-02", "2025-01-01");
  EXPECT_EQ(svc_->Create(sys_, bad).error().field, "valid_to");
  auto q = Officer("JN-2019-0003", scjg_);
  q.legal_qualification = true;
  EXPECT_EQ(svc_->Create(sys_, q).error().field, "legal_cert_no");
  auto d = Officer("JN-2019-0004", scjg_);
  d.domains = {"ecology", "x"};
  EXPECT_EQ(svc_->Create(sys_, d).error().field, "domains[1]");
  EXPECT_EQ(Count("SELECT COUNT(*) FROM officers"), 1);
}

TEST_P(OfficerServiceTest, UserLinkIsUnique) {
  int64_t u = User("wangwei", scjg_, "officer");
  auto a = Officer("JN-1001", scjg_);
  a.user_id = u;
  Create(a);
  auto b = Officer("JN-1002", scjg_);
  b.user_id = u;
  auto r = svc_->Create(sys_, b);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kConflict);
  EXPECT_EQ(r.error().field, "user_id");
  b.user_id = 99999999;
  EXPECT_EQ(svc_->Create(sys_, b).error().code, ErrorCode::kNotFound);
}

TEST_P(OfficerServiceTest, ScopeHidesOtherDepartments) {
  int64_t id = Create(Officer("JN-2001", cgj_));
  auto head = Head(scjg_);
  auto g = svc_->Get(head, id);
  ASSERT_FALSE(g);
  EXPECT_EQ(g.error().code, ErrorCode::kNotFound);
  auto list = svc_->List(head, {});
  ASSERT_TRUE(list);
  EXPECT_EQ((*list)["total"], 0);
  // Creating in another department, or moving an officer there, is refused as not found.
  auto made = svc_->Create(head, Officer("JN-2002", cgj_));
  ASSERT_FALSE(made);
  EXPECT_EQ(made.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(made.error().field, "unit_id");
  int64_t mine = (*svc_->Create(head, Officer("JN-2003", scjg_)))["id"].get<int64_t>();
  OfficerPatch move;
  move.version = 1;
  move.unit_id = cgj_;
  EXPECT_EQ(svc_->Update(head, mine, move).error().field, "unit_id");
  EXPECT_EQ(svc_->Update(head, id, move).error().code, ErrorCode::kNotFound);
  EXPECT_EQ((*svc_->List(head, {}))["total"], 1);
  EXPECT_TRUE((*svc_->Get(head, mine))["can_edit"].get<bool>());
}

TEST_P(OfficerServiceTest, UpdateStatusRenewWithVersions) {
  int64_t id = Create(Officer("JN-3001", scjg_));
  OfficerPatch p;
  p.version = 1;
  p.name = "王伟伟";
  p.legal_qualification = true;
  p.legal_cert_no = "a20183701020123";
  auto u = svc_->Update(sys_, id, p);
  ASSERT_TRUE(u) << Describe(u.error());
  EXPECT_EQ((*u)["version"], 2);
  EXPECT_EQ((*u)["legal_cert_no"], "A20183701020123");
  EXPECT_EQ(svc_->Update(sys_, id, p).error().field, "version");  // stale
  // No change: nothing recorded, version kept.
  int64_t entries = Count("SELECT COUNT(*) FROM record_log");
  p.version = 2;
  auto same = svc_->Update(sys_, id, p);
  ASSERT_TRUE(same);
  EXPECT_EQ((*same)["version"], 2);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM record_log"), entries);

  auto s = svc_->ChangeStatus(sys_, id, OfficerStatus::kSuspended, "停职检查", 2);
  ASSERT_TRUE(s) << Describe(s.error());
  EXPECT_EQ((*s)["state"], "inactive");
  EXPECT_EQ(svc_->ChangeStatus(sys_, id, OfficerStatus::kSuspended, "x", 3).error().field,
            "status");
  EXPECT_EQ(svc_->ChangeStatus(sys_, id, OfficerStatus::kActive, " ", 3).error().field, "reason");
  ASSERT_TRUE(svc_->ChangeStatus(sys_, id, OfficerStatus::kActive, "恢复", 3));

  Renewal r;
  r.version = 4;
  r.cert_no = "JN-3001-B";
  r.valid_from = D("2029-01-01");
  r.valid_to = D("2033-12-31");
  auto renewed = svc_->Renew(sys_, id, r);
  ASSERT_TRUE(renewed) << Describe(renewed.error());
  EXPECT_EQ((*renewed)["cert_no"], "JN-3001-B");
  EXPECT_EQ((*renewed)["valid_to"], "2033-12-31");
  EXPECT_EQ(Count("SELECT COUNT(*) FROM record_log WHERE kind = 'officer.credential_renewed'"), 1);
  ASSERT_TRUE(svc_->ChangeStatus(sys_, id, OfficerStatus::kRetired, "退休", 5));
  r.version = 6;
  r.valid_to = D("2034-12-31");
  EXPECT_EQ(svc_->Renew(sys_, id, r).error().field, "status");
  EXPECT_EQ(svc_->ChangeStatus(sys_, id, OfficerStatus::kActive, "返聘", 6).error().field,
            "status");
}

TEST_P(OfficerServiceTest, OnDateAndForUser) {
  int64_t a = Create(Officer("JN-4001", scjg_, "2024-01-01", "2025-06-30"));
  int64_t b = Create(Officer("JN-4002", scjg_, "2024-01-01", "2030-12-31"));
  std::vector<int64_t> ids = {b, a};
  auto r = svc_->OnDate(ids, D("2025-06-15"));
  ASSERT_TRUE(r) << Describe(r.error());
  ASSERT_EQ(r->size(), 2u);
  EXPECT_EQ((*r)[0].id, b);  // in the order asked
  EXPECT_TRUE((*r)[0].credential_valid);
  EXPECT_FALSE((*r)[0].expiring_soon);
  EXPECT_TRUE((*r)[1].credential_valid);
  EXPECT_TRUE((*r)[1].expiring_soon);
  EXPECT_FALSE((*svc_->OnDate(ids, D("2025-07-01")))[1].credential_valid);
  std::vector<int64_t> unknown = {a, 99999999};
  auto nf = svc_->OnDate(unknown, D("2025-06-15"), "officer_ids");
  ASSERT_FALSE(nf);
  EXPECT_EQ(nf.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(nf.error().field, "officer_ids[1]");

  int64_t u = User("lifang", scjg_, "legal_reviewer");
  auto none = svc_->ForUser(u, D("2025-01-01"));
  ASSERT_TRUE(none);
  EXPECT_FALSE(none->has_value());
  OfficerPatch link;
  link.version = 1;
  link.user_id = u;
  ASSERT_TRUE(svc_->Update(sys_, a, link));
  auto found = svc_->ForUser(u, D("2025-01-01"));
  ASSERT_TRUE(found && found->has_value());
  EXPECT_EQ((**found).id, a);
  EXPECT_EQ((**found).user_id, u);
  EXPECT_EQ((**found).cert_no, "JN-4001");
}

TEST_P(OfficerServiceTest, FirstTimeReviewerNeedsTheQualification) {
  int64_t u = User("reviewer", scjg_, "legal_reviewer");
  auto n = Officer("JN-5001", scjg_);
  n.user_id = u;
  int64_t id = Create(n);
  auto check = [&](const char* on, int64_t who = 0) {
    core::Status out;
    EXPECT_TRUE(db().Read([&](store::Conn& c) -> core::Status {
      out = svc_->CheckReviewerQualified(c, who ? who : u, D(on));
      return core::Ok();
    }));
    return out;
  };
  auto first = check("2025-03-10");
  ASSERT_FALSE(first);
  EXPECT_EQ(first.error().code, ErrorCode::kConflict);
  EXPECT_NE(first.error().message_zh.find("第58条第2款"), std::string::npos);
  // An earlier review recorded (e.g. before the register existed, under a qualified colleague's
  // supervision) makes later reviews not first-time.
  record::Actor system;
  ASSERT_TRUE(svc_->RecordReview(system, u, D("2025-01-05")));
  EXPECT_EQ(Count("SELECT COUNT(*) FROM record_log WHERE kind = 'officer.first_review_recorded'"),
            1);
  EXPECT_TRUE(check("2025-03-10"));
  EXPECT_FALSE(check("2025-01-05"));  // the first review day itself
  // A later review does not move the first date, and records nothing.
  ASSERT_TRUE(svc_->RecordReview(system, u, D("2025-03-10")));
  EXPECT_EQ(Count("SELECT COUNT(*) FROM record_log WHERE kind = 'officer.first_review_recorded'"),
            1);
  EXPECT_EQ((*svc_->Get(sys_, id))["first_review_on"], "2025-01-05");
  // An earlier one does.
  ASSERT_TRUE(svc_->RecordReview(system, u, D("2024-12-01")));
  EXPECT_EQ((*svc_->Get(sys_, id))["first_review_on"], "2024-12-01");
  // Someone not in the register: refused; RecordReview says not found.
  int64_t stranger = User("stranger", scjg_, "legal_reviewer");
  EXPECT_FALSE(check("2025-03-10", stranger));
  EXPECT_EQ(svc_->RecordReview(system, stranger, D("2025-03-10")).error().code,
            ErrorCode::kNotFound);
}

TEST_P(OfficerServiceTest, ListFiltersAndReviewerRatio) {
  // 市市场监管局: 21 officers with valid credentials, 1 expired, 1 suspended; 1 legal reviewer.
  for (int i = 0; i < 21; ++i) {
    Create(Officer("SC-" + std::to_string(1000 + i), scjg_, "2024-01-01",
                   i < 3 ? "2025-06-20" : "2029-12-31"));
  }
  Create(Officer("SC-2000", scjg_, "2020-01-01", "2024-12-31"));
  int64_t s = Create(Officer("SC-2001", scjg_));
  ASSERT_TRUE(svc_->ChangeStatus(sys_, s, OfficerStatus::kSuspended, "停职", 1));
  auto c = Officer("CG-1000", cgj_);
  c.name = "赵敏";
  c.domains = {"urban_management"};
  Create(c);
  User("scjg_reviewer", scjg_, "legal_reviewer");

  OfficerQuery q;
  q.on = D("2025-06-01");
  q.page_size = 200;
  EXPECT_EQ((*svc_->List(sys_, q))["total"], 24);
  q.state = "expiring";
  EXPECT_EQ((*svc_->List(sys_, q))["total"], 3);
  q.state = "valid";
  EXPECT_EQ((*svc_->List(sys_, q))["total"], 22);
  q.state = "expired";
  EXPECT_EQ((*svc_->List(sys_, q))["total"], 1);
  q.state = "inactive";
  EXPECT_EQ((*svc_->List(sys_, q))["total"], 1);
  q.state = "nonsense";
  EXPECT_EQ(svc_->List(sys_, q).error().field, "state");
  q.state.clear();
  q.domain = "urban_management";
  EXPECT_EQ((*svc_->List(sys_, q))["total"], 1);
  q.domain.clear();
  q.q = "赵";
  EXPECT_EQ((*svc_->List(sys_, q))["total"], 1);
  q.q = "SC-10";
  EXPECT_EQ((*svc_->List(sys_, q))["total"], 21);
  q.q = "%";
  EXPECT_EQ((*svc_->List(sys_, q))["total"], 0);  // LIKE wildcards are literal
  q.q.clear();
  q.unit_id = cgj_;
  EXPECT_EQ((*svc_->List(sys_, q))["total"], 1);
  q.unit_id.reset();
  q.status = OfficerStatus::kSuspended;
  EXPECT_EQ((*svc_->List(sys_, q))["total"], 1);

  auto ratio = svc_->ReviewerRatios(sys_, std::nullopt, D("2025-06-01"));
  ASSERT_TRUE(ratio) << Describe(ratio.error());
  EXPECT_EQ((*ratio)["threshold_permille"], 50);
  const nlohmann::json* sc = nullptr;
  const nlohmann::json* cg = nullptr;
  for (const auto& it : (*ratio)["items"]) {
    if (it["unit_id"] == scjg_) sc = &it;
    if (it["unit_id"] == cgj_) cg = &it;
  }
  ASSERT_TRUE(sc && cg) << ratio->dump();
  EXPECT_EQ((*sc)["officers"], 21);
  EXPECT_EQ((*sc)["reviewers"], 1);
  EXPECT_EQ((*sc)["required"], 2);  // ceil(21 × 5 %)
  EXPECT_EQ((*sc)["meets"], false);
  EXPECT_EQ((*cg)["officers"], 1);
  EXPECT_EQ((*cg)["reviewers"], 0);
  EXPECT_EQ((*cg)["meets"], false);
  // After the three expiring credentials end, 18 officers: 1 reviewer is enough (ceil(0.9) = 1).
  auto later = svc_->ReviewerRatios(sys_, scjg_, D("2025-07-01"));
  ASSERT_TRUE(later);
  ASSERT_EQ((*later)["items"].size(), 1u);
  EXPECT_EQ((*later)["items"][0]["officers"], 18);
  EXPECT_EQ((*later)["items"][0]["meets"], true);
  // Outside the caller's scope: not found.
  EXPECT_EQ(svc_->ReviewerRatios(Head(scjg_), cgj_, std::nullopt).error().code,
            ErrorCode::kNotFound);
}

TEST_P(OfficerServiceTest, ImportExportRoundTripAllOrNothing) {
  int64_t u = User("imp_user", scjg_, "officer");
  auto a = Officer("IM-001", scjg_);
  a.user_id = u;
  a.legal_qualification = true;
  a.legal_cert_no = "A2018370102";
  Create(a);
  Create(Officer("IM-002", cgj_));
  for (auto format : {catalogue::FileFormat::kCsv, catalogue::FileFormat::kXlsx}) {
    auto f = svc_->Export(sys_, format, std::nullopt);
    ASSERT_TRUE(f) << Describe(f.error());
    auto r = svc_->Import(sys_, f->bytes, {format, false});
    ASSERT_TRUE(r) << Describe(r.error());
    EXPECT_TRUE(r->ok) << (r->problems.empty() ? "" : r->problems[0].message_zh);
    EXPECT_EQ(r->unchanged, 2);
    EXPECT_EQ(r->created + r->updated, 0);
  }
  int64_t entries = Count("SELECT COUNT(*) FROM record_log");
  auto csv = [](const std::vector<std::vector<std::string>>& body) {
    core::CsvRows rows = {OfficerColumns()};
    rows.insert(rows.end(), body.begin(), body.end());
    return core::WriteCsv(rows);
  };
  // One good new row, one changed row, one bad row: nothing is written, every problem named.
  std::vector<std::string> fresh = {"IM-003",
                                    "赵敏",
                                    "市城市管理局",
                                    "济南市人民政府",
                                    "2025-01-01",
                                    "2029-12-31",
                                    "城市管理",
                                    "否",
                                    "",
                                    "",
                                    ""};
  std::vector<std::string> changed = {"IM-002",
                                      "王伟",
                                      "市城市管理局",
                                      "济南市人民政府",
                                      "2024-01-01",
                                      "2030-12-31",
                                      "食品药品",
                                      "否",
                                      "",
                                      "",
                                      ""};
  std::vector<std::string> bad = {"IM-004",     "李芳",       "火星区",   "济南市人民政府",
                                  "2025-01-01", "2029-12-31", "城市管理", "否",
                                  "",           "",           "nobody"};
  auto r = svc_->Import(sys_, csv({fresh, changed, bad}), {catalogue::FileFormat::kCsv, false});
  ASSERT_TRUE(r);
  EXPECT_FALSE(r->ok);
  ASSERT_EQ(r->problems.size(), 1u);  // the unit; the user is checked once the unit resolves
  EXPECT_EQ(r->problems[0].row, 4);
  EXPECT_EQ(r->problems[0].column, "所属单位");
  EXPECT_EQ(Count("SELECT COUNT(*) FROM record_log"), entries);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM officers"), 2);
  // Dry run of the good rows: counts, nothing written.
  r = svc_->Import(sys_, csv({fresh, changed}), {catalogue::FileFormat::kCsv, true});
  ASSERT_TRUE(r && r->ok);
  EXPECT_EQ(r->created, 1);
  EXPECT_EQ(r->updated, 1);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM record_log"), entries);
  r = svc_->Import(sys_, csv({fresh, changed}), {catalogue::FileFormat::kCsv, false});
  ASSERT_TRUE(r && r->ok);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM officers"), 3);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM record_log WHERE kind = 'officer.imported'"), 1);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM officers WHERE cert_no = 'IM-002' AND valid_to = "
                  "'2030-12-31' AND version = 2"),
            1);
  // A department head cannot import into another department, nor take over its numbers.
  auto head = Head(scjg_);
  r = svc_->Import(head, csv({changed}), {catalogue::FileFormat::kCsv, false});
  ASSERT_TRUE(r);
  EXPECT_FALSE(r->ok);
  // An unreadable file is an error of the file as a whole.
  auto broken = svc_->Import(sys_, "not a zip", {catalogue::FileFormat::kXlsx, false});
  ASSERT_FALSE(broken);
  EXPECT_EQ(broken.error().field, "file");
}

std::string BackendName(const ::testing::TestParamInfo<Dialect>& info) {
  return info.param == Dialect::kSqlite ? "SQLite" : "PostgreSQL";
}

INSTANTIATE_TEST_SUITE_P(Backends, OfficerServiceTest,
                         ::testing::Values(Dialect::kSqlite, Dialect::kPostgres), BackendName);

}  // namespace
}  // namespace zhifa::officers
