#include "cli/officers_demo.h"

#include <iostream>

#include "app/app.h"
#include "cli/commands.h"

namespace zhifa::cli {

namespace {

constexpr const char* kSurnames[] = {"钱", "孙", "冯", "陈", "褚", "卫", "蒋", "沈", "韩", "杨"};
constexpr const char* kGiven[] = {"建华", "文斌", "丽娟", "国栋", "海涛", "春燕", "志刚", "晓明"};

// 执法领域 of a demo department, from the demo usernames' prefixes (cli/demo.cc).
std::vector<std::string> DomainsFor(const std::string& username) {
  if (username.find("sthj") != std::string::npos) return {"ecology"};
  if (username.find("cgj") != std::string::npos) return {"urban_management"};
  if (username.find("zhzf") != std::string::npos) return {"urban_management", "ecology"};
  return {"food_drug", "public_health"};
}

}  // namespace

int SeedOfficersDemo(app::App& app) {
  auto& officers = app.officers();
  auto empty = officers.Empty();
  if (!empty) return Fail(empty.error());
  if (!*empty) return 0;
  org::Principal sys;
  sys.scope.all = true;
  sys.roles = {org::Role::kSupervisor};
  const core::Date today = core::DateFromUnixMicros(core::NowMicros());
  const int64_t t = core::DaysFromCivil(today);
  auto day = [&](int64_t offset) { return core::CivilFromDays(t + offset); };
  int n = 0, linked = 0, expiring = 0, expired = 0, qualified = 0;
  std::vector<int64_t> experienced;  // reviewers whose earlier reviews are on record
  auto add = [&](std::optional<int64_t> user, int64_t unit, const std::string& name,
                 const std::vector<std::string>& domains, bool reviewer) -> core::Status {
    ++n;
    officers::NewOfficer o;
    o.user_id = user;
    o.unit_id = unit;
    o.name = name;
    o.cert_no = "370100" + std::to_string(2019 + n % 5) + std::to_string(100000 + n).substr(1);
    o.issuing_authority = "济南市人民政府";
    o.domains = domains;
    int64_t end = 200 + (n * 37) % 1500;  // valid for months to years yet
    if (n % 13 == 0) {
      end = -(1 + n % 60);  // expired
      ++expired;
    } else if (n % 9 == 0) {
      end = n % 28;  // within the 30-day warning window
      ++expiring;
    }
    o.valid_to = day(end);
    o.valid_from = day(end - 5 * 365);
    o.legal_qualification = reviewer ? n % 4 != 0 : n % 7 == 0;
    if (o.legal_qualification) {
      o.legal_cert_no = "A" + std::to_string(20150000000 + n * 7919);
      ++qualified;
    }
    auto made = officers.Create(sys, o);
    if (!made) return made.error();
    if (user) ++linked;
    if (reviewer && !o.legal_qualification && user) experienced.push_back(*user);
    if (n % 17 == 0) {
      auto s = officers.ChangeStatus(sys, (*made)["id"].get<int64_t>(),
                                     officers::OfficerStatus::kSuspended, "接受调查，暂停执法",
                                     (*made)["version"].get<int64_t>());
      if (!s) return s.error();
    }
    return core::Ok();
  };
  auto run = [&]() -> core::Status {
    // Every demo account with a case role, page by page.
    std::map<int64_t, int> extra_per_unit;
    for (int page = 1;; ++page) {
      org::UserQuery q;
      q.page = page;
      q.page_size = 200;
      auto users = app.org().ListUsers(sys, q);
      if (!users) return users.error();
      for (const auto& u : (*users)["items"]) {
        std::string role;
        for (const auto& r : u["roles"]) role = r["role"].get<std::string>();
        if (role != "officer" && role != "legal_reviewer" && role != "dept_head") continue;
        std::string username = u["username"].get<std::string>();
        int64_t unit = u["unit_id"].get<int64_t>();
        ZHIFA_TRY(add(u["id"].get<int64_t>(), unit, u["display_name"].get<std::string>(),
                      DomainsFor(username), role == "legal_reviewer"));
        // Officers without an account: one per team (the first officer's unit), and many more
        // in 市城市管理局, whose reviewers then fall short of item 34's 5 %.
        if (role == "officer" && username.size() > 3 &&
            username.compare(username.size() - 2, 2, "o1") == 0 &&
            username.find("t") != std::string::npos) {
          int more = username.rfind("cgj", 0) == 0 ? 14 : 1;
          for (int i = 0; i < more; ++i) {
            int k = extra_per_unit[unit]++;
            std::string name = std::string(kSurnames[(n + k) % 10]) + kGiven[(n * 3 + k) % 8];
            ZHIFA_TRY(add(std::nullopt, unit, name, DomainsFor(username), false));
          }
        }
      }
      if ((*users)["items"].size() < 200) break;
    }
    for (int64_t user : experienced) {
      ZHIFA_TRY(officers.RecordReview(record::Actor{}, user, day(-400)));
    }
    return core::Ok();
  };
  if (auto st = run(); !st) return Fail(st.error());
  std::cout << "officer register: " << n << " officers (" << linked << " linked to accounts, "
            << expiring << " expiring within 30 days, " << expired << " expired, " << qualified
            << " with 法律职业资格)\n";
  return 0;
}

}  // namespace zhifa::cli
