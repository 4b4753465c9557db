#include "org/org_routes.h"

#include "core/utf8.h"
#include "http/json_body.h"

namespace zhifa::org {

using http::Ctx;
using http::FieldType;
using http::Opt;
using http::Response;
using http::RouteOptions;
using nlohmann::json;

void RegisterOrgRoutes(http::Router& router, OrgService& org,
                       const std::function<void(int64_t)>& on_grants_changed,
                       const PasswordHasher& hash_password) {
  router.Add("GET", "/api/v1/roles", RouteOptions{.summary = "List roles"}, [](Ctx& ctx) {
    json out = json::array();
    for (const auto& r : AllRoles()) {
      out.push_back({{"id", r.id},
                     {"name", ctx.req.PrefersEnglish() ? r.name_en : r.name_zh},
                     {"name_zh", r.name_zh},
                     {"name_en", r.name_en},
                     {"administrator", r.administrator}});
    }
    return Response::Json(200, {{"items", out}});
  });

  router.Add("GET", "/api/v1/units/tree", Opt(Permission::kUnitsRead, "Unit tree within scope"),
             [&org](Ctx& ctx) {
               auto t = org.Tree(ctx.who());
               if (!t) return http::Fail(ctx.req, t.error());
               return Response::Json(200, *t);
             });

  router.Add("GET", "/api/v1/units/{id}", Opt(Permission::kUnitsRead, "A unit with its children"),
             [&org](Ctx& ctx) {
               auto id = http::ParseId(ctx.req.PathParam("id"), "id");
               if (!id) return http::Fail(ctx.req, id.error());
               auto u = org.GetUnitJson(ctx.who(), *id);
               if (!u) return http::Fail(ctx.req, u.error());
               return Response::Text(200, std::move(*u), "application/json; charset=utf-8");
             });

  router.Add("POST", "/api/v1/units", Opt(Permission::kUnitsWrite, "Create a unit"),
             [&org](Ctx& ctx) {
               auto body = http::ParseBody(ctx.req, {{"parent_id", FieldType::kInt, true},
                                                     {"name", FieldType::kString, true},
                                                     {"kind", FieldType::kString, true},
                                                     {"short_name", FieldType::kString, false},
                                                     {"code", FieldType::kString, false}});
               if (!body) return http::Fail(ctx.req, body.error());
               NewUnit u;
               u.parent_id = (*body)["parent_id"].get<int64_t>();
               u.name = (*body)["name"].get<std::string>();
               u.kind = (*body)["kind"].get<std::string>();
               u.short_name = http::OptString(*body, "short_name").value_or("");
               u.code = http::OptString(*body, "code").value_or("");
               auto made = org.CreateUnit(ctx.who(), u);
               if (!made) return http::Fail(ctx.req, made.error());
               return Response::Json(201, made->ToJson());
             });

  router.Add("PATCH", "/api/v1/units/{id}", Opt(Permission::kUnitsWrite, "Edit a unit"),
             [&org](Ctx& ctx) {
               auto id = http::ParseId(ctx.req.PathParam("id"), "id");
               if (!id) return http::Fail(ctx.req, id.error());
               auto body = http::ParseBody(ctx.req, {{"version", FieldType::kInt, true},
                                                     {"name", FieldType::kString, false},
                                                     {"short_name", FieldType::kString, false},
                                                     {"code", FieldType::kString, false}});
               if (!body) return http::Fail(ctx.req, body.error());
               UnitPatch p;
               p.version = (*body)["version"].get<int64_t>();
               p.name = http::OptString(*body, "name");
               p.short_name = http::OptString(*body, "short_name");
               p.code = http::OptString(*body, "code");
               auto u = org.UpdateUnit(ctx.who(), *id, p);
               if (!u) return http::Fail(ctx.req, u.error());
               return Response::Json(200, u->ToJson());
             });

  router.Add(
      "GET", "/api/v1/users", Opt(Permission::kUsersRead, "Users within scope"), [&org](Ctx& ctx) {
        auto paging = http::ParsePaging(ctx.req);
        if (!paging) return http::Fail(ctx.req, paging.error());
        UserQuery q;
        q.page = paging->page;
        q.page_size = paging->page_size;
        q.q = ctx.req.Query("q").value_or("");
        if (core::HasControlChars(q.q) || q.q.size() > 100) {
          return http::Fail(ctx.req, core::Err(core::ErrorCode::kInvalidArgument,
                                               "搜索词不能包含控制字符，且不超过 100 字节",
                                               "search text must have no control characters and "
                                               "at most 100 bytes",
                                               "q"));
        }
        if (auto u = ctx.req.Query("unit_id"); u && !u->empty()) {
          auto id = http::ParseId(*u, "unit_id");
          if (!id) return http::Fail(ctx.req, id.error());
          q.unit_id = *id;
        }
        auto r = org.ListUsers(ctx.who(), q);
        if (!r) return http::Fail(ctx.req, r.error());
        return Response::Json(200, *r);
      });

  router.Add("POST", "/api/v1/users", Opt(Permission::kUsersWrite, "Create a user"),
             [&org, hash_password](Ctx& ctx) {
               auto body = http::ParseBody(ctx.req, {{"username", FieldType::kString, true},
                                                     {"display_name", FieldType::kString, true},
                                                     {"unit_id", FieldType::kInt, true},
                                                     {"password", FieldType::kString, true},
                                                     {"phone", FieldType::kString, false}});
               if (!body) return http::Fail(ctx.req, body.error());
               NewUser u;
               u.username = (*body)["username"].get<std::string>();
               u.display_name = (*body)["display_name"].get<std::string>();
               u.unit_id = (*body)["unit_id"].get<int64_t>();
               u.phone = http::OptString(*body, "phone").value_or("");
               u.must_change_password = true;  // an administrator chose it: the user replaces it
               if (auto st = CheckUsername(u.username); !st) return http::Fail(ctx.req, st.error());
               auto hash = hash_password((*body)["password"].get<std::string>(), u.username);
               if (!hash) return http::Fail(ctx.req, hash.error());
               u.password_hash = std::move(*hash);
               auto made = org.CreateUser(ctx.who(), u);
               if (!made) return http::Fail(ctx.req, made.error());
               return Response::Json(201, made->ToJson());
             });

  router.Add("GET", "/api/v1/users/{id}", Opt(Permission::kUsersRead, "A user"), [&org](Ctx& ctx) {
    auto id = http::ParseId(ctx.req.PathParam("id"), "id");
    if (!id) return http::Fail(ctx.req, id.error());
    auto u = org.GetUser(ctx.who(), *id);
    if (!u) return http::Fail(ctx.req, u.error());
    return Response::Json(200, u->ToJson());
  });

  router.Add("PATCH", "/api/v1/users/{id}", Opt(Permission::kUsersWrite, "Edit a user"),
             [&org](Ctx& ctx) {
               auto id = http::ParseId(ctx.req.PathParam("id"), "id");
               if (!id) return http::Fail(ctx.req, id.error());
               auto body = http::ParseBody(ctx.req, {{"version", FieldType::kInt, true},
                                                     {"display_name", FieldType::kString, false},
                                                     {"unit_id", FieldType::kInt, false},
                                                     {"phone", FieldType::kString, false}});
               if (!body) return http::Fail(ctx.req, body.error());
               UserPatch p;
               p.version = (*body)["version"].get<int64_t>();
               p.display_name = http::OptString(*body, "display_name");
               p.unit_id = http::OptInt(*body, "unit_id");
               p.phone = http::OptString(*body, "phone");
               auto u = org.UpdateUser(ctx.who(), *id, p);
               if (!u) return http::Fail(ctx.req, u.error());
               return Response::Json(200, u->ToJson());
             });

  for (bool enable : {true, false}) {
    router.Add("POST", enable ? "/api/v1/users/{id}/enable" : "/api/v1/users/{id}/disable",
               Opt(Permission::kUsersWrite, enable ? "Enable a user" : "Disable a user"),
               [&org, enable, on_grants_changed](Ctx& ctx) {
                 auto id = http::ParseId(ctx.req.PathParam("id"), "id");
                 if (!id) return http::Fail(ctx.req, id.error());
                 auto u = org.SetUserStatus(ctx.who(), *id, enable);
                 if (!u) return http::Fail(ctx.req, u.error());
                 on_grants_changed(*id);
                 return Response::Json(200, u->ToJson());
               });
  }

  router.Add("POST", "/api/v1/users/{id}/roles",
             Opt(Permission::kRolesAssign, "Grant a role with a data scope"),
             [&org, on_grants_changed](Ctx& ctx) {
               auto id = http::ParseId(ctx.req.PathParam("id"), "id");
               if (!id) return http::Fail(ctx.req, id.error());
               auto body =
                   http::ParseBody(ctx.req, {{"role", FieldType::kString, true},
                                             {"unit_id", FieldType::kInt, true},
                                             {"scope", FieldType::kString, true},
                                             {"custom_unit_ids", FieldType::kIntArray, false}});
               if (!body) return http::Fail(ctx.req, body.error());
               NewAssignment a;
               a.role = (*body)["role"].get<std::string>();
               a.unit_id = (*body)["unit_id"].get<int64_t>();
               a.scope = (*body)["scope"].get<std::string>();
               if (body->contains("custom_unit_ids") && !(*body)["custom_unit_ids"].is_null()) {
                 a.custom_unit_ids = (*body)["custom_unit_ids"].get<std::vector<int64_t>>();
               }
               auto made = org.Grant(ctx.who(), *id, a);
               if (!made) return http::Fail(ctx.req, made.error());
               on_grants_changed(*id);
               return Response::Json(201, made->ToJson());
             });

  router.Add("DELETE", "/api/v1/users/{id}/roles/{assignment_id}",
             Opt(Permission::kRolesAssign, "Revoke a role assignment"),
             [&org, on_grants_changed](Ctx& ctx) {
               auto id = http::ParseId(ctx.req.PathParam("id"), "id");
               if (!id) return http::Fail(ctx.req, id.error());
               auto aid = http::ParseId(ctx.req.PathParam("assignment_id"), "assignment_id");
               if (!aid) return http::Fail(ctx.req, aid.error());
               auto st = org.Revoke(ctx.who(), *id, *aid);
               if (!st) return http::Fail(ctx.req, st.error());
               on_grants_changed(*id);
               return Response::NoContent();
             });
}

}  // namespace zhifa::org
