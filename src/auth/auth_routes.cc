#include "auth/auth_routes.h"

#include "core/time.h"
#include "http/json_body.h"

namespace zhifa::auth {

using http::Ctx;
using http::FieldType;
using http::Response;
using http::RouteOptions;
using nlohmann::json;

core::Result<std::shared_ptr<const org::Principal>> SessionAuthenticator::Authenticate(
    const http::Request& req) {
  auto token = req.Cookie(kSessionCookie);
  if (!token) {
    return core::Err(core::ErrorCode::kUnauthenticated, "未登录，请先登录", "not signed in");
  }
  return auth_.Authenticate(*token);
}

namespace {

std::string CookieAttributes(const http::Request& req, const AuthPolicy& policy) {
  std::string attrs = "; Path=/; HttpOnly; SameSite=Strict";
  auto proto = req.Header("x-forwarded-proto");
  if (policy.secure_cookies || (proto && *proto == "https")) attrs += "; Secure";
  return attrs;
}

RouteOptions Self(std::string summary, bool setup_exempt = true) {
  RouteOptions o;
  o.setup_exempt = setup_exempt;
  o.summary = std::move(summary);
  return o;
}

RouteOptions Need(org::Permission p, std::string summary) {
  RouteOptions o;
  o.permission = p;
  o.summary = std::move(summary);
  return o;
}

core::Result<LogQuery> ReadLogQuery(const http::Request& req) {
  auto paging = http::ParsePaging(req);
  if (!paging) return paging.error();
  LogQuery q;
  q.page = paging->page;
  q.page_size = paging->page_size;
  q.actor = req.Query("actor").value_or(req.Query("username").value_or(""));
  q.kind = req.Query("kind").value_or("");
  q.result = req.Query("result").value_or("");
  for (auto [name, out] : {std::pair{"from", &q.from}, std::pair{"to", &q.to}}) {
    if (auto v = req.Query(name); v && !v->empty()) {
      auto t = core::ParseRfc3339(*v, name);
      if (!t) return t.error();
      *out = *v;
    }
  }
  return q;
}

}  // namespace

void RegisterAuthRoutes(http::Router& router, AuthService& auth) {
  RouteOptions login_opts;
  login_opts.auth = false;
  login_opts.csrf = false;
  login_opts.blocking = true;
  login_opts.summary = "Sign in";
  router.Add("POST", "/api/v1/auth/login", login_opts, [&auth](Ctx& ctx) {
    auto body = http::ParseBody(ctx.req, {{"username", FieldType::kString, true},
                                          {"password", FieldType::kString, true},
                                          {"totp_code", FieldType::kString, false}});
    if (!body) return http::Fail(ctx.req, body.error());
    LoginRequest lr;
    lr.username = (*body)["username"].get<std::string>();
    lr.password = (*body)["password"].get<std::string>();
    lr.totp_code = http::OptString(*body, "totp_code");
    lr.ip = ctx.req.remote_ip;
    lr.user_agent = ctx.req.Header("user-agent").value_or("");
    auto r = auth.Login(lr);
    if (!r) return http::Fail(ctx.req, r.error());
    auto p = auth.Authenticate(r->token);
    if (!p) return http::Fail(ctx.req, p.error());
    auto me = auth.Me(**p);
    if (!me) return http::Fail(ctx.req, me.error());
    Response res = Response::Json(200, *me);
    res.headers.emplace_back("Set-Cookie", std::string(kSessionCookie) + "=" + r->token +
                                               CookieAttributes(ctx.req, auth.policy()));
    res.headers.emplace_back("Cache-Control", "no-store");
    return res;
  });

  router.Add("POST", "/api/v1/auth/logout", Self("Sign out"), [&auth](Ctx& ctx) {
    auto st = auth.Logout(ctx.who(), ctx.req.remote_ip);
    if (!st) return http::Fail(ctx.req, st.error());
    Response res = Response::NoContent();
    res.headers.emplace_back("Set-Cookie", std::string(kSessionCookie) + "=" +
                                               CookieAttributes(ctx.req, auth.policy()) +
                                               "; Max-Age=0");
    return res;
  });

  router.Add("GET", "/api/v1/auth/me", Self("The signed-in user"), [&auth](Ctx& ctx) {
    auto me = auth.Me(ctx.who());
    if (!me) return http::Fail(ctx.req, me.error());
    Response res = Response::Json(200, *me);
    res.headers.emplace_back("Cache-Control", "no-store");
    return res;
  });

  router.Add("POST", "/api/v1/auth/password", Self("Change own password"), [&auth](Ctx& ctx) {
    auto body = http::ParseBody(ctx.req, {{"old_password", FieldType::kString, true},
                                          {"new_password", FieldType::kString, true}});
    if (!body) return http::Fail(ctx.req, body.error());
    auto st = auth.ChangePassword(ctx.who(), (*body)["old_password"].get<std::string>(),
                                  (*body)["new_password"].get<std::string>());
    if (!st) return http::Fail(ctx.req, st.error());
    return Response::NoContent();
  });

  router.Add("POST", "/api/v1/auth/totp/setup", Self("Start TOTP enrolment"), [&auth](Ctx& ctx) {
    auto body = http::ParseBody(ctx.req, {});
    if (!body) return http::Fail(ctx.req, body.error());
    auto r = auth.TotpSetup(ctx.who());
    if (!r) return http::Fail(ctx.req, r.error());
    Response res = Response::Json(200, *r);
    res.headers.emplace_back("Cache-Control", "no-store");
    return res;
  });

  for (bool enable : {true, false}) {
    router.Add(
        "POST", enable ? "/api/v1/auth/totp/enable" : "/api/v1/auth/totp/disable",
        Self(enable ? "Confirm TOTP enrolment" : "Turn TOTP off"), [&auth, enable](Ctx& ctx) {
          auto body = http::ParseBody(ctx.req, {{"code", FieldType::kString, true}});
          if (!body) return http::Fail(ctx.req, body.error());
          std::string code = (*body)["code"].get<std::string>();
          auto st = enable ? auth.TotpEnable(ctx.who(), code) : auth.TotpDisable(ctx.who(), code);
          if (!st) return http::Fail(ctx.req, st.error());
          return Response::NoContent();
        });
  }

  router.Add("POST", "/api/v1/users/{id}/reset-password",
             Need(org::Permission::kCredentials, "Reset a user's password"), [&auth](Ctx& ctx) {
               auto id = http::ParseId(ctx.req.PathParam("id"), "id");
               if (!id) return http::Fail(ctx.req, id.error());
               auto body = http::ParseBody(ctx.req, {{"new_password", FieldType::kString, true}});
               if (!body) return http::Fail(ctx.req, body.error());
               auto st =
                   auth.ResetPassword(ctx.who(), *id, (*body)["new_password"].get<std::string>());
               if (!st) return http::Fail(ctx.req, st.error());
               return Response::NoContent();
             });

  router.Add("POST", "/api/v1/users/{id}/unlock",
             Need(org::Permission::kCredentials, "Unlock a locked account"), [&auth](Ctx& ctx) {
               auto id = http::ParseId(ctx.req.PathParam("id"), "id");
               if (!id) return http::Fail(ctx.req, id.error());
               auto st = auth.Unlock(ctx.who(), *id);
               if (!st) return http::Fail(ctx.req, st.error());
               return Response::NoContent();
             });

  router.Add("GET", "/api/v1/sessions",
             Need(org::Permission::kSessionsManage, "Online sessions within scope"),
             [&auth](Ctx& ctx) {
               auto r = auth.Sessions(ctx.who());
               if (!r) return http::Fail(ctx.req, r.error());
               return Response::Json(200, *r);
             });

  router.Add("DELETE", "/api/v1/sessions/{id}",
             Need(org::Permission::kSessionsManage, "Force a session to sign out"),
             [&auth](Ctx& ctx) {
               auto st = auth.RevokeSession(ctx.who(), ctx.req.PathParam("id"));
               if (!st) return http::Fail(ctx.req, st.error());
               return Response::NoContent();
             });

  router.Add("GET", "/api/v1/logs/operations",
             Need(org::Permission::kLogsRead, "Operation log (the record log)"), [&auth](Ctx& ctx) {
               auto q = ReadLogQuery(ctx.req);
               if (!q) return http::Fail(ctx.req, q.error());
               auto r = auth.OperationLog(ctx.who(), *q);
               if (!r) return http::Fail(ctx.req, r.error());
               return Response::Json(200, *r);
             });

  router.Add("GET", "/api/v1/logs/logins", Need(org::Permission::kLogsRead, "Login log"),
             [&auth](Ctx& ctx) {
               auto q = ReadLogQuery(ctx.req);
               if (!q) return http::Fail(ctx.req, q.error());
               auto r = auth.LoginLog(ctx.who(), *q);
               if (!r) return http::Fail(ctx.req, r.error());
               return Response::Json(200, *r);
             });
}

}  // namespace zhifa::auth
