#include "discretion/discretion_routes.h"

#include "http/json_body.h"

namespace zhifa::discretion {

using core::Err;
using core::ErrorCode;
using http::Ctx;
using http::FieldType;
using http::Opt;
using http::Response;
using nlohmann::json;

namespace {

const char* FactTypeId(FactType t) {
  switch (t) {
    case FactType::kBool:
      return "bool";
    case FactType::kInt:
      return "int";
    case FactType::kFen:
      return "fen";
    case FactType::kDate:
      return "date";
    case FactType::kEnum:
      return "enum";
    case FactType::kDateList:
      return "date_list";
  }
  return "bool";
}

// Takes the free-form JSON member `key` out of `obj` (so the rest can be checked strictly).
json TakeMember(json& obj, const char* key) {
  if (!obj.contains(key)) return json(nullptr);
  json v = std::move(obj[key]);
  obj.erase(key);
  return v;
}

core::Result<EntryInput> ParseEntry(const http::Request& req) {
  auto body = http::ParseJsonObject(req);
  if (!body) return body.error();
  json condition = TakeMember(*body, "condition");
  ZHIFA_TRY(http::CheckFields(*body, {{"matter_code", FieldType::kString, true},
                                      {"modality", FieldType::kString, true},
                                      {"law", FieldType::kString, true},
                                      {"article", FieldType::kString, true},
                                      {"wording", FieldType::kString, true},
                                      {"ordinal", FieldType::kInt, false}}));
  EntryInput in;
  in.matter_code = (*body)["matter_code"].get<std::string>();
  in.condition = std::move(condition);
  in.modality = (*body)["modality"].get<std::string>();
  in.law = (*body)["law"].get<std::string>();
  in.article = (*body)["article"].get<std::string>();
  in.wording = (*body)["wording"].get<std::string>();
  in.ordinal = http::OptInt(*body, "ordinal");
  return in;
}

core::Result<DiscretionService::Request> ParseRun(const http::Request& req, bool check) {
  auto body = http::ParseJsonObject(req);
  if (!body) return body.error();
  json facts = TakeMember(*body, "facts");
  if (facts.is_null()) {
    return Err(ErrorCode::kInvalidArgument, "缺少 facts（案件事实）", "facts is required", "facts");
  }
  json proposal = TakeMember(*body, "proposal");
  ZHIFA_TRY(http::CheckFields(*body, {{"matter_code", FieldType::kString, true},
                                      {"on", FieldType::kString, false},
                                      {"unit_id", FieldType::kInt, false}}));
  if (!check) {
    if (!proposal.is_null()) {
      return Err(ErrorCode::kUnknownField, "未知字段 proposal（请使用 /check）",
                 "unknown field proposal (use /check)", "proposal");
    }
  }
  DiscretionService::Request r;
  r.matter_code = (*body)["matter_code"].get<std::string>();
  r.facts = std::move(facts);
  if (auto on = http::OptString(*body, "on")) {
    auto d = core::ParseDate(*on, "on");
    if (!d) return d.error();
    r.on = *d;
  }
  r.unit_id = http::OptInt(*body, "unit_id");
  if (check) {
    if (!proposal.is_object()) {
      return Err(ErrorCode::kInvalidArgument, "缺少 proposal（拟作处罚）对象",
                 "proposal (the intended penalty) must be an object", "proposal");
    }
    json kinds = TakeMember(proposal, "kinds");
    ZHIFA_TRY(http::CheckFields(
        proposal, {{"fine", FieldType::kInt, false}, {"reason", FieldType::kString, false}}));
    Proposal pr;
    auto ks = ParsePenaltyKinds(kinds, "proposal.kinds");
    if (!ks) return ks.error();
    pr.kinds = *ks;
    if (auto f = http::OptInt(proposal, "fine")) {
      if (*f < 0) {
        return Err(ErrorCode::kInvalidArgument, "罚款金额不能为负数（单位：分）",
                   "fine must not be negative (fen)", "proposal.fine");
      }
      pr.fine = *f;
    }
    pr.reason = http::OptString(proposal, "reason").value_or("");
    r.proposal = std::move(pr);
  }
  return r;
}

}  // namespace

json FactsRegistryJson() {
  json items = json::array();
  for (const auto& f : AllFacts()) {
    json j = {{"key", f.key},
              {"type", FactTypeId(f.type)},
              {"label_zh", f.label_zh},
              {"label_en", f.label_en}};
    if (f.type == FactType::kEnum) {
      json vals = json::array();
      for (const char* v : f.values) vals.push_back(v);
      j["values"] = vals;
    }
    if (f.type == FactType::kInt || f.type == FactType::kFen) {
      j["min"] = f.min;
      j["max"] = f.max;
    }
    j["required"] = f.id == FactId::kActDate;
    items.push_back(std::move(j));
  }
  return {{"items", items}};
}

void RegisterDiscretionRoutes(http::Router& router, ListsService& lists,
                              DiscretionService& engine) {
  using org::Permission;
  const auto kWrite = Permission::kListsWrite;

  router.Add("GET", "/api/v1/discretion/facts", Opt(std::nullopt, "The facts registry"),
             [](Ctx&) { return Response::Json(200, FactsRegistryJson()); });

  router.Add("GET", "/api/v1/discretion/list-kinds", Opt(std::nullopt, "List kinds"),
             [&lists](Ctx& ctx) {
               auto r = lists.Kinds();
               if (!r) return http::Fail(ctx.req, r.error());
               return Response::Json(200, *r);
             });

  router.Add(
      "POST", "/api/v1/discretion/list-kinds", Opt(kWrite, "Add a list kind"), [&lists](Ctx& ctx) {
        auto body = http::ParseBody(ctx.req, {{"id", FieldType::kString, true},
                                              {"name_zh", FieldType::kString, true},
                                              {"name_en", FieldType::kString, true},
                                              {"effect", FieldType::kString, true}});
        if (!body) return http::Fail(ctx.req, body.error());
        ListKind k;
        k.id = (*body)["id"].get<std::string>();
        k.name_zh = (*body)["name_zh"].get<std::string>();
        k.name_en = (*body)["name_en"].get<std::string>();
        auto e = ParseListEffect((*body)["effect"].get<std::string>());
        if (!e) {
          return http::Fail(
              ctx.req, Err(ErrorCode::kInvalidArgument,
                           "effect 应为 no_penalty、reduced、lighter、heavier 或 exempt_compulsion",
                           "effect must be no_penalty, reduced, lighter, heavier or "
                           "exempt_compulsion",
                           "effect"));
        }
        k.effect = *e;
        auto r = lists.AddKind(ctx.who(), k);
        if (!r) return http::Fail(ctx.req, r.error());
        return Response::Json(201, *r);
      });

  router.Add("GET", "/api/v1/discretion/lists", Opt(std::nullopt, "Lists of departments"),
             [&lists](Ctx& ctx) {
               std::optional<int64_t> unit;
               if (auto u = ctx.req.Query("unit_id"); u && !u->empty()) {
                 auto id = http::ParseId(*u, "unit_id");
                 if (!id) return http::Fail(ctx.req, id.error());
                 unit = *id;
               }
               std::string kind = ctx.req.Query("kind").value_or("");
               if (kind.size() > 32) {
                 return http::Fail(ctx.req, Err(ErrorCode::kInvalidArgument, "清单种类过长",
                                                "kind is too long", "kind"));
               }
               auto r = lists.Lists(unit, kind);
               if (!r) return http::Fail(ctx.req, r.error());
               return Response::Json(200, *r);
             });

  router.Add("POST", "/api/v1/discretion/lists", Opt(kWrite, "Create a department's list"),
             [&lists](Ctx& ctx) {
               auto body = http::ParseBody(ctx.req, {{"unit_id", FieldType::kInt, true},
                                                     {"kind_id", FieldType::kString, true},
                                                     {"title", FieldType::kString, true}});
               if (!body) return http::Fail(ctx.req, body.error());
               auto r = lists.Create(ctx.who(), (*body)["unit_id"].get<int64_t>(),
                                     (*body)["kind_id"].get<std::string>(),
                                     (*body)["title"].get<std::string>());
               if (!r) return http::Fail(ctx.req, r.error());
               return Response::Json(201, *r);
             });

  router.Add("GET", "/api/v1/discretion/lists/{id}", Opt(std::nullopt, "A list with versions"),
             [&lists](Ctx& ctx) {
               auto id = http::ParseId(ctx.req.PathParam("id"), "id");
               if (!id) return http::Fail(ctx.req, id.error());
               auto r = lists.Get(ctx.who(), *id);
               if (!r) return http::Fail(ctx.req, r.error());
               return Response::Json(200, *r);
             });

  router.Add("POST", "/api/v1/discretion/lists/{id}/drafts",
             Opt(kWrite, "Open a draft version (copy of the newest)"), [&lists](Ctx& ctx) {
               auto id = http::ParseId(ctx.req.PathParam("id"), "id");
               if (!id) return http::Fail(ctx.req, id.error());
               auto r = lists.NewDraft(ctx.who(), *id);
               if (!r) return http::Fail(ctx.req, r.error());
               return Response::Json(201, *r);
             });

  router.Add("GET", "/api/v1/discretion/lists/{id}/versions/{version_id}",
             Opt(std::nullopt, "A list version with its entries"), [&lists](Ctx& ctx) {
               auto id = http::ParseId(ctx.req.PathParam("id"), "id");
               if (!id) return http::Fail(ctx.req, id.error());
               auto vid = http::ParseId(ctx.req.PathParam("version_id"), "version_id");
               if (!vid) return http::Fail(ctx.req, vid.error());
               auto r = lists.GetVersion(*id, *vid);
               if (!r) return http::Fail(ctx.req, r.error());
               return Response::Json(200, *r);
             });

  router.Add("POST", "/api/v1/discretion/lists/{id}/versions/{version_id}/entries",
             Opt(kWrite, "Add an entry to a draft"), [&lists](Ctx& ctx) {
               auto id = http::ParseId(ctx.req.PathParam("id"), "id");
               if (!id) return http::Fail(ctx.req, id.error());
               auto vid = http::ParseId(ctx.req.PathParam("version_id"), "version_id");
               if (!vid) return http::Fail(ctx.req, vid.error());
               auto in = ParseEntry(ctx.req);
               if (!in) return http::Fail(ctx.req, in.error());
               auto r = lists.AddEntry(ctx.who(), *id, *vid, *in);
               if (!r) return http::Fail(ctx.req, r.error());
               return Response::Json(201, *r);
             });

  router.Add("PUT", "/api/v1/discretion/lists/{id}/entries/{entry_id}",
             Opt(kWrite, "Replace an entry of a draft"), [&lists](Ctx& ctx) {
               auto id = http::ParseId(ctx.req.PathParam("id"), "id");
               if (!id) return http::Fail(ctx.req, id.error());
               auto eid = http::ParseId(ctx.req.PathParam("entry_id"), "entry_id");
               if (!eid) return http::Fail(ctx.req, eid.error());
               auto in = ParseEntry(ctx.req);
               if (!in) return http::Fail(ctx.req, in.error());
               auto r = lists.UpdateEntry(ctx.who(), *id, *eid, *in);
               if (!r) return http::Fail(ctx.req, r.error());
               return Response::Json(200, *r);
             });

  router.Add("DELETE", "/api/v1/discretion/lists/{id}/entries/{entry_id}",
             Opt(kWrite, "Remove an entry of a draft"), [&lists](Ctx& ctx) {
               auto id = http::ParseId(ctx.req.PathParam("id"), "id");
               if (!id) return http::Fail(ctx.req, id.error());
               auto eid = http::ParseId(ctx.req.PathParam("entry_id"), "entry_id");
               if (!eid) return http::Fail(ctx.req, eid.error());
               auto st = lists.RemoveEntry(ctx.who(), *id, *eid);
               if (!st) return http::Fail(ctx.req, st.error());
               return Response::NoContent();
             });

  router.Add("POST", "/api/v1/discretion/lists/{id}/versions/{version_id}/publish",
             Opt(kWrite, "Publish a draft from its effective date"), [&lists](Ctx& ctx) {
               auto id = http::ParseId(ctx.req.PathParam("id"), "id");
               if (!id) return http::Fail(ctx.req, id.error());
               auto vid = http::ParseId(ctx.req.PathParam("version_id"), "version_id");
               if (!vid) return http::Fail(ctx.req, vid.error());
               auto body = http::ParseBody(ctx.req, {{"effective_from", FieldType::kString, true},
                                                     {"note", FieldType::kString, false}});
               if (!body) return http::Fail(ctx.req, body.error());
               auto d =
                   core::ParseDate((*body)["effective_from"].get<std::string>(), "effective_from");
               if (!d) return http::Fail(ctx.req, d.error());
               auto r = lists.Publish(ctx.who(), *id, *vid, *d,
                                      http::OptString(*body, "note").value_or(""));
               if (!r) return http::Fail(ctx.req, r.error());
               return Response::Json(200, *r);
             });

  router.Add("GET", "/api/v1/discretion/matter-options/{code}",
             Opt(std::nullopt, "Per-matter options of the engine"), [&lists](Ctx& ctx) {
               const std::string code = ctx.req.PathParam("code");
               auto o = lists.MatterOptionsFor(code);
               if (!o) return http::Fail(ctx.req, o.error());
               return Response::Json(200, {{"code", code},
                                           {"punish_without_fault", o->punish_without_fault},
                                           {"fault_basis", o->fault_basis}});
             });

  router.Add("PUT", "/api/v1/discretion/matter-options/{code}",
             Opt(Permission::kCatalogueWrite, "Set per-matter options (XZCF Art. 33 para. 2)"),
             [&lists](Ctx& ctx) {
               auto body =
                   http::ParseBody(ctx.req, {{"punish_without_fault", FieldType::kBool, true},
                                             {"fault_basis", FieldType::kString, false}});
               if (!body) return http::Fail(ctx.req, body.error());
               MatterOptions o;
               o.punish_without_fault = (*body)["punish_without_fault"].get<bool>();
               o.fault_basis = http::OptString(*body, "fault_basis").value_or("");
               auto r = lists.SetMatterOptions(ctx.who(), ctx.req.PathParam("code"), o);
               if (!r) return http::Fail(ctx.req, r.error());
               return Response::Json(200, *r);
             });

  router.Add("POST", "/api/v1/discretion/evaluate",
             Opt(std::nullopt, "Evaluate facts: band, range, grounds, explanation"),
             [&engine](Ctx& ctx) {
               auto r = ParseRun(ctx.req, false);
               if (!r) return http::Fail(ctx.req, r.error());
               auto out = engine.Run(ctx.who(), *r);
               if (!out) return http::Fail(ctx.req, out.error());
               return Response::Json(200, *out);
             });

  router.Add("POST", "/api/v1/discretion/check",
             Opt(std::nullopt, "Check a proposed penalty against the outcome"),
             [&engine](Ctx& ctx) {
               auto r = ParseRun(ctx.req, true);
               if (!r) return http::Fail(ctx.req, r.error());
               auto out = engine.Run(ctx.who(), *r);
               if (!out) return http::Fail(ctx.req, out.error());
               return Response::Json(200, *out);
             });
}

}  // namespace zhifa::discretion
