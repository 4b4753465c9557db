#include "cli/commands.h"

#include <spdlog/spdlog.h>

#include <cstdlib>
#include <iostream>

#include "app/app.h"
#include "app/openapi_check.h"
#include "auth/password_hash.h"
#include "core/embedded.h"
#include "core/password_policy.h"
#include "store/migrate.h"

namespace zhifa::cli {

namespace {

core::Result<std::unique_ptr<app::App>> OpenMigrated(const app::Config& cfg) {
  auto app = app::App::Open(cfg);
  if (!app) return app.error();
  auto applied = (*app)->Migrate();
  if (!applied) return applied.error();
  return app;
}

std::string PasswordFromEnv(std::string given) {
  if (!given.empty()) return given;
  if (const char* p = std::getenv("ZHIFA_USER_PASSWORD")) return p;
  return {};
}

}  // namespace

int RunMigrate(const app::Config& cfg) {
  auto app = app::App::Open(cfg);
  if (!app) return Fail(app.error());
  auto before = store::CurrentVersion((*app)->db());
  if (!before) return Fail(before.error());
  auto applied = (*app)->Migrate();
  if (!applied) return Fail(applied.error());
  std::cout << "schema version " << *before << " → " << store::LatestVersion() << " (" << *applied
            << " migration(s) applied)\n";
  return 0;
}

int RunRoutes(const app::Config& cfg, bool check_openapi) {
  app::Config c = cfg;
  c.db_url = "sqlite::memory:";  // the table needs no data
  auto app = app::App::Open(c);
  if (!app) return Fail(app.error());
  (*app)->BuildRoutes();
  for (const auto& r : (*app)->router().routes()) {
    std::cout << r->method << "\t" << r->pattern << "\t"
              << (r->options.permission ? org::PermissionName(*r->options.permission)
                                        : (r->options.auth ? "(signed in)" : "(public)"))
              << "\t" << r->options.summary << "\n";
  }
  if (!check_openapi) return 0;
  auto doc = core::FindEmbedded(embed::data(), "openapi.json");
  auto problems = app::CheckOpenApi((*app)->router(), doc.value_or(""));
  for (const auto& p : problems) std::cerr << "openapi: " << p << "\n";
  if (!problems.empty()) return 1;
  std::cerr << "openapi: the document matches the " << (*app)->router().routes().size()
            << " routes\n";
  return 0;
}

int RunCreateUser(const app::Config& cfg, const CreateUserArgs& a) {
  auto app = OpenMigrated(cfg);
  if (!app) return Fail(app.error());
  auto& org = (*app)->org();
  auto seeded = org.SeedIfEmpty(record::Actor{});
  if (!seeded) return Fail(seeded.error());
  int64_t unit_id = 0;
  if (!a.unit.empty() && a.unit.find_first_not_of("0123456789") == std::string::npos) {
    unit_id = std::stoll(a.unit);
  } else {
    auto found = org.FindUnitByName(a.unit);
    if (!found) return Fail(found.error());
    if (!*found) {
      return Fail(core::Err(core::ErrorCode::kNotFound, "单位「" + a.unit + "」不存在",
                            "unit \"" + a.unit + "\" not found", "unit"));
    }
    unit_id = **found;
  }
  std::string password = PasswordFromEnv(a.password);
  if (password.empty()) {
    return Fail(core::Err(core::ErrorCode::kInvalidArgument,
                          "请用 --password 或 ZHIFA_USER_PASSWORD 提供密码",
                          "give --password or ZHIFA_USER_PASSWORD", "password"));
  }
  if (auto st = core::CheckPasswordComplexity(password, a.username, cfg.auth.password, "password");
      !st) {
    return Fail(st.error());
  }
  auto hash = auth::HashPassword(password);
  if (!hash) return Fail(hash.error());
  org::NewUser u{a.username, a.display_name, unit_id, *hash, "", false};
  auto made = org.CreateUserAsSystem(record::Actor{}, u, {{a.role, unit_id, a.scope, {}}});
  if (!made) return Fail(made.error());
  std::cout << "created user " << made->username << " (id " << made->id << ")\n";
  return 0;
}

int RunResetPassword(const app::Config& cfg, const std::string& username, std::string password) {
  auto app = OpenMigrated(cfg);
  if (!app) return Fail(app.error());
  password = PasswordFromEnv(password);
  if (password.empty()) {
    return Fail(core::Err(core::ErrorCode::kInvalidArgument,
                          "请用 --password 或 ZHIFA_USER_PASSWORD 提供密码",
                          "give --password or ZHIFA_USER_PASSWORD", "password"));
  }
  auto st = (*app)->auth().SetPasswordAsSystem(username, password);
  if (!st) return Fail(st.error());
  std::cout << "password of " << username << " reset; account unlocked; sessions ended\n";
  return 0;
}

}  // namespace zhifa::cli
