#include "app/app.h"

#include <spdlog/spdlog.h>

#include <filesystem>
#include <iostream>

#include "auth/password_hash.h"
#include "calendar/calendar_routes.h"
#include "cases/case_routes.h"
#include "catalogue/catalogue_routes.h"
#include "core/embedded.h"
#include "core/password_policy.h"
#include "core/random.h"
#include "discretion/discretion_routes.h"
#include "discretion/discretion_rules.h"
#include "officers/officer_routes.h"
#include "org/org_routes.h"
#include "record/evidence_routes.h"
#include "record/record_routes.h"
#include "store/migrate.h"

namespace zhifa::app {

using core::Err;
using core::ErrorCode;
using http::Ctx;
using http::Response;

cases::OfficerFact OfficerFactOf(const officers::OfficerOnDate& o) {
  cases::OfficerFact f;
  f.id = o.id;
  f.user_id = o.user_id;
  f.unit_id = o.unit_id;
  f.name = o.name;
  f.cert_no = o.cert_no;
  f.credential_valid = o.credential_valid;
  f.expiring_soon = o.expiring_soon;
  f.legal_qualification = o.legal_qualification;
  return f;
}

namespace {
// The discretion engine reads matters through its own small interface (discretion::MatterSource);
// this adapter answers it from the catalogue.
class CatalogueMatterSource : public discretion::MatterSource {
 public:
  explicit CatalogueMatterSource(catalogue::CatalogueService& c) : catalogue_(c) {}
  core::Result<catalogue::MatterRules> MatterRulesAt(std::string_view code,
                                                     core::Date on) override {
    return catalogue_.MatterRulesAt(code, on);
  }

 private:
  catalogue::CatalogueService& catalogue_;
};
// The cases read the officer register through their own small interface (cases::OfficerSource).
class RegisterOfficerSource : public cases::OfficerSource {
 public:
  explicit RegisterOfficerSource(officers::OfficerService& o) : officers_(o) {}
  core::Result<std::vector<cases::OfficerFact>> OnDate(const std::vector<int64_t>& ids,
                                                       core::Date on,
                                                       std::string_view field) override {
    return Facts(officers_.OnDate(std::span<const int64_t>(ids), on, field));
  }
  core::Result<std::vector<cases::OfficerFact>> OnDate(store::Conn& c,
                                                       const std::vector<int64_t>& ids,
                                                       core::Date on,
                                                       std::string_view field) override {
    return Facts(officers_.OnDate(c, std::span<const int64_t>(ids), on, field));
  }
  core::Result<std::optional<cases::OfficerFact>> ForUser(store::Conn& c, int64_t user_id,
                                                          core::Date on) override {
    if (user_id == 0) return std::optional<cases::OfficerFact>();
    return Fact(officers_.ForUser(c, user_id, on));
  }
  core::Status CheckReviewerQualified(store::Conn& c, int64_t user_id, core::Date on) override {
    if (user_id == 0) return core::Ok();  // the system itself (demo data)
    auto st = officers_.CheckReviewerQualified(c, user_id, on, "reviewer");
    if (st) return st;
    core::Error e = st.error();
    if (e.rule.empty() && e.code == ErrorCode::kConflict) {
      e.rule = "reviewer_qualification";
      e.article = "《行政处罚法》第58条第2款";
    }
    return e;
  }
  core::Status RecordReview(record::CommandTx& tx, int64_t user_id, core::Date on) override {
    if (user_id == 0) return core::Ok();
    return officers_.RecordReview(tx, user_id, on);
  }

 private:
  static core::Result<std::vector<cases::OfficerFact>> Facts(
      core::Result<std::vector<officers::OfficerOnDate>> r) {
    if (!r) return r.error();
    std::vector<cases::OfficerFact> out;
    out.reserve(r->size());
    for (const auto& o : *r) out.push_back(OfficerFactOf(o));
    return out;
  }
  static core::Result<std::optional<cases::OfficerFact>> Fact(
      core::Result<std::optional<officers::OfficerOnDate>> r) {
    if (!r) return r.error();
    if (!*r) return std::optional<cases::OfficerFact>();
    return std::optional<cases::OfficerFact>(OfficerFactOf(**r));
  }
  officers::OfficerService& officers_;
};
}  // namespace

core::Result<std::unique_ptr<App>> App::Open(const Config& config) {
  std::unique_ptr<App> app(new App(config));
  std::string url = config.DatabaseUrl();
  if (url.rfind("sqlite:", 0) == 0 && url != "sqlite::memory:") {
    std::error_code ec;
    std::filesystem::path db_path(url.substr(7));
    if (db_path.has_parent_path()) std::filesystem::create_directories(db_path.parent_path(), ec);
    if (ec) {
      return Err(ErrorCode::kUnavailable,
                 "无法创建数据目录 " + config.data_dir + ": " + ec.message(),
                 "cannot create data directory " + config.data_dir + ": " + ec.message(),
                 "ZHIFA_DATA_DIR");
    }
  }
  if (url == "sqlite::memory:") {  // nothing is stored: an ephemeral key
    auto key = core::RandomBytes(32);
    if (!key) return key.error();
    auto c = core::FieldCipher::FromKey(*key);
    if (!c) return c.error();
    app->cipher_ = std::make_unique<core::FieldCipher>(std::move(*c));
  } else {
    auto c = core::FieldCipher::LoadOrCreate(config.KeyFile());
    if (!c) return c.error();
    app->cipher_ = std::make_unique<core::FieldCipher>(std::move(*c));
  }
  auto db = store::Open(url, config.store);
  if (!db) return db.error();
  app->db_ = std::move(*db);
  app->bus_ = std::make_unique<record::CommandBus>(*app->db_);
  app->org_ = std::make_unique<org::OrgService>(*app->db_, *app->bus_, *app->cipher_);
  app->auth_ = std::make_unique<auth::AuthService>(*app->db_, *app->bus_, *app->org_, config.auth);
  app->authenticator_ = std::make_unique<auth::SessionAuthenticator>(*app->auth_);
  {
    auto alg = record::ParseHashAlgorithm(config.RecordHashName());
    if (!alg) return alg.error();
    auto evidence_store = record::EvidenceStore::Open(config.EvidenceDir(), *alg);
    if (!evidence_store) return evidence_store.error();
    app->evidence_store_ = std::move(*evidence_store);
    app->evidence_ = std::make_unique<record::EvidenceService>(*app->db_, *app->bus_, *app->org_,
                                                               *app->evidence_store_);
  }
  app->catalogue_ = std::make_unique<catalogue::CatalogueService>(*app->db_, *app->bus_);
  app->catalogue_->SetConditionCheck([](std::string_view text, std::string_view field) {
    auto compiled = discretion::CompileConditionText(text, field);
    return compiled ? core::Ok() : core::Status(compiled.error());
  });
  app->matter_source_ = std::make_unique<CatalogueMatterSource>(*app->catalogue_);
  app->lists_ =
      std::make_unique<discretion::ListsService>(*app->db_, *app->bus_, app->matter_source_.get());
  app->discretion_ = std::make_unique<discretion::DiscretionService>(
      *app->lists_, *app->matter_source_, config.discretion);
  app->officers_ =
      std::make_unique<officers::OfficerService>(*app->db_, *app->bus_, config.officers);
  app->cases_ = std::make_unique<cases::CaseService>(*app->db_, *app->bus_, *app->org_,
                                                     *app->cipher_, config.cases);
  app->cases_->SetDiscretion(app->discretion_.get());
  app->cases_->SetMatters(app->matter_source_.get());
  app->officer_source_ = std::make_unique<RegisterOfficerSource>(*app->officers_);
  app->cases_->SetOfficers(app->officer_source_.get());
  return app;
}

core::Result<int> App::Migrate() {
  auto applied = store::Migrate(*db_);
  if (!applied) return applied;
  if (!record_) {
    bool memory = config_.DatabaseUrl() == "sqlite::memory:";
    auto person = memory ? record::PersonKey::Ephemeral()
                         : record::PersonKey::LoadOrCreate(config_.PersonKeyFile());
    if (!person) return person.error();
    auto svc = record::RecordService::Open(*db_, *bus_, config_.record,
                                           memory ? std::string() : config_.RecordKeyFile(),
                                           std::move(*person));
    if (!svc) return svc.error();
    record_ = std::move(*svc);
  }
  auto cal = calendar::CalendarService::Open(db_.get(), bus_.get());
  if (!cal) return cal.error();
  calendar_ = std::move(*cal);
  cases_->SetCalendar(calendar_.get());
  cases_->SetPersonKey(&record_->person_key());
  if (auto st = cases_->IndexTerms(); !st) return st.error();
  return applied;
}

core::Result<std::string> App::Bootstrap() {
  auto seeded = org_->SeedIfEmpty(record::Actor{});
  if (!seeded) return seeded.error();
  if (*seeded) spdlog::info("seeded the organisation tree (济南市)");
  std::string password = config_.admin_password;
  bool generated = false;
  if (password.empty()) {
    auto token = core::RandomToken(12);
    if (!token) return token.error();
    password = "Zf-" + *token + "9a";  // meets the complexity rule: upper, lower, digit, symbol
    generated = true;
  } else if (auto st = core::CheckPasswordComplexity(password, "admin", config_.auth.password,
                                                     "ZHIFA_ADMIN_PASSWORD");
             !st) {
    return st.error();
  }
  auto made = auth_->EnsureAdministrators(password);
  if (!made) return made.error();
  if (!*made) return std::string();
  if (generated) {
    std::cout << "\n  首次启动：已创建管理员账号 admin（系统管理员）、secadmin（安全管理员）、"
                 "auditadmin（安全审计员）\n"
              << "  First start: created administrators admin, secadmin, auditadmin\n"
              << "  初始密码 / initial password: " << password << "\n"
              << "  (shown once; set ZHIFA_ADMIN_PASSWORD to choose it)\n\n"
              << std::flush;
  }
  return password;
}

namespace {

std::string_view MimeType(std::string_view path) {
  auto dot = path.rfind('.');
  std::string_view ext = dot == std::string_view::npos ? "" : path.substr(dot + 1);
  if (ext == "html") return "text/html; charset=utf-8";
  if (ext == "js" || ext == "mjs") return "text/javascript; charset=utf-8";
  if (ext == "css") return "text/css; charset=utf-8";
  if (ext == "json") return "application/json";
  if (ext == "svg") return "image/svg+xml";
  if (ext == "png") return "image/png";
  if (ext == "ico") return "image/x-icon";
  if (ext == "woff2") return "font/woff2";
  if (ext == "woff") return "font/woff";
  if (ext == "ttf") return "font/ttf";
  if (ext == "txt") return "text/plain; charset=utf-8";
  return "application/octet-stream";
}

}  // namespace

void RegisterStatic(http::Router& router) {
  router.SetFallback([](Ctx& ctx) {
    const auto& req = ctx.req;
    if (req.method != "GET" && req.method != "HEAD") {
      return http::ErrorResponse(req, Err(ErrorCode::kNotFound, "页面不存在", "not found"));
    }
    std::string path = req.path;
    if (path.find("..") != std::string::npos) {
      return http::ErrorResponse(req, Err(ErrorCode::kNotFound, "页面不存在", "not found"));
    }
    std::string rel = path.size() > 1 ? path.substr(1) : "index.html";
    auto file = core::FindEmbedded(embed::web(), rel);
    bool spa = false;
    if (!file) {
      // History-mode routes (no file extension) get the SPA's index.html.
      auto last = rel.substr(rel.rfind('/') == std::string::npos ? 0 : rel.rfind('/') + 1);
      if (last.find('.') == std::string::npos) {
        file = core::FindEmbedded(embed::web(), "index.html");
        spa = true;
        rel = "index.html";
      }
    }
    if (!file) {
      if (embed::web().empty()) {
        return Response::Text(200,
                              "zhifa: the web UI was not built into this binary (run `make "
                              "web` before building).\n");
      }
      return http::ErrorResponse(
          req, Err(ErrorCode::kNotFound, "页面不存在: " + path, "not found: " + path));
    }
    Response r = Response::Text(200, std::string(*file), std::string(MimeType(rel)));
    if (!spa && rel.rfind("assets/", 0) == 0) {
      r.headers.emplace_back("Cache-Control", "public, max-age=31536000, immutable");
    } else {
      r.headers.emplace_back("Cache-Control", "no-cache");
    }
    return r;
  });
}

void App::BuildRoutes() {
  router_.SetAuthenticator(authenticator_.get());
  http::RouteOptions open;
  open.auth = false;
  open.summary = "Liveness";
  router_.Add("GET", "/healthz", open, [](Ctx&) { return Response::Text(200, "ok\n"); });
  open.summary = "Readiness: the database answers";
  router_.Add("GET", "/readyz", open, [this](Ctx& ctx) {
    auto st = db_->Ping();
    if (!st) return http::ErrorResponse(ctx.req, st.error());
    return Response::Text(200, "ready\n");
  });
  open.summary = "Prometheus metrics";
  router_.Add("GET", "/metrics", open, [this](Ctx&) {
    return Response::Text(200, router_.MetricsText(), "text/plain; version=0.0.4; charset=utf-8");
  });
  open.summary = "OpenAPI 3 document";
  router_.Add("GET", "/api/v1/openapi.json", open, [](Ctx&) {
    auto doc = core::FindEmbedded(embed::data(), "openapi.json");
    return Response::Text(200, std::string(doc.value_or("{}")), "application/json");
  });
  auth::RegisterAuthRoutes(router_, *auth_);
  org::RegisterOrgRoutes(
      router_, *org_, [this](int64_t user_id) { auth_->InvalidateUser(user_id); },
      [this](const std::string& password,
             const std::string& username) -> core::Result<std::string> {
        ZHIFA_TRY(
            core::CheckPasswordComplexity(password, username, config_.auth.password, "password"));
        return auth::HashPassword(password);
      });
  record::RegisterRecordRoutes(router_, [this] { return record_.get(); });
  record::RegisterEvidenceRoutes(router_, *evidence_, config_.evidence.max_bytes);
  if (!calendar_) {  // not migrated (`zhifa routes`): the shipped years only
    auto cal = calendar::CalendarService::Open(nullptr, nullptr);
    if (cal) calendar_ = std::move(*cal);
  }
  if (calendar_) calendar::RegisterCalendarRoutes(router_, *calendar_);
  catalogue::RegisterCatalogueRoutes(router_, *catalogue_);
  discretion::RegisterDiscretionRoutes(router_, *lists_, *discretion_);
  officers::RegisterOfficerRoutes(router_, *officers_);
  cases::RegisterCaseRoutes(router_, *cases_, [this] { return record_.get(); });
  RegisterStatic(router_);
}

}  // namespace zhifa::app
