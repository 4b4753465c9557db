// `zhifa demo`: a realistic synthetic city for trying the platform and for benchmarks.
#include <iostream>

#include "app/app.h"
#include "auth/password_hash.h"
#include "cli/commands.h"
#include "cli/demo_cases.h"
#include "cli/discretion.h"
#include "cli/officers_demo.h"
#include "core/csv.h"
#include "core/embedded.h"
#include "core/password_policy.h"

namespace zhifa::cli {

namespace {

constexpr const char* kSurnames[] = {"王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴",
                                     "徐", "孙", "马", "朱", "胡", "郭", "何", "高", "林", "罗"};
constexpr const char* kGiven[] = {"伟",   "芳",   "娜",   "敏",   "静",   "强",   "磊",   "军",
                                  "洋",   "勇",   "艳",   "杰",   "涛",   "明",   "超",   "秀英",
                                  "建国", "志强", "海燕", "晓东", "立新", "文静", "国庆", "红梅"};

std::string PersonName(int i) {
  return std::string(kSurnames[i % 20]) + kGiven[(i * 7 + i / 20) % 24];
}

struct Builder {
  org::OrgService& org;
  org::Principal sys;
  std::string hash;
  int people = 0;
  int made_units = 0;
  int made_users = 0;

  core::Result<int64_t> Unit(int64_t parent, const std::string& name, const std::string& kind) {
    auto u = org.CreateUnit(sys, {parent, name, kind, "", ""});
    if (!u) return u.error();
    ++made_units;
    return u->id;
  }

  core::Status User(const std::string& username, int64_t unit, const std::string& role,
                    const std::string& scope, std::vector<int64_t> custom = {}) {
    org::NewUser u{username, PersonName(people++), unit, hash, "", false};
    auto made =
        org.CreateUserAsSystem(record::Actor{}, u, {{role, unit, scope, std::move(custom)}});
    if (!made) return made.error();
    ++made_users;
    return core::Ok();
  }
};

core::Result<int64_t> Find(org::OrgService& org, const std::string& name) {
  auto id = org.FindUnitByName(name);
  if (!id) return id.error();
  if (!*id) return core::Err(core::ErrorCode::kNotFound, "单位不存在: " + name, "no unit " + name);
  return **id;
}

// The starter catalogue of the three city departments (sample legal text, flagged 示例):
// data/demo-catalogue-matters.csv and data/demo-catalogue-tiers.csv, loaded through the import
// path. Returns the number of matters created.
core::Result<int> SeedDemoCatalogue(catalogue::CatalogueService& cat) {
  auto empty = cat.Empty();
  if (!empty) return empty.error();
  if (!*empty) return 0;
  auto read = [](const char* name) -> core::Result<catalogue::Table> {
    auto text = core::FindEmbedded(embed::data(), name);
    if (!text)
      return core::Err(core::ErrorCode::kInternal, std::string("缺少 ") + name,
                       std::string("missing ") + name);
    auto rows = core::ReadCsv(*text);
    if (!rows) return rows.error();
    return catalogue::Table{"", std::move(*rows)};
  };
  auto matters = read("demo-catalogue-matters.csv");
  if (!matters) return matters.error();
  auto tiers = read("demo-catalogue-tiers.csv");
  if (!tiers) return tiers.error();
  matters->name = catalogue::kMatterSheet;
  tiers->name = catalogue::kTierSheet;
  org::Principal sys;
  sys.scope.all = true;
  catalogue::ImportOptions o;
  o.effective_from = core::Date{2024, 1, 1};
  auto r = cat.ImportTables(sys, &*matters, *tiers, o);
  if (!r) return r.error();
  if (!r->ok) {
    const auto& p = r->problems.front();
    return core::Err(core::ErrorCode::kInternal,
                     "示例目录有误：" + p.sheet + " 第" + std::to_string(p.row) + "行 " + p.column +
                         "：" + p.message_zh,
                     "the demo catalogue is wrong: " + p.sheet + " row " + std::to_string(p.row) +
                         " " + p.column + ": " + p.message_en);
  }
  return r->created;
}

}  // namespace

int RunDemo(const app::Config& cfg, const DemoArgs& a) {
  app::Config c = cfg;
  if (c.admin_password.empty()) c.admin_password = a.password;
  auto app = app::App::Open(c);
  if (!app) return Fail(app.error());
  auto applied = (*app)->Migrate();
  if (!applied) return Fail(applied.error());
  auto boot = (*app)->Bootstrap();
  if (!boot) return Fail(boot.error());
  auto& org = (*app)->org();
  if (auto marker = org.FindUnitByName("市市场监管局执法支队"); marker && *marker) {
    auto made = SeedDemoCatalogue((*app)->catalogue());
    if (!made) return Fail(made.error());
    if (*made) std::cout << "demo: " << *made << " catalogue matters created (示例)\n";
    std::cout << "demo data is already present\n";
    if (int rc = SeedOfficersDemo(**app); rc != 0) return rc;  // the register (issue 5)
    return SeedCasesDemo(**app);                               // cases (issue 5)
  }
  if (auto st = core::CheckPasswordComplexity(a.password, "", c.auth.password, "password"); !st) {
    return Fail(st.error());
  }
  auto hash = auth::HashPassword(a.password);  // one hash for every demo user (demo only)
  if (!hash) return Fail(hash.error());
  Builder b{org, {}, *hash};
  b.sys.scope.all = true;
  b.sys.roles = {org::Role::kSysAdmin};

  auto run = [&]() -> core::Status {
    int n = 0;
    auto team_users = [&](const std::string& prefix, int64_t dept, int64_t brigade,
                          std::vector<int64_t> teams) -> core::Status {
      ZHIFA_TRY(b.User(prefix + "head", dept, "dept_head", "dept_tree"));
      ZHIFA_TRY(b.User(prefix + "reviewer1", dept, "legal_reviewer", "dept_tree"));
      ZHIFA_TRY(b.User(prefix + "reviewer2", brigade, "legal_reviewer", "dept_tree"));
      for (size_t t = 0; t < teams.size(); ++t) {
        for (int i = 1; i <= a.officers_per_team; ++i) {
          ZHIFA_TRY(b.User(prefix + "t" + std::to_string(t + 1) + "o" + std::to_string(i), teams[t],
                           "officer", i == 1 ? "dept" : "own"));
        }
      }
      ++n;
      return core::Ok();
    };
    // City departments with enforcement brigades (支队) and teams (大队).
    struct Dept {
      const char* name;
      const char* prefix;
    };
    for (Dept d : {Dept{"市市场监管局", "scjg"}, Dept{"市城市管理局", "cgj"},
                   Dept{"市生态环境局", "sthj"}}) {
      auto dept = Find(org, d.name);
      if (!dept) return dept.error();
      auto brigade = b.Unit(*dept, std::string(d.name) + "执法支队", "unit");
      if (!brigade) return brigade.error();
      std::vector<int64_t> teams;
      for (const char* t : {"第一大队", "第二大队", "第三大队"}) {
        auto team = b.Unit(*brigade, t, "unit");
        if (!team) return team.error();
        teams.push_back(*team);
      }
      ZHIFA_TRY(team_users(d.prefix, *dept, *brigade, teams));
    }
    // District departments.
    struct District {
      const char* name;
      const char* prefix;
    };
    std::vector<int64_t> district_ids;
    for (District d :
         {District{"历下区", "lx"}, District{"市中区", "szq"}, District{"历城区", "lc"}}) {
      auto dist = Find(org, d.name);
      if (!dist) return dist.error();
      district_ids.push_back(*dist);
      for (auto [suffix, key] :
           {std::pair{"市场监督管理局", "scjg"}, std::pair{"综合行政执法局", "zhzf"}}) {
        auto dept = b.Unit(*dist, std::string(d.name) + suffix, "department");
        if (!dept) return dept.error();
        auto brigade = b.Unit(*dept, "执法大队", "unit");
        if (!brigade) return brigade.error();
        auto team = b.Unit(*brigade, "第一中队", "unit");
        if (!team) return team.error();
        ZHIFA_TRY(team_users(std::string(d.prefix) + key, *dept, *brigade, {*team}));
      }
      ZHIFA_TRY(b.User(std::string(d.prefix) + "sfj", *dist, "supervisor", "district"));
    }
    // The judicial bureau supervises the whole city.
    auto sfj = Find(org, "市司法局");
    if (!sfj) return sfj.error();
    auto office = b.Unit(*sfj, "行政执法协调监督处", "unit");
    if (!office) return office.error();
    for (int i = 1; i <= 3; ++i) {
      ZHIFA_TRY(b.User("sfj" + std::to_string(i), *office, "supervisor", "city"));
    }
    // Social supervisors read within assigned districts.
    for (int i = 1; i <= 5; ++i) {
      ZHIFA_TRY(b.User("shjd" + std::to_string(i), *sfj, "social_supervisor", "custom",
                       {district_ids[i % district_ids.size()]}));
    }
    return core::Ok();
  };
  if (auto st = run(); !st) return Fail(st.error());
  auto matters = SeedDemoCatalogue((*app)->catalogue());
  if (!matters) return Fail(matters.error());
  std::cout
      << "demo: " << b.made_units << " units and " << b.made_users << " users created, " << *matters
      << " catalogue matters (示例) (password of every demo user: " << a.password << ")\n"
      << "  e.g. scjgt1o1 (市市场监管局 officer), scjghead (负责人), scjgreviewer1 (法制审核), "
         "sfj1 (司法局 supervisor), shjd1 (社会监督员)\n";
  if (int rc = SeedDiscretionDemo(**app); rc != 0) return rc;  // penalty lists (issue 3)
  if (int rc = SeedOfficersDemo(**app); rc != 0) return rc;    // the officer register (issue 5)
  return SeedCasesDemo(**app);                                 // cases (issue 5)
}

}  // namespace zhifa::cli
