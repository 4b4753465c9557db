#include "record/evidence_routes.h"

#include <set>

#include "http/json_body.h"

namespace zhifa::record {

using core::Err;
using core::ErrorCode;
using http::Ctx;
using http::Opt;
using http::Response;
using http::RouteOptions;
using nlohmann::json;

namespace {

// The request body of an upload, streamed into the store.
class UploadSink final : public http::BodySink {
 public:
  UploadSink(std::unique_ptr<EvidenceStore::Upload> upload, NewEvidence meta)
      : upload(std::move(upload)), meta(std::move(meta)) {}
  core::Status Write(std::string_view chunk) override { return upload->Write(chunk); }
  std::unique_ptr<EvidenceStore::Upload> upload;
  NewEvidence meta;
};

// Streams a stored file (or a range of it) into the response.
class FileSource final : public http::BodySource {
 public:
  explicit FileSource(std::unique_ptr<EvidenceStore::Reader> r) : reader_(std::move(r)) {}
  core::Result<size_t> Read(char* buf, size_t cap) override { return reader_->Read(buf, cap); }

 private:
  std::unique_ptr<EvidenceStore::Reader> reader_;
};

// Query parameters must be known ones: a misspelt parameter is an error, not silently dropped.
core::Status OnlyParams(const http::Request& req, const std::set<std::string>& known) {
  for (const auto& [k, v] : req.query) {
    if (!known.count(k)) {
      return Err(ErrorCode::kUnknownField, "未知参数「" + k + "」",
                 "unknown parameter \"" + k + "\"", k);
    }
  }
  return core::Ok();
}

core::Result<EvidenceInput> ReadInput(const http::Request& req) {
  ZHIFA_TRY(OnlyParams(req, {"target_kind", "target", "unit_id", "stage", "captured_at", "device",
                             "location", "file_name", "note"}));
  EvidenceInput in;
  for (const char* name : {"target_kind", "target", "stage", "captured_at"}) {
    if (!req.Query(name) || req.Query(name)->empty()) {
      return Err(ErrorCode::kInvalidArgument, std::string("缺少参数「") + name + "」",
                 std::string("missing parameter \"") + name + "\"", name);
    }
  }
  in.target_kind = *req.Query("target_kind");
  in.target = *req.Query("target");
  in.stage = *req.Query("stage");
  in.captured_at = *req.Query("captured_at");
  in.device = req.Query("device").value_or("");
  in.location = req.Query("location").value_or("");
  in.file_name = req.Query("file_name").value_or("");
  in.note = req.Query("note").value_or("");
  if (auto u = req.Query("unit_id")) {
    auto id = http::ParseId(*u, "unit_id");
    if (!id) return id.error();
    in.unit_id = *id;
  }
  return in;
}

// RFC 5987 filename* value.
std::string PercentEncode(const std::string& s) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '.' || c == '-' || c == '_') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

}  // namespace

void RegisterEvidenceRoutes(http::Router& router, EvidenceService& evidence, uint64_t max_bytes) {
  router.Add(
      "GET", "/api/v1/evidence/meta",
      Opt(org::Permission::kEvidenceRead, "Evidence stages, accepted types, size limit"),
      [&evidence, max_bytes](Ctx& ctx) {
        bool en = ctx.req.PrefersEnglish();
        json stages = json::array();
        for (const auto& s : EvidenceStages()) {
          stages.push_back(
              {{"id", s.id}, {"name", en ? s.en : s.zh}, {"name_zh", s.zh}, {"name_en", s.en}});
        }
        return Response::Json(200, {{"stages", stages},
                                    {"content_types", AcceptedContentTypes()},
                                    {"max_bytes", max_bytes},
                                    {"hash_alg", HashAlgorithmName(evidence.store().algorithm())}});
      });

  RouteOptions up = Opt(org::Permission::kEvidenceWrite,
                        "Upload an evidence file (raw body, metadata in the query)");
  up.stream_body_limit = max_bytes;
  up.stream_body = [&evidence](Ctx& ctx) -> core::Result<std::shared_ptr<http::BodySink>> {
    auto in = ReadInput(ctx.req);
    if (!in) return in.error();
    auto meta = evidence.Prepare(ctx.who(), *in);
    if (!meta) return meta.error();
    auto upload = evidence.store().BeginUpload();
    if (!upload) return upload.error();
    return std::shared_ptr<http::BodySink>(
        std::make_shared<UploadSink>(std::move(*upload), std::move(*meta)));
  };
  router.Add("POST", "/api/v1/evidence", up, [&evidence](Ctx& ctx) {
    auto* sink = dynamic_cast<UploadSink*>(ctx.req.body_sink.get());
    if (!sink) return http::Fail(ctx.req, Err(ErrorCode::kInternal, "无上传内容", "no upload"));
    auto e = evidence.Add(ctx.who(), sink->meta, *sink->upload, ctx.req.remote_ip);
    if (!e) return http::Fail(ctx.req, e.error());
    return Response::Json(201, e->ToJson());
  });

  router.Add("GET", "/api/v1/evidence", Opt(org::Permission::kEvidenceRead, "List evidence"),
             [&evidence](Ctx& ctx) {
               auto known = OnlyParams(
                   ctx.req, {"target_kind", "target", "stage", "unit_id", "page", "page_size"});
               if (!known) return http::Fail(ctx.req, known.error());
               auto paging = http::ParsePaging(ctx.req);
               if (!paging) return http::Fail(ctx.req, paging.error());
               EvidenceQuery q;
               q.target_kind = ctx.req.Query("target_kind").value_or("");
               q.target = ctx.req.Query("target").value_or("");
               q.stage = ctx.req.Query("stage").value_or("");
               if (!q.stage.empty() && !FindEvidenceStage(q.stage)) {
                 return http::Fail(ctx.req, Err(ErrorCode::kInvalidArgument, "未知的阶段",
                                                "unknown stage", "stage"));
               }
               if (auto u = ctx.req.Query("unit_id")) {
                 auto id = http::ParseId(*u, "unit_id");
                 if (!id) return http::Fail(ctx.req, id.error());
                 q.unit_id = *id;
               }
               q.page = paging->page;
               q.page_size = paging->page_size;
               auto out = evidence.List(ctx.who(), q);
               if (!out) return http::Fail(ctx.req, out.error());
               return Response::Json(200, *out);
             });

  router.Add("GET", "/api/v1/evidence/{id}",
             Opt(org::Permission::kEvidenceRead, "Evidence metadata"), [&evidence](Ctx& ctx) {
               auto id = http::ParseId(ctx.req.PathParam("id"), "id");
               if (!id) return http::Fail(ctx.req, id.error());
               auto e = evidence.Get(ctx.who(), *id);
               if (!e) return http::Fail(ctx.req, e.error());
               return Response::Json(200, e->ToJson());
             });

  router.Add("GET", "/api/v1/evidence/{id}/content",
             Opt(org::Permission::kEvidenceRead,
                 "Download an evidence file (streamed, single Range, hash verified)", true),
             [&evidence](Ctx& ctx) {
               auto id = http::ParseId(ctx.req.PathParam("id"), "id");
               if (!id) return http::Fail(ctx.req, id.error());
               auto e = evidence.Get(ctx.who(), *id);
               if (!e) return http::Fail(ctx.req, e.error());
               auto hash = HashFromHex(e->hash);
               if (!hash) return http::Fail(ctx.req, hash.error());
               auto range = ParseRange(ctx.req.Header("range"), e->size);
               if (!range) {
                 Response r = http::Fail(ctx.req, range.error());
                 r.status = 416;
                 r.headers.emplace_back("Content-Range", "bytes */" + std::to_string(e->size));
                 return r;
               }
               uint64_t begin = 0, end = e->size;
               if (*range) {
                 begin = (*range)->begin;
                 end = (*range)->end;
               }
               EvidenceStore& store = evidence.store();
               bool whole = begin == 0 && end == e->size;
               if (!whole && !store.IsVerified(*hash, e->size)) {
                 // A part cannot be checked against the hash on its own: the whole file is
                 // re-hashed once, and later ranges are served while the file is unmodified since
                 // (ctime).
                 auto check = store.Verify(*hash, e->size);
                 if (!check) return http::Fail(ctx.req, check.error());
                 if (check->state != FileState::kOk) {
                   return http::Fail(
                       ctx.req, Err(ErrorCode::kConflict,
                                    "证据文件与记录的哈希不符（已被改动、损坏或缺失），不予提供",
                                    "the evidence file does not match its recorded hash "
                                    "(changed, damaged or missing); not served"));
                 }
               }
               auto reader = store.Open(*hash, e->size, begin, end);
               if (!reader) {
                 core::Error err = reader.error();
                 if (err.code == ErrorCode::kNotFound) err.code = ErrorCode::kConflict;
                 return http::Fail(ctx.req, err);
               }
               Response r;
               r.status = *range ? 206 : 200;
               r.content_type = e->content_type;
               r.stream = std::make_shared<FileSource>(std::move(*reader));
               r.stream_length = end - begin;
               r.headers.emplace_back("Accept-Ranges", "bytes");
               if (*range) {
                 r.headers.emplace_back("Content-Range", "bytes " + std::to_string(begin) + "-" +
                                                             std::to_string(end - 1) + "/" +
                                                             std::to_string(e->size));
               }
               r.headers.emplace_back("ETag", "\"" + e->hash + "\"");
               r.headers.emplace_back("X-Evidence-Hash", e->hash_alg + ":" + e->hash);
               r.headers.emplace_back("Cache-Control", "private, no-cache");
               std::string name =
                   e->file_name.empty() ? "evidence-" + std::to_string(e->id) : e->file_name;
               r.headers.emplace_back("Content-Disposition",
                                      "inline; filename*=UTF-8''" + PercentEncode(name));
               return r;
             });

  router.Add("GET", "/api/v1/evidence/{id}/integrity",
             Opt(org::Permission::kEvidenceRead, "Re-hash one evidence file", true),
             [&evidence](Ctx& ctx) {
               auto id = http::ParseId(ctx.req.PathParam("id"), "id");
               if (!id) return http::Fail(ctx.req, id.error());
               auto check = evidence.Verify(ctx.who(), *id);
               if (!check) return http::Fail(ctx.req, check.error());
               json j = {{"id", *id},
                         {"hash", check->hash},
                         {"state", FileStateName(check->state)},
                         {"size_on_disk", check->size}};
               if (!check->actual_hash.empty()) j["actual_hash"] = check->actual_hash;
               return Response::Json(200, j);
             });
}

}  // namespace zhifa::record
