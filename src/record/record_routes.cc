#include "record/record_routes.h"

#include <charconv>

#include "core/codes.h"
#include "core/time.h"
#include "http/json_body.h"

namespace zhifa::record {

using core::Err;
using core::ErrorCode;
using http::Ctx;
using http::FieldType;
using http::Response;
using http::RouteOptions;
using nlohmann::json;

namespace {

RouteOptions Opt(std::string summary, bool blocking = false) {
  return http::Opt(std::nullopt, std::move(summary), blocking);
}

// A non-negative integer query parameter; `required` or the default.
core::Result<uint64_t> QueryUint(const http::Request& req, const char* name, bool required,
                                 uint64_t def = 0) {
  auto v = req.Query(name);
  if (!v) {
    if (!required) return def;
    return Err(ErrorCode::kInvalidArgument, std::string("缺少参数 ") + name,
               std::string("missing parameter ") + name, name);
  }
  uint64_t out = 0;
  auto [p, ec] = std::from_chars(v->data(), v->data() + v->size(), out);
  if (v->empty() || ec != std::errc() || p != v->data() + v->size() ||
      out > static_cast<uint64_t>(INT64_MAX)) {
    return Err(ErrorCode::kInvalidArgument, std::string("参数 ") + name + " 须为非负整数",
               std::string("parameter ") + name + " must be a non-negative integer", name);
  }
  return out;
}

core::Status NeedProofReader(const Ctx& ctx) {
  if (CanReadProofs(ctx.who())) return core::Ok();
  return Err(ErrorCode::kPermissionDenied, "仅安全审计员和监督人员可读取叶子数据与证明",
             "only the audit administrator and supervisors may read leaf bytes and proofs");
}

Response Unavailable(const Ctx& ctx) {
  return http::Fail(ctx.req, Err(ErrorCode::kUnavailable, "记录日志未打开（数据库未迁移）",
                                 "the record log is not open (database not migrated)"));
}

Response JsonOr(const Ctx& ctx, const core::Result<json>& r) {
  if (!r) return http::Fail(ctx.req, r.error());
  return Response::Json(200, *r);
}

}  // namespace

void RegisterRecordRoutes(http::Router& router, std::function<RecordService*()> get) {
  router.Add("GET", "/api/v1/record/checkpoint", Opt("Latest signed checkpoint of the record log"),
             [get](Ctx& ctx) {
               RecordService* svc = get();
               if (!svc) return Unavailable(ctx);
               RecordService& service = *svc;
               auto l = service.Latest();
               if (!l) return http::Fail(ctx.req, l.error());
               if (!*l) {
                 return http::Fail(ctx.req, Err(ErrorCode::kNotFound, "尚无检查点",
                                                "there is no checkpoint yet"));
               }
               return Response::Json(200, {{"size", (*l)->size},
                                           {"root", (*l)->root_hex},
                                           {"note", (*l)->note},
                                           {"at", (*l)->at},
                                           {"origin", service.options().origin},
                                           {"hash", HashAlgorithmName(service.hash())}});
             });

  router.Add("GET", "/api/v1/record/public-key", Opt("PEM public key that signs checkpoints"),
             [get](Ctx& ctx) {
               RecordService* svc = get();
               if (!svc) return Unavailable(ctx);
               RecordService& service = *svc;
               return Response::Json(
                   200, {{"pem", service.signer().PublicKeyPem()},
                         {"key_name", service.signer().key_name()},
                         {"key_id", service.signer().key_id()},
                         {"signature", SignatureAlgorithmName(service.signer().algorithm())},
                         {"hash", HashAlgorithmName(service.hash())}});
             });

  router.Add("GET", "/api/v1/record/checkpoints", Opt("Signed checkpoints, newest first"),
             [get](Ctx& ctx) {
               RecordService* svc = get();
               if (!svc) return Unavailable(ctx);
               RecordService& service = *svc;
               if (auto st = NeedProofReader(ctx); !st) return http::Fail(ctx.req, st.error());
               auto pg = http::ParsePaging(ctx.req);
               if (!pg) return http::Fail(ctx.req, pg.error());
               return JsonOr(ctx, service.ListCheckpoints(pg->page, pg->page_size));
             });

  router.Add("POST", "/api/v1/record/checkpoints", Opt("Sign a checkpoint now", true),
             [get](Ctx& ctx) {
               RecordService* svc = get();
               if (!svc) return Unavailable(ctx);
               RecordService& service = *svc;
               if (auto st = NeedProofReader(ctx); !st) return http::Fail(ctx.req, st.error());
               auto cp = service.Checkpoint();
               if (!cp) return http::Fail(ctx.req, cp.error());
               if (!*cp) {
                 return http::Fail(ctx.req, Err(ErrorCode::kConflict, "日志为空，无法生成检查点",
                                                "the log is empty; no checkpoint"));
               }
               return Response::Json(200, {{"size", (*cp)->size},
                                           {"root", (*cp)->root_hex},
                                           {"note", (*cp)->note},
                                           {"at", (*cp)->at}});
             });

  router.Add("GET", "/api/v1/record/leaves", Opt("Entry bytes and leaf hashes of a seq range"),
             [get](Ctx& ctx) {
               RecordService* svc = get();
               if (!svc) return Unavailable(ctx);
               RecordService& service = *svc;
               if (auto st = NeedProofReader(ctx); !st) return http::Fail(ctx.req, st.error());
               auto start = QueryUint(ctx.req, "start", true);
               if (!start) return http::Fail(ctx.req, start.error());
               auto end = QueryUint(ctx.req, "end", false, *start);
               if (!end) return http::Fail(ctx.req, end.error());
               return JsonOr(ctx, service.Leaves(*start, *end));
             });

  router.Add("GET", "/api/v1/record/proof/inclusion",
             Opt("RFC 9162 inclusion proof of leaf index in the tree of size"), [get](Ctx& ctx) {
               RecordService* svc = get();
               if (!svc) return Unavailable(ctx);
               RecordService& service = *svc;
               if (auto st = NeedProofReader(ctx); !st) return http::Fail(ctx.req, st.error());
               auto index = QueryUint(ctx.req, "index", true);
               if (!index) return http::Fail(ctx.req, index.error());
               auto size = QueryUint(ctx.req, "size", false, 0);
               if (!size) return http::Fail(ctx.req, size.error());
               return JsonOr(ctx, service.InclusionProof(*index, *size));
             });

  router.Add("GET", "/api/v1/record/proof/consistency",
             Opt("RFC 9162 consistency proof between two tree sizes"), [get](Ctx& ctx) {
               RecordService* svc = get();
               if (!svc) return Unavailable(ctx);
               RecordService& service = *svc;
               if (auto st = NeedProofReader(ctx); !st) return http::Fail(ctx.req, st.error());
               auto old_size = QueryUint(ctx.req, "old", true);
               if (!old_size) return http::Fail(ctx.req, old_size.error());
               auto new_size = QueryUint(ctx.req, "new", true);
               if (!new_size) return http::Fail(ctx.req, new_size.error());
               return JsonOr(ctx, service.ConsistencyProof(*old_size, *new_size));
             });

  router.Add(
      "GET", "/api/v1/record/targets/enterprise/{code}",
      Opt("Entries for one enterprise (统一社会信用代码), within data scope"), [get](Ctx& ctx) {
        RecordService* svc = get();
        if (!svc) return Unavailable(ctx);
        RecordService& service = *svc;
        std::string code = core::NormalizeCode(ctx.req.PathParam("code"));
        if (auto st = core::ValidateCreditCode(code, "code"); !st) {
          return http::Fail(ctx.req, st.error());
        }
        auto pg = http::ParsePaging(ctx.req);
        if (!pg) return http::Fail(ctx.req, pg.error());
        return JsonOr(
            ctx, service.TargetEntries(ctx.who(), EnterpriseTarget(code), pg->page, pg->page_size));
      });

  router.Add("POST", "/api/v1/record/targets/person",
             Opt("Entries for one person (keyed hash of the ID number), within data scope"),
             [get](Ctx& ctx) {
               RecordService* svc = get();
               if (!svc) return Unavailable(ctx);
               RecordService& service = *svc;
               auto body = http::ParseBody(ctx.req, {{"id_number", FieldType::kString, true},
                                                     {"page", FieldType::kInt, false},
                                                     {"page_size", FieldType::kInt, false}});
               if (!body) return http::Fail(ctx.req, body.error());
               std::string id = core::NormalizeCode((*body)["id_number"].get<std::string>());
               auto today = core::DateFromUnixMicros(core::NowMicros());
               if (auto st = core::ValidateIdNumber(id, today, "id_number"); !st) {
                 return http::Fail(ctx.req, st.error());
               }
               int page = static_cast<int>(http::OptInt(*body, "page").value_or(1));
               int page_size = static_cast<int>(http::OptInt(*body, "page_size").value_or(20));
               if (page < 1) {
                 return http::Fail(ctx.req, Err(ErrorCode::kInvalidArgument, "page 须 ≥ 1",
                                                "page must be >= 1", "page"));
               }
               if (page_size < 1 || page_size > 200) {
                 return http::Fail(ctx.req,
                                   Err(ErrorCode::kInvalidArgument, "page_size 须在 1–200 之间",
                                       "page_size must be 1–200", "page_size"));
               }
               return JsonOr(ctx, service.TargetEntries(ctx.who(), service.person_key().Target(id),
                                                        page, page_size));
             });

  router.Add("GET", "/api/v1/record/entries/{seq}/verify",
             Opt("Check an entry's inclusion in the latest signed checkpoint (server side)"),
             [get](Ctx& ctx) {
               RecordService* svc = get();
               if (!svc) return Unavailable(ctx);
               RecordService& service = *svc;
               auto seq = http::ParseId(ctx.req.PathParam("seq"), "seq");
               if (!seq) return http::Fail(ctx.req, seq.error());
               return JsonOr(ctx, service.VerifyEntry(ctx.who(), static_cast<uint64_t>(*seq)));
             });

  router.Add("GET", "/api/v1/record/verify/last", Opt("The last `zhifa verify` result"),
             [get](Ctx& ctx) {
               RecordService* svc = get();
               if (!svc) return Unavailable(ctx);
               RecordService& service = *svc;
               if (auto st = NeedProofReader(ctx); !st) return http::Fail(ctx.req, st.error());
               auto r = service.LastVerify();
               if (!r) return http::Fail(ctx.req, r.error());
               return Response::Json(200, {{"last", *r}});
             });
}

}  // namespace zhifa::record
