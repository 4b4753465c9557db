// The bulk case generator (`zhifa demo --cases N`, src/cli/demo_cases_gen.h) on SQLite, and on
// PostgreSQL when ZHIFA_TEST_PG_URL is set: after `zhifa demo` (run as a process, ZHIFA_BIN) it
// generates a small city-year and checks that the data is what the service itself would hold —
// every case reads through CaseService::Get with the state, version and steps of its row, each
// case has one record-log entry per event and the log verifies, parties carry valid codes,
// publication obligations exist for the decisions — and that the counts by state are the
// generator's and form a realistic mix.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <map>
#include <random>

#include "app/app.h"
#include "cli/demo_cases_gen.h"
#include "core/codes.h"
#include "record/verify.h"
#include "test_database.h"

namespace zhifa {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

constexpr const char* kAdminPassword = "Zf-DemoCases-2026!";

class DemoCasesTest : public ::testing::TestWithParam<store::Dialect> {
 protected:
  void SetUp() override {
    const char* bin = std::getenv("ZHIFA_BIN");
    ASSERT_TRUE(bin && *bin) << "ZHIFA_BIN must name the zhifa binary";
    bin_ = bin;
    dir_ =
        fs::temp_directory_path() / ("zhifa-democases-" + std::to_string(std::random_device{}()));
    fs::create_directories(dir_);
    if (GetParam() == store::Dialect::kSqlite) {
      url_ = "sqlite:" + (dir_ / "zhifa.db").string();
      return;
    }
    const char* pg = store::testing::PgUrlOrNull();
    if (!pg) {
      if (store::testing::RequirePg()) FAIL() << "ZHIFA_REQUIRE_PG=1 but ZHIFA_TEST_PG_URL unset";
      GTEST_SKIP() << "ZHIFA_TEST_PG_URL not set";
    }
    schema_ = "democases_" + std::to_string(std::random_device{}() % 1000000000);
    auto admin = store::Open(pg);
    ASSERT_TRUE(admin) << admin.error().message_en;
    ASSERT_TRUE(
        (*admin)->Admin([&](store::Conn& c) { return c.ExecScript("CREATE SCHEMA " + schema_); }));
    url_ = store::testing::WithSchema(pg, schema_);
  }

  void TearDown() override {
    app_.reset();
    if (!schema_.empty()) {
      if (auto admin = store::Open(store::testing::PgUrlOrNull())) {
        (void)(*admin)->Admin(
            [&](store::Conn& c) { return c.ExecScript("DROP SCHEMA " + schema_ + " CASCADE"); });
      }
    }
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  app::Config Config() const {
    app::Config c;
    c.data_dir = dir_.string();
    c.db_url = url_;
    c.admin_password = kAdminPassword;
    return c;
  }

  std::string bin_, url_, schema_;
  fs::path dir_;
  std::unique_ptr<app::App> app_;
};

TEST_P(DemoCasesTest, GeneratedCasesAreWhatTheServiceHolds) {
  // The normal demo seed, as a user runs it.
  const std::string cmd = "ZHIFA_DB='" + url_ + "' ZHIFA_DATA_DIR='" + dir_.string() +
                          "' ZHIFA_ADMIN_PASSWORD='" + kAdminPassword + "' '" + bin_ +
                          "' demo > '" + (dir_ / "demo.log").string() + "' 2>&1";
  ASSERT_EQ(std::system(cmd.c_str()), 0) << "zhifa demo failed; see " << dir_ / "demo.log";
  auto a = app::App::Open(Config());
  ASSERT_TRUE(a) << a.error().message_en;
  app_ = std::move(*a);
  ASSERT_TRUE(app_->Migrate());
  // `zhifa demo` seeds a few cases of its own: the generated ones come after them.
  int64_t seeded = 0;
  ASSERT_TRUE(app_->db().Read([&](store::Conn& c) -> core::Status {
    auto r = c.Query("SELECT COALESCE(max(id), 0) FROM cases");
    if (!r) return r.error();
    seeded = r->rows[0].Int(0);
    return core::Ok();
  }));

  // Two runs: the second tops the first up (--cases-from), as a stopped city-year run resumes.
  constexpr int64_t kCases = 400;
  constexpr int64_t kFirst = 160;
  cli::CaseGenOptions o;
  o.cases = kFirst;
  o.seed = 42;
  o.batch = 37;  // several commands, the last one partial
  // Officer loads as a city-year would have them at this scale: the generator registers
  // officers until each unit has 2 × cases / units / 20 (checked below).
  constexpr int64_t kPerOfficer = 20;
  o.cases_per_officer = kPerOfficer;
  auto report = cli::GenerateCases(*app_, o);
  ASSERT_TRUE(report) << report.error().message_en;
  EXPECT_EQ(report->cases, kFirst);
  o.from = kFirst;
  o.cases = kCases;
  auto rest = cli::GenerateCases(*app_, o);
  ASSERT_TRUE(rest) << rest.error().message_en;
  EXPECT_EQ(rest->cases, kCases - kFirst);
  report->cases += rest->cases;
  report->simplified += rest->simplified;
  report->steps += rest->steps;
  report->events += rest->events;
  for (const auto& [state, n] : rest->by_state) report->by_state[state] += n;
  o.from = kCases;  // nothing left to generate: refused, naming the option
  auto none = cli::GenerateCases(*app_, o);
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().field, "cases-from");
  o.from = 0;
  o.cases_per_officer = -1;  // refused, naming the option, before anything is written
  auto negative = cli::GenerateCases(*app_, o);
  ASSERT_FALSE(negative);
  EXPECT_EQ(negative.error().field, "cases-per-officer");
  o.cases_per_officer = kPerOfficer;

  // The register as the loads ask: every unit with generated cases has at least
  // 2 × 400 / units / 20 officers valid over the year (the second run added those the larger
  // total needs), and no officer handles many more than 20 cases.
  int64_t units = 0, thinnest = 0, busiest = 0;
  ASSERT_TRUE(app_->db().Read([&](store::Conn& c) -> core::Status {
    auto u = c.Query(
        "SELECT count(*), min(n) FROM (SELECT c.unit_id, (SELECT count(*) FROM officers o WHERE "
        "o.unit_id = c.unit_id AND o.status = 'active' AND o.valid_to >= $2) AS n FROM cases c "
        "WHERE c.id > $1 GROUP BY c.unit_id) s",
        {seeded, core::FormatDate(core::DateFromUnixMicros(core::NowMicros()))});
    if (!u) return u.error();
    units = u->rows[0].Int(0);
    thinnest = u->rows[0].Int(1);
    auto b = c.Query(
        "SELECT max(n) FROM (SELECT co.officer_id, count(*) AS n FROM case_officers co WHERE "
        "co.case_id > $1 GROUP BY co.officer_id) s",
        {seeded});
    if (!b) return b.error();
    busiest = b->rows[0].Int(0);
    return core::Ok();
  }));
  ASSERT_GT(units, 0);
  EXPECT_GE(thinnest,
            std::max<int64_t>(3, (2 * kCases + units * kPerOfficer - 1) / (units * kPerOfficer)));
  EXPECT_LE(busiest, 3 * kPerOfficer);

  // Counts by state: the database holds exactly what the generator planned.
  std::map<std::string, int64_t> by_state;
  int64_t steps = 0, entries = 0, publications = 0, decided = 0, handlers = 0, unregistered = 0,
          indexed = 0;
  struct Row {
    int64_t id, version, steps, entries;
    std::string state, kind, code, masked, procedure;
  };
  std::vector<Row> rows;
  ASSERT_TRUE(app_->db().Read([&](store::Conn& c) -> core::Status {
    auto r = c.Query("SELECT state, count(*) FROM cases WHERE id > $1 GROUP BY state", {seeded});
    if (!r) return r.error();
    for (const auto& x : r->rows) by_state[x.Text(0)] = x.Int(1);
    auto s = c.Query(
        "SELECT c.id, c.version, c.state, c.party_kind, c.party_code, c.party_id_masked, "
        "c.procedure_kind, COALESCE(s.n, 0), "
        "(SELECT count(*) FROM record_log l WHERE l.target = 'case:' || c.id) FROM cases c "
        "LEFT JOIN (SELECT case_id, count(*) AS n FROM case_steps GROUP BY case_id) s ON "
        "s.case_id = c.id WHERE c.id > $1 ORDER BY c.id",
        {seeded});
    if (!s) return s.error();
    for (const auto& x : s->rows) {
      rows.push_back({x.Int(0), x.Int(1), x.Int(7), x.Int(8), x.Text(2), x.Text(3), x.Text(4),
                      x.Text(5), x.Text(6)});
      steps += x.Int(7);
      entries += x.Int(8);
    }
    auto p = c.Query("SELECT count(*) FROM case_publications WHERE case_id > $1", {seeded});
    if (!p) return p.error();
    publications = p->rows[0].Int(0);
    auto d = c.Query(
        "SELECT count(*) FROM cases WHERE id > $1 AND decided_date IS NOT NULL AND outcome <> "
        "'transfer'",
        {seeded});
    if (!d) return d.error();
    decided = d->rows[0].Int(0);
    // The handling officers are records of the officer register, active, with a 执法证 valid
    // from the case's discovery to today (the generator never uses user ids as officers).
    auto h = c.Query(
        "SELECT count(*), sum(CASE WHEN o.id IS NULL OR o.status <> 'active' OR o.valid_from > "
        "c.discovered_date OR o.valid_to < $2 THEN 1 ELSE 0 END) FROM case_officers co JOIN "
        "cases c ON c.id = co.case_id LEFT JOIN officers o ON o.id = co.officer_id WHERE "
        "co.case_id > $1",
        {seeded, core::FormatDate(core::DateFromUnixMicros(core::NowMicros()))});
    if (!h) return h.error();
    handlers = h->rows[0].Int(0);
    // Every generated case is in the search index (case_rows.h InsertTerms).
    auto t = c.Query("SELECT count(DISTINCT case_id) FROM case_terms WHERE case_id > $1", {seeded});
    if (!t) return t.error();
    indexed = t->rows[0].Int(0);
    unregistered = h->rows[0].IsNull(1) ? 0 : h->rows[0].Int(1);
    return core::Ok();
  }));
  EXPECT_EQ(by_state, report->by_state);
  ASSERT_EQ(static_cast<int64_t>(rows.size()), kCases);
  EXPECT_EQ(steps, report->steps);
  EXPECT_EQ(entries, report->events);
  EXPECT_EQ(publications, decided);
  EXPECT_GT(decided, 0);
  EXPECT_GE(handlers, 2 * kCases);  // at least two per case
  EXPECT_EQ(unregistered, 0);
  EXPECT_EQ(indexed, kCases);

  // A realistic mix: about 30 % simplified, most cases finished, some open in several states.
  EXPECT_GT(report->simplified, kCases * 20 / 100);
  EXPECT_LT(report->simplified, kCases * 40 / 100);
  const int64_t done = by_state["closed"] + by_state["archived"];
  EXPECT_GT(done, kCases / 2);
  int open_states = 0;
  for (const char* s : {"lead", "investigation", "review", "notice", "hearing", "legal_review",
                        "amending", "pending_decision", "decided", "served", "executed"}) {
    open_states += by_state.count(s) ? 1 : 0;
  }
  EXPECT_GE(open_states, 4);
  EXPECT_GT(by_state["archived"], 0);

  // Every case reads through the service as its row says; events = 1 + steps of the procedure.
  org::Principal p;
  p.user_id = 0;
  p.roles = {org::Role::kOfficer, org::Role::kDeptHead};
  p.scope.all = true;
  int persons = 0, organisations = 0;
  for (const auto& row : rows) {
    auto got = app_->cases().Get(p, row.id);
    ASSERT_TRUE(got) << "case " << row.id << ": " << got.error().message_en;
    EXPECT_EQ((*got)["state"], row.state) << row.id;
    EXPECT_EQ((*got)["version"].get<int64_t>(), row.version) << row.id;
    // The case page finds every step row of the case through its record entries (migration
    // 0012): each is written with the seq of an entry whose target is the case.
    EXPECT_EQ(static_cast<int64_t>((*got)["steps"].size()), row.steps) << row.id;
    // Ordinary: version 1 at registration, +1 per step. Simplified: the decision form is a step
    // row of its own written with the creation event.
    const int64_t procedure_steps = row.procedure == "simplified" ? row.steps - 1 : row.steps;
    EXPECT_EQ(row.version, 1 + procedure_steps) << row.id;
    EXPECT_EQ(row.entries, row.version) << row.id;
    if (row.kind == "person") {
      ++persons;
      const std::string id = (*got)["party"].value("id_number", "");
      EXPECT_TRUE(core::ValidateIdNumber(id, core::Date{2100, 1, 1}, "id")) << id;
      EXPECT_EQ(core::MaskIdNumber(id), row.masked);
    } else {
      ++organisations;
      EXPECT_TRUE(core::ValidateCreditCode(row.code, "code")) << row.code;
    }
  }
  EXPECT_GT(persons, 0);
  EXPECT_GT(organisations, 0);

  // The "own" scope of an officer with cases (an account linked to a register record): the list
  // counts the cases the user created or handles — on the own set alone (no other filter) and
  // joined with the case row (overdue) — as SQL over the rows says.
  int64_t own_user = 0, want_all = 0, want_overdue = 0;
  const std::string today = core::FormatDate(core::DateFromUnixMicros(core::NowMicros()));
  ASSERT_TRUE(app_->db().Read([&](store::Conn& c) -> core::Status {
    auto u = c.Query(
        "SELECT o.user_id FROM case_officers co JOIN officers o ON o.id = co.officer_id WHERE "
        "o.user_id IS NOT NULL GROUP BY o.user_id ORDER BY count(*) DESC, o.user_id LIMIT 1");
    if (!u) return u.error();
    if (u->rows.empty()) return core::Err(core::ErrorCode::kNotFound, "无", "no officer account");
    own_user = u->rows[0].Int(0);
    const std::string own =
        "SELECT id FROM cases WHERE created_by = $1 UNION SELECT co.case_id FROM case_officers co "
        "JOIN officers o ON o.id = co.officer_id WHERE o.user_id = $1";
    auto a = c.Query("SELECT count(*) FROM (" + own + ") s", {own_user});
    if (!a) return a.error();
    want_all = a->rows[0].Int(0);
    auto d = c.Query("SELECT count(*) FROM cases WHERE id IN (" + own + ") AND due_date < $2",
                     {own_user, today});
    if (!d) return d.error();
    want_overdue = d->rows[0].Int(0);
    return core::Ok();
  }));
  ASSERT_GT(want_all, 0);
  org::Principal mine;
  mine.user_id = own_user;
  mine.roles = {org::Role::kOfficer};
  mine.scope.own_user = own_user;
  cases::CaseQuery all_q;
  auto listed = app_->cases().List(mine, all_q);
  ASSERT_TRUE(listed) << listed.error().message_en;
  EXPECT_EQ((*listed)["total"].get<int64_t>(), want_all);
  cases::CaseQuery overdue_q;
  overdue_q.due = "overdue";
  auto late = app_->cases().List(mine, overdue_q);
  ASSERT_TRUE(late) << late.error().message_en;
  EXPECT_EQ((*late)["total"].get<int64_t>(), want_overdue);

  // The record log with the generated entries verifies end to end.
  auto v = record::VerifyLog(app_->db(), {});
  ASSERT_TRUE(v) << v.error().message_en;
  EXPECT_TRUE(v->ok) << v->problem_en;
}

INSTANTIATE_TEST_SUITE_P(Dialects, DemoCasesTest,
                         ::testing::Values(store::Dialect::kSqlite, store::Dialect::kPostgres),
                         [](const auto& info) {
                           return std::string(store::DialectName(info.param));
                         });

}  // namespace
}  // namespace zhifa
