#include "cases/case_routes.h"

#include "http/json_body.h"

namespace zhifa::cases {

using core::Err;
using core::ErrorCode;
using http::Ctx;
using http::FieldType;
using http::Opt;
using http::Response;
using nlohmann::json;

namespace {

Response JsonOr(Ctx& ctx, const core::Result<json>& r, int status = 200) {
  if (!r) return http::Fail(ctx.req, r.error());
  return Response::Json(status, *r);
}

std::string Str(const json& j, const char* k) {
  return j.contains(k) && j[k].is_string() ? j[k].get<std::string>() : std::string();
}

core::Result<PartyInput> ParseParty(const json& body) {
  if (!body.contains("party") || !body["party"].is_object()) {
    return Err(ErrorCode::kInvalidArgument, "缺少当事人信息 party", "party is required", "party");
  }
  const json& p = body["party"];
  for (auto it = p.begin(); it != p.end(); ++it) {
    static const char* kKnown[] = {"kind",        "name",    "id_number",
                                   "credit_code", "address", "representative"};
    bool known = false;
    for (const char* k : kKnown) known = known || it.key() == k;
    if (!known) {
      return Err(ErrorCode::kUnknownField, "未知字段 party." + it.key(),
                 "unknown field party." + it.key(), "party." + it.key());
    }
    if (!it.value().is_string() && !it.value().is_null()) {
      return Err(ErrorCode::kWrongType, "party." + it.key() + " 应为字符串",
                 "party." + it.key() + " must be a string", "party." + it.key());
    }
  }
  PartyInput in;
  in.kind = Str(p, "kind");
  in.name = Str(p, "name");
  in.id_number = Str(p, "id_number");
  in.credit_code = Str(p, "credit_code");
  in.address = Str(p, "address");
  in.representative = Str(p, "representative");
  return in;
}

// Takes the free-form member `key` out of `obj` (so the rest can be checked strictly).
json TakeMember(json& obj, const char* key) {
  if (!obj.contains(key)) return json(nullptr);
  json v = std::move(obj[key]);
  obj.erase(key);
  return v;
}

std::vector<int64_t> Ids(const json& j, const char* k) {
  std::vector<int64_t> out;
  if (j.contains(k) && j[k].is_array()) {
    for (const auto& x : j[k]) out.push_back(x.get<int64_t>());
  }
  return out;
}

}  // namespace

void RegisterCaseRoutes(http::Router& router, CaseService& cases,
                        const std::function<record::RecordService*()>& record) {
  using org::Permission;

  router.Add(
      "GET", "/api/v1/cases/meta",
      Opt(Permission::kCasesRead, "States, steps with their permissions, sources, parameters"),
      [&cases](Ctx&) { return Response::Json(200, CaseMetaJson(cases.params())); });

  router.Add(
      "GET", "/api/v1/cases", Opt(Permission::kCasesRead, "Cases within data scope, with filters"),
      [&cases](Ctx& ctx) {
        auto pg = http::ParsePaging(ctx.req);
        if (!pg) return http::Fail(ctx.req, pg.error());
        CaseQuery q;
        q.page = pg->page;
        q.page_size = pg->page_size;
        for (const char* k : {"unit_id", "officer_id", "after"}) {
          if (auto v = ctx.req.Query(k); v && !v->empty()) {
            auto id = http::ParseId(*v, k);
            if (!id) return http::Fail(ctx.req, id.error());
            (std::string(k) == "unit_id"
                 ? q.unit_id
                 : (std::string(k) == "officer_id" ? q.officer_id : q.after)) = *id;
          }
        }
        q.matter = ctx.req.Query("matter").value_or("");
        if (auto s = ctx.req.Query("state"); s && !s->empty()) {
          size_t start = 0;
          while (start <= s->size()) {
            size_t end = s->find(',', start);
            std::string part = s->substr(start, end == std::string::npos ? end : end - start);
            if (!part.empty()) q.states.push_back(part);
            if (end == std::string::npos) break;
            start = end + 1;
          }
        }
        q.due = ctx.req.Query("due").value_or("");
        q.domain = ctx.req.Query("domain").value_or("");
        q.procedure = ctx.req.Query("procedure").value_or("");
        q.q = ctx.req.Query("q").value_or("");
        q.sort = ctx.req.Query("sort").value_or("-id");
        for (auto [v, f] : {std::pair{&q.matter, "matter"}, std::pair{&q.domain, "domain"},
                            std::pair{&q.q, "q"}}) {
          if (v->size() > 100) {
            return http::Fail(ctx.req, Err(ErrorCode::kInvalidArgument, std::string(f) + " 过长",
                                           std::string(f) + " is too long", f));
          }
        }
        return JsonOr(ctx, cases.List(ctx.who(), q));
      });

  router.Add(
      "POST", "/api/v1/cases", Opt(Permission::kCasesWrite, "Register a lead (线索登记)", true),
      [&cases](Ctx& ctx) {
        auto body = http::ParseJsonObject(ctx.req);
        if (!body) return http::Fail(ctx.req, body.error());
        auto party = ParseParty(*body);
        if (!party) return http::Fail(ctx.req, party.error());
        body->erase("party");
        json facts = TakeMember(*body, "facts");
        if (auto st = http::CheckFields(*body, {{"unit_id", FieldType::kInt, true},
                                                {"matter_code", FieldType::kString, true},
                                                {"source", FieldType::kString, true},
                                                {"source_ref", FieldType::kString, false},
                                                {"title", FieldType::kString, true},
                                                {"place", FieldType::kString, false},
                                                {"act_date", FieldType::kString, true},
                                                {"act_end_date", FieldType::kString, false},
                                                {"discovered_date", FieldType::kString, true},
                                                {"safety_harm", FieldType::kBool, false},
                                                {"officer_ids", FieldType::kIntArray, false}});
            !st) {
          return http::Fail(ctx.req, st.error());
        }
        NewCase in;
        in.unit_id = (*body)["unit_id"].get<int64_t>();
        in.matter_code = Str(*body, "matter_code");
        in.source = Str(*body, "source");
        in.source_ref = Str(*body, "source_ref");
        in.title = Str(*body, "title");
        in.place = Str(*body, "place");
        in.party = *party;
        in.act_date = Str(*body, "act_date");
        in.act_end_date = Str(*body, "act_end_date");
        in.discovered_date = Str(*body, "discovered_date");
        in.safety_harm = body->value("safety_harm", false);
        in.officer_ids = Ids(*body, "officer_ids");
        in.facts = std::move(facts);
        return JsonOr(ctx, cases.Create(ctx.who(), in), 201);
      });

  router.Add(
      "POST", "/api/v1/cases/simplified",
      Opt(Permission::kCasesWrite, "On-the-spot decision, simplified procedure (第51、52条)", true),
      [&cases](Ctx& ctx) {
        auto body = http::ParseJsonObject(ctx.req);
        if (!body) return http::Fail(ctx.req, body.error());
        auto party = ParseParty(*body);
        if (!party) return http::Fail(ctx.req, party.error());
        body->erase("party");
        json facts = TakeMember(*body, "facts");
        json penalty = TakeMember(*body, "penalty");
        if (penalty.is_null()) {
          return http::Fail(ctx.req, Err(ErrorCode::kInvalidArgument, "缺少处罚内容 penalty",
                                         "penalty is required", "penalty"));
        }
        if (auto st = http::CheckFields(*body, {{"unit_id", FieldType::kInt, true},
                                                {"matter_code", FieldType::kString, true},
                                                {"title", FieldType::kString, true},
                                                {"place", FieldType::kString, true},
                                                {"act_date", FieldType::kString, true},
                                                {"date", FieldType::kString, false},
                                                {"reason", FieldType::kString, false},
                                                {"basis", FieldType::kString, true},
                                                {"officer_ids", FieldType::kIntArray, true},
                                                {"credentials_shown", FieldType::kBool, true},
                                                {"party_signed", FieldType::kBool, false}});
            !st) {
          return http::Fail(ctx.req, st.error());
        }
        NewSimplified in;
        in.unit_id = (*body)["unit_id"].get<int64_t>();
        in.matter_code = Str(*body, "matter_code");
        in.title = Str(*body, "title");
        in.place = Str(*body, "place");
        in.party = *party;
        in.act_date = Str(*body, "act_date");
        in.date = Str(*body, "date");
        in.penalty = std::move(penalty);
        in.reason = Str(*body, "reason");
        in.basis = Str(*body, "basis");
        in.officer_ids = Ids(*body, "officer_ids");
        in.credentials_shown = body->value("credentials_shown", false);
        in.party_signed = body->value("party_signed", true);
        in.facts = std::move(facts);
        return JsonOr(ctx, cases.CreateSimplified(ctx.who(), in), 201);
      });

  router.Add("GET", "/api/v1/cases/{id}",
             Opt(Permission::kCasesRead,
                 "A case: parties, officers, timers, documents, steps allowed now"),
             [&cases](Ctx& ctx) {
               auto id = http::ParseId(ctx.req.PathParam("id"), "id");
               if (!id) return http::Fail(ctx.req, id.error());
               return JsonOr(ctx, cases.Get(ctx.who(), *id));
             });

  router.Add("GET", "/api/v1/cases/{id}/timeline",
             Opt(Permission::kCasesRead, "A case's record-log entries (its timeline)"),
             [&cases, record](Ctx& ctx) {
               auto id = http::ParseId(ctx.req.PathParam("id"), "id");
               if (!id) return http::Fail(ctx.req, id.error());
               auto pg = http::ParsePaging(ctx.req);
               if (!pg) return http::Fail(ctx.req, pg.error());
               if (auto st = cases.CheckVisible(ctx.who(), *id); !st) {
                 return http::Fail(ctx.req, st.error());
               }
               record::RecordService* svc = record();
               if (!svc) {
                 return http::Fail(ctx.req, Err(ErrorCode::kUnavailable, "记录日志未就绪",
                                                "the record log is not ready"));
               }
               return JsonOr(
                   ctx, svc->TargetEntries(ctx.who(), CaseTarget(*id), pg->page, pg->page_size));
             });

  router.Add("GET", "/api/v1/cases/{id}/review-report",
             Opt(Permission::kCasesRead, "The legal review report and the opinions so far"),
             [&cases](Ctx& ctx) {
               auto id = http::ParseId(ctx.req.PathParam("id"), "id");
               if (!id) return http::Fail(ctx.req, id.error());
               return JsonOr(ctx, cases.ReviewReport(ctx.who(), *id));
             });

  router.Add("POST", "/api/v1/cases/{id}/steps/{step}",
             Opt(Permission::kCasesRead,
                 "Take a step of the procedure (the step's own permission applies)", true),
             [&cases](Ctx& ctx) {
               auto id = http::ParseId(ctx.req.PathParam("id"), "id");
               if (!id) return http::Fail(ctx.req, id.error());
               auto body = http::ParseJsonObject(ctx.req);
               if (!body) return http::Fail(ctx.req, body.error());
               return JsonOr(ctx, cases.Step(ctx.who(), *id, ctx.req.PathParam("step"), *body));
             });

  router.Add("GET", "/api/v1/reviews",
             Opt(Permission::kCasesReview, "The legal review queue within data scope"),
             [&cases](Ctx& ctx) {
               auto pg = http::ParsePaging(ctx.req);
               if (!pg) return http::Fail(ctx.req, pg.error());
               std::string status = ctx.req.Query("status").value_or("pending");
               return JsonOr(ctx, cases.Reviews(ctx.who(), status, pg->page, pg->page_size));
             });
}

}  // namespace zhifa::cases
