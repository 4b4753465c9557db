// zhifa::app::App — wires the platform: database, migrations, command bus, services, routes,
// the embedded web UI and the operational endpoints. One App per process.
#pragma once

#include <memory>

#include "app/config.h"
#include "auth/auth_routes.h"
#include "auth/auth_service.h"
#include "calendar/calendar_service.h"
#include "cases/case_service.h"
#include "catalogue/catalogue_service.h"
#include "discretion/lists_service.h"
#include "http/router.h"
#include "officers/officer_service.h"
#include "org/org_service.h"
#include "record/command_bus.h"
#include "record/evidence_service.h"
#include "record/record_service.h"
#include "store/database.h"

namespace zhifa::app {

class App {
 public:
  // Opens the database and builds the services. Does not migrate.
  static core::Result<std::unique_ptr<App>> Open(const Config& config);

  // Applies migrations and opens the record log (fixes or checks its hash, builds the tree of
  // older entries, loads the checkpoint key); returns how many migrations ran.
  core::Result<int> Migrate();
  // First start: seeds the org tree and creates the three administrators. Prints a generated
  // password once when ZHIFA_ADMIN_PASSWORD is unset. Returns the password it set, if any.
  core::Result<std::string> Bootstrap();
  // Builds the route table (API, operational endpoints, static UI).
  void BuildRoutes();

  const Config& config() const { return config_; }
  store::Database& db() { return *db_; }
  record::CommandBus& bus() { return *bus_; }
  org::OrgService& org() { return *org_; }
  auth::AuthService& auth() { return *auth_; }
  // Null before Migrate().
  record::RecordService* record() { return record_.get(); }
  http::Router& router() { return router_; }
  record::EvidenceService& evidence() { return *evidence_; }
  // The working-day calendar and time limits; built by Migrate() over the database (before it,
  // BuildRoutes builds one over the shipped years only, e.g. for `zhifa routes`).
  calendar::CalendarService& calendar() { return *calendar_; }
  catalogue::CatalogueService& catalogue() { return *catalogue_; }
  discretion::ListsService& lists() { return *lists_; }
  discretion::DiscretionService& discretion() { return *discretion_; }
  // The officer register (issue 5): what cases read about officers and reviewers.
  officers::OfficerService& officers() { return *officers_; }
  cases::CaseService& cases() { return *cases_; }

 private:
  explicit App(Config config) : config_(std::move(config)) {}
  Config config_;
  std::unique_ptr<core::FieldCipher> cipher_;
  std::unique_ptr<store::Database> db_;
  std::unique_ptr<record::CommandBus> bus_;
  std::unique_ptr<org::OrgService> org_;
  std::unique_ptr<auth::AuthService> auth_;
  std::unique_ptr<auth::SessionAuthenticator> authenticator_;
  std::unique_ptr<record::RecordService> record_;
  std::unique_ptr<calendar::CalendarService> calendar_;
  std::unique_ptr<catalogue::CatalogueService> catalogue_;
  // Discretion (issue 3): the engine reads matters from the catalogue through an adapter.
  std::unique_ptr<discretion::MatterSource> matter_source_;
  std::unique_ptr<discretion::ListsService> lists_;
  std::unique_ptr<discretion::DiscretionService> discretion_;
  // Cases (issue 5): reads officers through cases::OfficerSource (an adapter over the register).
  std::unique_ptr<cases::OfficerSource> officer_source_;
  std::unique_ptr<cases::CaseService> cases_;
  http::Router router_;
  std::unique_ptr<record::EvidenceStore> evidence_store_;
  std::unique_ptr<record::EvidenceService> evidence_;
  std::unique_ptr<officers::OfficerService> officers_;
};

// An officer of the register (officers::OfficerService) as the case rules take it
// (cases::OfficerFact): the one conversion, used by the cases' officer source and the bulk case
// generator of `zhifa demo --cases`.
cases::OfficerFact OfficerFactOf(const officers::OfficerOnDate& o);

// Registers GET / HEAD for the embedded SPA (history fallback to index.html).
void RegisterStatic(http::Router& router);

}  // namespace zhifa::app
