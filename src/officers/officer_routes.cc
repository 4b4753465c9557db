#include "officers/officer_routes.h"

#include "catalogue/catalogue_routes.h"
#include "catalogue/catalogue_rules.h"
#include "core/utf8.h"
#include "http/json_body.h"

namespace zhifa::officers {

using core::Err;
using core::ErrorCode;
using http::Ctx;
using http::FieldType;
using http::Opt;
using http::QueryDate;
using http::Response;
using nlohmann::json;

namespace {

core::Result<std::optional<int64_t>> QueryId(const http::Request& req, const char* name) {
  auto v = req.Query(name);
  if (!v || v->empty()) return std::optional<int64_t>();
  auto id = http::ParseId(*v, name);
  if (!id) return id.error();
  return std::optional<int64_t>(*id);
}

core::Result<core::Date> BodyDate(const json& body, const char* name) {
  return core::ParseDate(body[name].get<std::string>(), name);
}

core::Result<OfficerStatus> StatusOf(const std::string& s, const char* field) {
  auto st = ParseOfficerStatus(s);
  if (!st) {
    return Err(ErrorCode::kInvalidArgument,
               "状态应为 active、suspended、revoked、retired 之一：" + s,
               "status must be one of active, suspended, revoked, retired: " + s, field);
  }
  return *st;
}

// A required or optional JSON value that may be null (user_id: null unlinks the account).
core::Result<std::optional<std::optional<int64_t>>> NullableId(const json& body, const char* name) {
  if (!body.contains(name)) return std::optional<std::optional<int64_t>>();
  const json& v = body[name];
  if (v.is_null()) return std::optional<std::optional<int64_t>>(std::optional<int64_t>());
  if (!v.is_number_integer() || v.get<int64_t>() <= 0) {
    return Err(ErrorCode::kWrongType, std::string(name) + " 应为正整数或 null",
               std::string(name) + " must be a positive integer or null", name);
  }
  return std::optional<std::optional<int64_t>>(v.get<int64_t>());
}

// The import answer: 200 with the report, or 400 naming "file" with every problem.
Response ImportAnswer(const http::Request& req, const OfficerImportReport& r, bool dry_run) {
  if (!r.ok) {
    bool en = req.PrefersEnglish();
    std::string n = std::to_string(r.problems.size());
    Response resp = http::Fail(
        req, Err(ErrorCode::kInvalidArgument, "导入文件有 " + n + " 处问题，未导入任何数据",
                 "the file has " + n + " problems; nothing was imported", "file"));
    json j = json::parse(resp.body);
    j["problems"] = r.ToJson()["problems"];
    for (auto& p : j["problems"]) p["message"] = en ? p["message_en"] : p["message_zh"];
    resp.body = j.dump();
    return resp;
  }
  json out = r.ToJson();
  out["dry_run"] = dry_run;
  return Response::Json(200, out);
}

}  // namespace

void RegisterOfficerRoutes(http::Router& router, OfficerService& svc) {
  using org::Permission;

  router.Add(
      "GET", "/api/v1/officers/reviewer-ratio",
      Opt(Permission::kOfficersRead, "Legal reviewers against officers per department (item 34)"),
      [&svc](Ctx& ctx) {
        auto unit = QueryId(ctx.req, "unit_id");
        if (!unit) return http::Fail(ctx.req, unit.error());
        auto on = QueryDate(ctx.req, "on");
        if (!on) return http::Fail(ctx.req, on.error());
        auto r = svc.ReviewerRatios(ctx.who(), *unit, *on);
        if (!r) return http::Fail(ctx.req, r.error());
        return Response::Json(200, *r);
      });

  router.Add(
      "GET", "/api/v1/officers/export",
      Opt(Permission::kOfficersRead, "Export the register as xlsx or csv"), [&svc](Ctx& ctx) {
        std::string fmt = ctx.req.Query("format").value_or("xlsx");
        catalogue::FileFormat format;
        if (fmt == "xlsx") {
          format = catalogue::FileFormat::kXlsx;
        } else if (fmt == "csv") {
          format = catalogue::FileFormat::kCsv;
        } else {
          return http::Fail(ctx.req, Err(ErrorCode::kInvalidArgument, "format 应为 xlsx 或 csv",
                                         "format must be xlsx or csv", "format"));
        }
        auto unit = QueryId(ctx.req, "unit_id");
        if (!unit) return http::Fail(ctx.req, unit.error());
        auto f = svc.Export(ctx.who(), format, *unit);
        if (!f) return http::Fail(ctx.req, f.error());
        Response r = Response::Text(200, std::move(f->bytes), f->content_type);
        r.headers.emplace_back(
            "Content-Disposition",
            catalogue::AttachmentHeader(f->filename, std::string("officers.") + fmt));
        r.headers.emplace_back("Cache-Control", "no-store");
        return r;
      });

  router.Add(
      "POST", "/api/v1/officers/import",
      Opt(Permission::kOfficersWrite, "Import the register (xlsx/csv), all or nothing", true),
      [&svc](Ctx& ctx) {
        auto up = catalogue::ReadUpload(ctx.req);
        if (!up) return http::Fail(ctx.req, up.error());
        OfficerImportOptions o;
        o.format = up->format;
        std::string dry = ctx.req.Query("dry_run").value_or("false");
        if (dry != "true" && dry != "false") {
          return http::Fail(ctx.req, Err(ErrorCode::kInvalidArgument, "dry_run 应为 true 或 false",
                                         "dry_run must be true or false", "dry_run"));
        }
        o.dry_run = dry == "true";
        auto r = svc.Import(ctx.who(), up->bytes, o);
        if (!r) return http::Fail(ctx.req, r.error());
        return ImportAnswer(ctx.req, *r, o.dry_run);
      });

  router.Add(
      "GET", "/api/v1/officers", Opt(Permission::kOfficersRead, "The officer register"),
      [&svc](Ctx& ctx) {
        auto paging = http::ParsePaging(ctx.req);
        if (!paging) return http::Fail(ctx.req, paging.error());
        OfficerQuery q;
        q.page = paging->page;
        q.page_size = paging->page_size;
        q.q = ctx.req.Query("q").value_or("");
        if (!core::IsValidUtf8(q.q) || core::HasControlChars(q.q) || q.q.size() > 100) {
          return http::Fail(
              ctx.req, Err(ErrorCode::kInvalidArgument, "搜索词不能包含控制字符，且不超过 100 字节",
                           "search text must have no control characters and at "
                           "most 100 bytes",
                           "q"));
        }
        auto unit = QueryId(ctx.req, "unit_id");
        if (!unit) return http::Fail(ctx.req, unit.error());
        q.unit_id = *unit;
        if (auto s = ctx.req.Query("status"); s && !s->empty()) {
          auto st = StatusOf(*s, "status");
          if (!st) return http::Fail(ctx.req, st.error());
          q.status = *st;
        }
        q.state = ctx.req.Query("state").value_or("");
        std::string expiring = ctx.req.Query("expiring").value_or("");
        if (expiring == "true") {
          if (!q.state.empty() && q.state != "expiring") {
            return http::Fail(ctx.req,
                              Err(ErrorCode::kInvalidArgument, "expiring=true 与 state 不一致",
                                  "expiring=true contradicts state", "expiring"));
          }
          q.state = "expiring";
        } else if (!expiring.empty() && expiring != "false") {
          return http::Fail(ctx.req, Err(ErrorCode::kInvalidArgument, "expiring 应为 true 或 false",
                                         "expiring must be true or false", "expiring"));
        }
        if (auto d = ctx.req.Query("domain"); d && !d->empty()) {
          auto dm = catalogue::ParseDomain(*d);
          if (!dm) {
            return http::Fail(ctx.req, Err(ErrorCode::kInvalidArgument, "执法领域无效：" + *d,
                                           "unknown domain: " + *d, "domain"));
          }
          q.domain = *dm;
        }
        auto on = QueryDate(ctx.req, "on");
        if (!on) return http::Fail(ctx.req, on.error());
        q.on = *on;
        auto r = svc.List(ctx.who(), q);
        if (!r) return http::Fail(ctx.req, r.error());
        return Response::Json(200, *r);
      });

  router.Add("GET", "/api/v1/officers/{id}",
             Opt(Permission::kOfficersRead, "One officer with the credential's state"),
             [&svc](Ctx& ctx) {
               auto id = http::ParseId(ctx.req.PathParam("id"), "id");
               if (!id) return http::Fail(ctx.req, id.error());
               auto on = QueryDate(ctx.req, "on");
               if (!on) return http::Fail(ctx.req, on.error());
               auto r = svc.Get(ctx.who(), *id, *on);
               if (!r) return http::Fail(ctx.req, r.error());
               return Response::Json(200, *r);
             });

  router.Add("POST", "/api/v1/officers",
             Opt(Permission::kOfficersWrite, "Register an officer", true), [&svc](Ctx& ctx) {
               auto body =
                   http::ParseBody(ctx.req, {{"user_id", FieldType::kInt, false},
                                             {"unit_id", FieldType::kInt, true},
                                             {"name", FieldType::kString, true},
                                             {"cert_no", FieldType::kString, true},
                                             {"issuing_authority", FieldType::kString, true},
                                             {"valid_from", FieldType::kString, true},
                                             {"valid_to", FieldType::kString, true},
                                             {"domains", FieldType::kStringArray, true},
                                             {"legal_qualification", FieldType::kBool, false},
                                             {"legal_cert_no", FieldType::kString, false}});
               if (!body) return http::Fail(ctx.req, body.error());
               const json& b = *body;
               NewOfficer n;
               n.user_id = http::OptInt(b, "user_id");
               n.unit_id = b["unit_id"].get<int64_t>();
               n.name = b["name"].get<std::string>();
               n.cert_no = b["cert_no"].get<std::string>();
               n.issuing_authority = b["issuing_authority"].get<std::string>();
               auto from = BodyDate(b, "valid_from");
               if (!from) return http::Fail(ctx.req, from.error());
               auto to = BodyDate(b, "valid_to");
               if (!to) return http::Fail(ctx.req, to.error());
               n.valid_from = *from;
               n.valid_to = *to;
               n.domains = b["domains"].get<std::vector<std::string>>();
               n.legal_qualification = b.contains("legal_qualification") &&
                                       b["legal_qualification"].is_boolean() &&
                                       b["legal_qualification"].get<bool>();
               n.legal_cert_no = http::OptString(b, "legal_cert_no").value_or("");
               auto r = svc.Create(ctx.who(), n);
               if (!r) return http::Fail(ctx.req, r.error());
               return Response::Json(201, *r);
             });

  router.Add("PATCH", "/api/v1/officers/{id}",
             Opt(Permission::kOfficersWrite,
                 "Edit an officer (name, unit, account, domains, 法律职业资格)", true),
             [&svc](Ctx& ctx) {
               auto id = http::ParseId(ctx.req.PathParam("id"), "id");
               if (!id) return http::Fail(ctx.req, id.error());
               auto obj = http::ParseJsonObject(ctx.req);
               if (!obj) return http::Fail(ctx.req, obj.error());
               json b = *obj;
               auto user = NullableId(b, "user_id");
               if (!user) return http::Fail(ctx.req, user.error());
               b.erase("user_id");
               auto st = http::CheckFields(b, {{"version", FieldType::kInt, true},
                                               {"unit_id", FieldType::kInt, false},
                                               {"name", FieldType::kString, false},
                                               {"domains", FieldType::kStringArray, false},
                                               {"legal_qualification", FieldType::kBool, false},
                                               {"legal_cert_no", FieldType::kString, false}});
               if (!st) return http::Fail(ctx.req, st.error());
               OfficerPatch p;
               p.version = b["version"].get<int64_t>();
               p.user_id = *user;
               p.unit_id = http::OptInt(b, "unit_id");
               p.name = http::OptString(b, "name");
               if (b.contains("domains") && !b["domains"].is_null()) {
                 p.domains = b["domains"].get<std::vector<std::string>>();
               }
               if (b.contains("legal_qualification") && b["legal_qualification"].is_boolean()) {
                 p.legal_qualification = b["legal_qualification"].get<bool>();
               }
               p.legal_cert_no = http::OptString(b, "legal_cert_no");
               auto r = svc.Update(ctx.who(), *id, p);
               if (!r) return http::Fail(ctx.req, r.error());
               return Response::Json(200, *r);
             });

  router.Add("POST", "/api/v1/officers/{id}/status",
             Opt(Permission::kOfficersWrite, "Change an officer's status (with a reason)", true),
             [&svc](Ctx& ctx) {
               auto id = http::ParseId(ctx.req.PathParam("id"), "id");
               if (!id) return http::Fail(ctx.req, id.error());
               auto body = http::ParseBody(ctx.req, {{"status", FieldType::kString, true},
                                                     {"reason", FieldType::kString, true},
                                                     {"version", FieldType::kInt, true}});
               if (!body) return http::Fail(ctx.req, body.error());
               auto status = StatusOf((*body)["status"].get<std::string>(), "status");
               if (!status) return http::Fail(ctx.req, status.error());
               auto r =
                   svc.ChangeStatus(ctx.who(), *id, *status, (*body)["reason"].get<std::string>(),
                                    (*body)["version"].get<int64_t>());
               if (!r) return http::Fail(ctx.req, r.error());
               return Response::Json(200, *r);
             });

  router.Add("POST", "/api/v1/officers/{id}/credential",
             Opt(Permission::kOfficersWrite, "Renew or correct the credential (执法证)", true),
             [&svc](Ctx& ctx) {
               auto id = http::ParseId(ctx.req.PathParam("id"), "id");
               if (!id) return http::Fail(ctx.req, id.error());
               auto body =
                   http::ParseBody(ctx.req, {{"version", FieldType::kInt, true},
                                             {"cert_no", FieldType::kString, false},
                                             {"issuing_authority", FieldType::kString, false},
                                             {"valid_from", FieldType::kString, true},
                                             {"valid_to", FieldType::kString, true}});
               if (!body) return http::Fail(ctx.req, body.error());
               Renewal r;
               r.version = (*body)["version"].get<int64_t>();
               r.cert_no = http::OptString(*body, "cert_no");
               r.issuing_authority = http::OptString(*body, "issuing_authority");
               auto from = BodyDate(*body, "valid_from");
               if (!from) return http::Fail(ctx.req, from.error());
               auto to = BodyDate(*body, "valid_to");
               if (!to) return http::Fail(ctx.req, to.error());
               r.valid_from = *from;
               r.valid_to = *to;
               auto out = svc.Renew(ctx.who(), *id, r);
               if (!out) return http::Fail(ctx.req, out.error());
               return Response::Json(200, *out);
             });
}

}  // namespace zhifa::officers
