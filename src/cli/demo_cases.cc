// `zhifa demo`, issue 5: a handful of realistic cases of 市城市管理局 in the states of the
// procedure (a lead, an investigation, a notice running, a legal review pending, a decision
// served with the payment running, an archived case, an overdue investigation, a lead not
// filed, an on-the-spot fine), made through the same service calls as the API (every step a
// command with its record entry). Officers of the demo team are put in the register when the
// register has no record for them yet. Skipped when any case exists.
#include "cli/demo_cases.h"

#include <iostream>

#include "cli/commands.h"
#include "core/codes.h"

namespace zhifa::cli {

namespace {

using core::Date;
using nlohmann::json;

std::string D(Date d) { return core::FormatDate(d); }
Date Plus(Date d, int days) { return core::CivilFromDays(core::DaysFromCivil(d) + days); }

// A valid 公民身份号码 for a person born on `birth` (sequence `seq`), check character computed.
std::string IdNumber(const std::string& division, Date birth, int seq) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%s%04d%02d%02d%03d", division.c_str(), birth.year, birth.month,
                birth.day, seq);
  std::string first17(buf);
  return first17 + core::IdNumberCheckChar(first17);
}

// A valid 统一社会信用代码: 9 (工商) 1 (企业), division, organisation code with its check.
std::string CreditCode(const std::string& division, const std::string& org8) {
  std::string org = org8 + core::OrganizationCodeCheckChar(org8);
  std::string first17 = "91" + division + org;
  return first17 + core::CreditCodeCheckChar(first17);
}

struct DemoUser {
  int64_t id = 0;
  int64_t unit_id = 0;
  std::string name;
};

core::Result<DemoUser> FindUser(store::Database& db, const std::string& username) {
  DemoUser u;
  auto st = db.Read([&](store::Conn& c) -> core::Status {
    auto r = c.Query("SELECT id, unit_id, display_name FROM users WHERE username = $1", {username});
    if (!r) return r.error();
    if (r->rows.empty()) {
      return core::Err(core::ErrorCode::kNotFound, "演示用户不存在: " + username,
                       "no demo user " + username);
    }
    u.id = r->rows[0].Int(0);
    u.unit_id = r->rows[0].Int(1);
    u.name = r->rows[0].Text(2);
    return core::Ok();
  });
  if (!st) return st.error();
  return u;
}

}  // namespace

int SeedCasesDemo(app::App& app) {
  auto& cases = app.cases();
  org::Principal sys;
  sys.scope.all = true;
  sys.roles = {org::Role::kOfficer, org::Role::kDeptHead, org::Role::kLegalReviewer};
  {
    cases::CaseQuery q;
    q.page_size = 1;
    auto any = cases.List(sys, q);
    if (!any) return Fail(any.error());
    if (!(*any)["items"].empty()) return 0;
  }
  // Two officers of 市城市管理局 with a credential valid today: the team officer cgjt1o1 (when
  // the register links them) first, then others of the department; registered here when the
  // register has fewer than two (e.g. `--officers-per-team 1`).
  const Date today = core::DateFromUnixMicros(core::NowMicros());
  auto first = FindUser(app.db(), "cgjt1o1");
  if (!first) return Fail(first.error());
  const int64_t unit = first->unit_id;  // 市城市管理局执法支队 第一大队
  auto dept = app.org().FindUnitByName("市城市管理局");
  if (!dept) return Fail(dept.error());
  if (!*dept)
    return Fail(core::Err(core::ErrorCode::kNotFound, "单位不存在: 市城市管理局", "no unit"));
  std::vector<int64_t> candidates;
  auto st = app.db().Read([&](store::Conn& c) -> core::Status {
    auto r = c.Query(
        "SELECT o.id FROM officers o WHERE o.status = 'active' AND o.valid_from <= $1 AND "
        "o.valid_to >= $1 AND o.unit_id IN (SELECT descendant_id FROM unit_closure WHERE "
        "ancestor_id = $2) ORDER BY CASE WHEN o.user_id = $3 THEN 0 ELSE 1 END, o.id LIMIT 2",
        {D(today), **dept, first->id});
    if (!r) return r.error();
    for (const auto& row : r->rows) candidates.push_back(row.Int(0));
    return core::Ok();
  });
  if (!st) return Fail(st.error());
  org::Principal admin = sys;
  admin.roles = {org::Role::kSupervisor};
  for (int i = static_cast<int>(candidates.size()); i < 2; ++i) {
    officers::NewOfficer n;
    n.unit_id = unit;
    n.name = i == 0 ? "周建军" : "吴海燕";
    n.cert_no = "鲁济城管执字第" + std::to_string(202490 + i) + "号";
    n.issuing_authority = "济南市人民政府";
    n.valid_from = Date{2024, 1, 1};
    n.valid_to = Date{2029, 12, 31};
    n.domains = {"urban_management"};
    auto made = app.officers().Create(admin, n);
    if (!made) return Fail(made.error());
    candidates.push_back((*made)["id"].get<int64_t>());
  }
  const std::vector<int64_t> pair = {candidates[0], candidates[1]};
  const std::string matter = "CGJ-DL-001";  // 擅自占用或者挖掘城市道路 (demo catalogue, 示例)

  int made = 0;
  auto lead = [&](const std::string& title, const std::string& party_name, bool person, int seq,
                  int act_days_ago, int discovered_days_ago) -> core::Result<json> {
    cases::NewCase in;
    in.unit_id = unit;
    in.matter_code = matter;
    in.source = seq % 3 == 0 ? "hotline" : (seq % 3 == 1 ? "inspection" : "complaint");
    in.source_ref = seq % 3 == 0 ? "12345-" + std::to_string(20260000 + seq) : "";
    in.title = title;
    in.place = "济南市历下区泉城路" + std::to_string(10 + seq) + "号";
    in.party.kind = person ? "person" : "organisation";
    in.party.name = party_name;
    if (person) {
      in.party.id_number = IdNumber("370102", Date{1980 + seq, 1 + seq % 12, 1 + seq}, 100 + seq);
    } else {
      char org[16];
      std::snprintf(org, sizeof org, "MA3C%04d", 1000 + seq);
      in.party.credit_code = CreditCode("370102", org);
      in.party.representative = "法定代表人" + std::to_string(seq);
    }
    in.party.address = "济南市历下区";
    in.act_date = D(Plus(today, -act_days_ago));
    in.discovered_date = D(Plus(today, -discovered_days_ago));
    in.officer_ids = pair;
    auto r = cases.Create(sys, in);
    if (r) ++made;
    return r;
  };
  auto step = [&](const json& k, const char* name, json body) -> core::Result<json> {
    auto cur = cases.Get(sys, k["id"].get<int64_t>());
    if (!cur) return cur.error();
    body["version"] = (*cur)["version"];
    return cases.Step(sys, k["id"].get<int64_t>(), name, body);
  };
  auto day = [&](int ago) { return D(Plus(today, -ago)); };
  auto investigate = [&](const json& k, int filed_ago) -> core::Status {
    auto f = step(k, "file", {{"date", day(filed_ago)}, {"note", "同意立案"}});
    if (!f) return f.error();
    auto i = step(k, "investigate",
                  {{"date", day(filed_ago - 1)},
                   {"kind", "inspection"},
                   {"officer_ids", pair},
                   {"credentials_shown", true},
                   {"summary", "现场检查：当事人占用人行道堆放物料，面积约 12 平方米"}});
    if (!i) return i.error();
    return core::Ok();
  };
  auto conclude = [&](const json& k, int ago, int64_t fine, bool complex) -> core::Status {
    auto c = step(k, "conclude_investigation",
                  {{"date", day(ago)},
                   {"outcome", "penalty"},
                   {"penalty", {{"kinds", {"fine"}}, {"fine", fine}}},
                   {"reason", "占用面积较大，责令改正后已整改"},
                   {"facts", json::object()},
                   {"report", "调查终结报告：事实清楚，证据确凿，拟处罚款"},
                   {"complex", complex}});
    if (!c) return c.error();
    auto r = step(k, "review_case", {{"date", day(ago)}, {"agree", true}, {"opinion", "同意"}});
    if (!r) return r.error();
    return core::Ok();
  };
  auto notify = [&](const json& k, int ago) -> core::Status {
    auto n = step(k, "notify",
                  {{"date", day(ago)},
                   {"facts", "当事人擅自占用城市道路堆放物料"},
                   {"reasons", "违反《城市道路管理条例》第二十七条"},
                   {"basis", "《城市道路管理条例》第四十二条"},
                   {"statement_right", true},
                   {"hearing_right", false}});
    if (!n) return n.error();
    return core::Ok();
  };

  auto run = [&]() -> core::Status {
    // 1. A lead registered three days ago.
    auto k1 = lead("擅自占用城市道路摆摊经营", "王建国", true, 1, 5, 3);
    if (!k1) return k1.error();
    // 2. Under investigation, a non-coercive means recorded.
    auto k2 = lead("擅自占用城市道路堆放建筑材料", "济南恒远建材有限公司", false, 2, 30, 25);
    if (!k2) return k2.error();
    ZHIFA_TRY(investigate(*k2, 20));
    auto nc =
        step(*k2, "non_coercive",
             {{"date", day(15)}, {"means", "warning"}, {"note", "警示告诫，当事人承诺三日内清理"}});
    if (!nc) return nc.error();
    // 3. Notified two days ago: the statement period runs.
    auto k3 = lead("擅自挖掘城市道路", "济南宏达市政工程有限公司", false, 3, 60, 50);
    if (!k3) return k3.error();
    ZHIFA_TRY(investigate(*k3, 45));
    ZHIFA_TRY(conclude(*k3, 10, 300000, false));
    ZHIFA_TRY(notify(*k3, 2));
    // 4. Complex: waived in writing? No — stated, submitted for legal review (pending).
    auto k4 = lead("擅自占用城市道路设置广告牌", "济南广誉传媒有限公司", false, 4, 80, 70);
    if (!k4) return k4.error();
    ZHIFA_TRY(investigate(*k4, 65));
    ZHIFA_TRY(conclude(*k4, 40, 500000, true));
    ZHIFA_TRY(notify(*k4, 30));
    auto s4 = step(*k4, "statement",
                   {{"date", day(28)},
                    {"content", "已自行拆除，请求从轻处罚"},
                    {"adopted", true},
                    {"response", "理由成立，予以采纳"}});
    if (!s4) return s4.error();
    auto r4 = step(*k4, "submit_review", {{"date", day(5)}, {"note", "案情复杂，提请法制审核"}});
    if (!r4) return r4.error();
    // 5. Decided and served: the payment period runs; 6. the same, executed and archived.
    for (int i = 0; i < 2; ++i) {
      auto k = lead(i == 0 ? "擅自占用城市道路经营夜市" : "擅自占用城市道路停放车辆经营",
                    i == 0 ? "李秀英" : "济南顺通汽车服务有限公司", i == 0, 5 + i, 100, 90);
      if (!k) return k.error();
      ZHIFA_TRY(investigate(*k, 85));
      ZHIFA_TRY(conclude(*k, 60, 200000, false));
      ZHIFA_TRY(notify(*k, 50));
      auto d = step(*k, "decide",
                    {{"date", day(i == 0 ? 6 : 40)},
                     {"outcome", "penalty"},
                     {"penalty", {{"kinds", {"fine"}}, {"fine", 200000}}},
                     {"document_no", "济城管罚〔" + std::to_string(today.year) + "〕" +
                                         std::to_string(10 + i) + "号"}});
      if (!d) return d.error();
      auto sv = step(*k, "serve", {{"date", day(i == 0 ? 5 : 39)}, {"method", "direct"}});
      if (!sv) return sv.error();
      if (i == 1) {
        for (auto [name, body] :
             {std::pair{"execute", json{{"date", day(30)}, {"method", "paid"}, {"paid", 200000}}},
              std::pair{"close", json{{"date", day(29)}, {"summary", "罚款已缴纳，结案"}}},
              std::pair{"archive",
                        json{{"date", day(28)},
                             {"archive_no", "城管档-" + std::to_string(today.year) + "-0001"}}}}) {
          auto x = step(*k, name, body);
          if (!x) return x.error();
        }
      }
    }
    // 7. Filed 100 days ago, still investigating: the decision period is overdue.
    auto k7 = lead("擅自占用城市道路建设临时设施", "济南永安置业有限公司", false, 7, 120, 105);
    if (!k7) return k7.error();
    ZHIFA_TRY(investigate(*k7, 100));
    // 8. Not filed.
    auto k8 = lead("群众反映占道经营（经核实已整改）", "赵立新", true, 8, 12, 10);
    if (!k8) return k8.error();
    auto nf = step(*k8, "not_file",
                   {{"date", day(9)}, {"reason", "经核查违法事实不存在，当事人已自行整改"}});
    if (!nf) return nf.error();
    // 9. An on-the-spot fine of 100 元 (simplified procedure).
    cases::NewSimplified s;
    s.unit_id = unit;
    s.matter_code = "CGJ-LJ-003";  // 随意倾倒生活垃圾: 个人 100–500 元 (demo catalogue)
    s.title = "随意倾倒生活垃圾";
    s.place = "济南市历下区芙蓉街";
    s.party.kind = "person";
    s.party.name = "孙海燕";
    s.party.id_number = IdNumber("370102", Date{1990, 6, 15}, 222);
    s.act_date = D(today);
    s.penalty = {{"kinds", {"fine"}}, {"fine", 10000}};  // 100 元 on the spot (第51条)
    s.basis = "《城市道路管理条例》第四十二条";
    s.reason = "个人首次违法，数量少";
    s.officer_ids = pair;
    s.credentials_shown = true;
    auto k9 = cases.CreateSimplified(sys, s);
    if (!k9) return k9.error();
    ++made;
    return core::Ok();
  };
  if (auto st = run(); !st) return Fail(st.error());
  std::cout << "cases: " << made << " demo cases of 市城市管理局 in the states of the procedure\n";
  return 0;
}

}  // namespace zhifa::cli
