// zhifa — one executable: serve, migrate, admin, demo, version.
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <iostream>

#include "app/app.h"
#include "auth/password_hash.h"
#include "cli/calendar.h"
#include "cli/commands.h"
#include "cli/demo_cases_gen.h"
#include "cli/discretion.h"
#include "cli/record.h"
#include "core/allocator.h"
#include "core/password_policy.h"
#include "http/server.h"
#include "store/migrate.h"

namespace zhifa::cli {

int Fail(const core::Error& e) {
  std::cerr << "zhifa: " << e.message_zh << "\nzhifa: " << e.message_en;
  if (!e.field.empty()) std::cerr << " [" << e.field << "]";
  std::cerr << "\n";
  return 1;
}

namespace {

int Serve(const app::Config& cfg) {
  auto t0 = std::chrono::steady_clock::now();
  auto app = app::App::Open(cfg);
  if (!app) return Fail(app.error());
  auto applied = (*app)->Migrate();
  if (!applied) return Fail(applied.error());
  if (*applied > 0) spdlog::info("applied {} migration(s)", *applied);
  auto boot = (*app)->Bootstrap();
  if (!boot) return Fail(boot.error());
  (*app)->BuildRoutes();
  (*app)->record()->Start();  // the checkpoint timer
  http::ServerOptions so = cfg.server;
  so.inline_reads = (*app)->db().dialect() == store::Dialect::kSqlite;
  http::Server server((*app)->router(), so);
  if (auto st = server.Bind(); !st) return Fail(st.error());
  server.Run([&] {
    auto ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0)
            .count();
    spdlog::info("zhifa {} listening on http://{} (database: {}, started in {} ms)", ZHIFA_VERSION,
                 cfg.server.listen, store::DialectName((*app)->db().dialect()), ms);
  });
  return 0;
}

}  // namespace
}  // namespace zhifa::cli

int main(int argc, char** argv) {
  using namespace zhifa;
  core::TuneAllocator();
  CLI::App cli{"zhifa 执法 — administrative law enforcement and supervision platform"};
  cli.require_subcommand(1);
  std::string config_file;
  cli.add_option("-c,--config", config_file, "TOML configuration file (or ZHIFA_CONFIG)");

  auto* serve = cli.add_subcommand("serve", "Run the platform (web UI + API)");
  auto* migrate = cli.add_subcommand("migrate", "Apply database migrations and exit");
  auto* version = cli.add_subcommand("version", "Print the version");

  auto* admin = cli.add_subcommand("admin", "Administrator tasks");
  admin->require_subcommand(1);
  auto* create = admin->add_subcommand("create-user", "Create a user with a role and scope");
  cli::CreateUserArgs cu;
  create->add_option("--username", cu.username, "login name")->required();
  create->add_option("--name", cu.display_name, "display name")->required();
  create->add_option("--unit", cu.unit, "unit name or id")->required();
  create->add_option("--role", cu.role, "role id (see docs)")->required();
  create->add_option("--scope", cu.scope, "data scope")->default_val("dept");
  create->add_option("--password", cu.password, "password (or ZHIFA_USER_PASSWORD)");
  auto* reset = admin->add_subcommand("reset-password", "Set a user's password (and unlock)");
  std::string reset_user, reset_password;
  reset->add_option("--username", reset_user, "login name")->required();
  reset->add_option("--password", reset_password, "new password (or ZHIFA_USER_PASSWORD)");

  auto* demo = cli.add_subcommand("demo", "Fill the database with a synthetic city");
  cli::DemoArgs da;
  demo->add_option("--password", da.password, "password of every demo user")
      ->default_val("Demo-2026-zhifa");
  demo->add_option("--officers", da.officers_per_team, "officers per enforcement team")
      ->default_val(6);
  cli::CaseGenOptions
      cases_opts;  // `--cases N`: a city-year of cases after the seed (demo_cases_gen.h)
  demo->add_option("--cases", cases_opts.cases, "generate N cases after the seed (issue 5 bench)");
  demo->add_option("--cases-from", cases_opts.from,
                   "first case index to generate (top up an earlier run of the same seed)");
  demo->add_option("--cases-seed", cases_opts.seed, "random seed of the generated cases");
  demo->add_option("--cases-batch", cases_opts.batch, "generated cases per transaction");
  demo->add_option("--cases-per-officer", cases_opts.cases_per_officer,
                   "generated cases a year per officer: registers officers to match (0: as is)");

  auto* config = cli.add_subcommand("config", "Print the example configuration");
  auto* routes = cli.add_subcommand("routes", "Print the HTTP route table");
  bool check_openapi = false;
  routes->add_flag("--check-openapi", check_openapi,
                   "Exit 1 unless openapi.json documents exactly the routes");

  auto* record = cli.add_subcommand("record", "The verifiable record log (全过程记录)");
  record->require_subcommand(1);
  auto* record_pubkey =
      record->add_subcommand("pubkey", "Print the PEM key that signs checkpoints");
  auto* record_checkpoint =
      record->add_subcommand("checkpoint", "Sign a checkpoint now and print it");
  auto* verify = cli.add_subcommand(
      "verify", "Check the whole record log: entries, tree, checkpoints (exit 1 on a fault)");
  cli::VerifyArgs va;
  verify->add_flag("--from-checkpoint", va.from_checkpoint,
                   "Check only the entries after the latest checkpoint");
  bool no_record = false;
  verify->add_flag("--no-record", no_record, "Do not write the result as a record entry");
  cli::CalendarCli calendar_cli;
  cli::RegisterCalendarCli(cli, calendar_cli);
  auto catalogue = cli::AddCatalogueCommands(cli);
  auto* disc = cli.add_subcommand("discretion", "Discretion engine (裁量) and penalty lists");
  disc->require_subcommand(1);
  auto* disc_eval = disc->add_subcommand("evaluate", "Evaluate facts for a matter; print JSON");
  cli::DiscretionEvaluateArgs dea;
  disc_eval->add_option("--matter", dea.matter, "matter code")->required();
  disc_eval->add_option("--facts", dea.facts_file, "facts JSON file")->required();
  disc_eval->add_option("--on", dea.on, "date of the rules (default: the act date)");
  disc_eval->add_option("--unit", dea.unit, "unit (name or id) whose lists apply");
  disc_eval->add_option("--kind", dea.kinds, "proposed penalty kind (repeatable): check it");
  disc_eval->add_option("--fine", dea.fine, "proposed fine in fen: check it");
  disc_eval->add_option("--reason", dea.reason, "written reason of the proposal");
  auto* disc_facts = disc->add_subcommand("facts", "Print the facts registry as JSON");

  CLI11_PARSE(cli, argc, argv);
  va.record = !no_record;

  if (version->parsed()) {
    std::cout << "zhifa " << ZHIFA_VERSION << " (schema " << store::LatestVersion() << ")\n";
    return 0;
  }
  if (config->parsed()) {
    std::cout << app::ExampleConfig();
    return 0;
  }
  if (disc_facts->parsed()) return cli::RunDiscretionFacts();
  auto cfg = app::LoadConfig(config_file);
  if (!cfg) return cli::Fail(cfg.error());
  if (routes->parsed()) return cli::RunRoutes(*cfg, check_openapi);
  if (auto rc = cli::RunCalendarCli(calendar_cli, *cfg)) return *rc;
  if (serve->parsed()) return cli::Serve(*cfg);
  if (migrate->parsed()) return cli::RunMigrate(*cfg);
  if (demo->parsed()) {
    const int rc = cli::RunDemo(*cfg, da);
    return rc != 0 || cases_opts.cases <= 0 ? rc : cli::RunDemoCases(*cfg, cases_opts);
  }
  if (record_pubkey->parsed()) return cli::RunRecordPubkey(*cfg);
  if (record_checkpoint->parsed()) return cli::RunRecordCheckpoint(*cfg);
  if (verify->parsed()) return cli::RunVerify(*cfg, va);
  if (catalogue.cmd->parsed()) return cli::RunCatalogue(*cfg, catalogue);
  if (disc_eval->parsed()) return cli::RunDiscretionEvaluate(*cfg, dea);
  if (admin->parsed()) {
    if (create->parsed()) return cli::RunCreateUser(*cfg, cu);
    if (reset->parsed()) return cli::RunResetPassword(*cfg, reset_user, reset_password);
  }
  return 2;
}
