// Subcommands of the zhifa executable other than serve.
#pragma once

#include <CLI/CLI.hpp>
#include <string>

#include "app/config.h"
#include "core/error.h"

namespace zhifa::cli {

int Fail(const core::Error& e);

int RunMigrate(const app::Config& cfg);

// Prints the route table (method, pattern, permission, summary); with check_openapi, compares it
// with the embedded OpenAPI document and exits 1 on a mismatch.
int RunRoutes(const app::Config& cfg, bool check_openapi);

struct CreateUserArgs {
  std::string username;
  std::string display_name;
  std::string unit;
  std::string role;
  std::string scope;
  std::string password;
};
int RunCreateUser(const app::Config& cfg, const CreateUserArgs& a);
int RunResetPassword(const app::Config& cfg, const std::string& username, std::string password);

struct DemoArgs {
  std::string password;
  int officers_per_team = 6;
};
// Fills the database with a synthetic city: the org tree, enforcement teams in three city
// departments and three districts, and users of every role. Idempotent per username.
int RunDemo(const app::Config& cfg, const DemoArgs& a);

// `zhifa catalogue show|import|export` (src/cli/catalogue.cc). Bad arguments: exit 2 naming the
// argument; problems in an imported file: exit 1 with every problem by row and column.
struct CatalogueCommands {
  CLI::App* cmd = nullptr;
  CLI::App* show = nullptr;
  CLI::App* import = nullptr;
  CLI::App* exp = nullptr;
  std::string code, on, file, format, sheet;
  bool dry_run = false;
};
CatalogueCommands AddCatalogueCommands(CLI::App& cli);
int RunCatalogue(const app::Config& cfg, const CatalogueCommands& c);

}  // namespace zhifa::cli
