#include "record/evidence_service.h"

#include <spdlog/spdlog.h>

#include "core/time.h"

namespace zhifa::record {

using core::Err;
using core::ErrorCode;
using nlohmann::json;
using store::Conn;
using store::Params;

namespace {

constexpr const char* kColumns =
    "e.id, e.hash, e.hash_alg, e.size, e.content_type, e.file_name, e.stage, e.target_kind, "
    "e.target, e.unit_id, n.name, e.captured_at, e.device, e.location, e.note, e.created_by, "
    "u.display_name, e.created_at, e.created_seq";
constexpr const char* kFrom =
    " FROM evidence e JOIN units n ON n.id = e.unit_id JOIN users u ON u.id = e.created_by";

Evidence FromRow(const store::Row& r) {
  Evidence e;
  e.id = r.Int(0);
  e.hash = r.Text(1);
  e.hash_alg = r.Text(2);
  e.size = static_cast<uint64_t>(r.Int(3));
  e.content_type = r.Text(4);
  e.file_name = r.Text(5);
  e.stage = r.Text(6);
  e.target_kind = r.Text(7);
  e.target = r.Text(8);
  e.unit_id = r.Int(9);
  e.unit_name = r.Text(10);
  e.captured_at = r.Text(11);
  e.device = r.Text(12);
  e.location = r.Text(13);
  e.note = r.Text(14);
  e.created_by = r.Int(15);
  e.created_by_name = r.Text(16);
  e.created_at = r.Text(17);
  e.created_seq = r.Int(18);
  return e;
}

// The record-log target an evidence entry is filed under: the thing it is evidence about.
std::string LogTarget(EvidenceTargetKind kind, const std::string& target) {
  return kind == EvidenceTargetKind::kEnterprise ? "enterprise:" + target : target;
}

core::Error NotFound() {
  return Err(ErrorCode::kNotFound, "证据不存在或不在您的数据范围内",
             "no such evidence within your data scope", "id");
}

}  // namespace

json Evidence::ToJson() const {
  json j = {{"id", id},
            {"hash", hash},
            {"hash_alg", hash_alg},
            {"size", size},
            {"content_type", content_type},
            {"file_name", file_name},
            {"stage", stage},
            {"target_kind", target_kind},
            {"target", target},
            {"unit_id", unit_id},
            {"unit_name", unit_name},
            {"captured_at", captured_at},
            {"device", device},
            {"location", location},
            {"note", note},
            {"created_by", created_by},
            {"created_by_name", created_by_name},
            {"created_at", created_at},
            {"seq", created_seq}};
  if (deduplicated) j["deduplicated"] = true;
  return j;
}

core::Result<NewEvidence> EvidenceService::Prepare(const org::Principal& p,
                                                   const EvidenceInput& in) {
  NewEvidence out;
  auto kind = ParseEvidenceTargetKind(in.target_kind);
  if (!kind) {
    return Err(ErrorCode::kInvalidArgument, "target_kind 应为 enterprise 或 record",
               "target_kind must be enterprise or record", "target_kind");
  }
  out.target_kind = *kind;
  ZHIFA_TRY(CheckEvidenceTarget(*kind, in.target, "target"));
  out.target = in.target;
  if (!FindEvidenceStage(in.stage)) {
    return Err(ErrorCode::kInvalidArgument,
               "stage 应为 initiation、investigation、review、decision、service、execution 之一",
               "stage must be one of initiation, investigation, review, decision, service, "
               "execution",
               "stage");
  }
  out.stage = in.stage;
  auto at = CheckCapturedAt(in.captured_at, core::NowMicros());
  if (!at) return at.error();
  out.captured_at = core::FormatRfc3339Micros(*at);
  ZHIFA_TRY(CheckEvidenceText(in.device, kEvidenceTextMax, "device"));
  ZHIFA_TRY(CheckEvidenceText(in.location, kEvidenceTextMax, "location"));
  ZHIFA_TRY(CheckEvidenceText(in.file_name, kEvidenceTextMax, "file_name"));
  ZHIFA_TRY(CheckEvidenceText(in.note, kEvidenceNoteMax, "note"));
  out.device = in.device;
  out.location = in.location;
  out.file_name = in.file_name;
  out.note = in.note;
  out.unit_id = in.unit_id.value_or(p.unit_id);
  // The unit must exist and lie within the uploader's data scope (own scope: the row will be
  // the uploader's own).
  auto st = db_.Read([&](Conn& c) -> core::Status {
    auto chain = org_.Chain(c, out.unit_id);
    if (!chain) return chain.error();
    std::vector<int64_t> ids;
    for (const auto& u : *chain) ids.push_back(u.id);
    if (ids.empty() || !org::Allows(p.scope, ids, p.user_id)) {
      return Err(ErrorCode::kNotFound, "单位不存在或不在您的数据范围内",
                 "no such unit within your data scope", "unit_id");
    }
    return core::Ok();
  });
  if (!st) return st.error();
  return out;
}

core::Result<Evidence> EvidenceService::Add(const org::Principal& p, const NewEvidence& meta,
                                            EvidenceStore::Upload& upload, const std::string& ip) {
  if (upload.size() == 0) {
    return Err(ErrorCode::kInvalidArgument, "文件为空", "the file is empty", "file");
  }
  auto type = SniffContentType(upload.head());
  if (!type) {
    return Err(ErrorCode::kUnsupportedMediaType,
               "不支持的文件类型（按文件内容识别）：仅接受 JPEG、PNG、TIFF、HEIC、PDF、OFD、MP4、"
               "MOV、M4A、MP3、WAV",
               "unsupported file type (identified by its content): only JPEG, PNG, TIFF, HEIC, "
               "PDF, OFD, MP4, MOV, M4A, MP3 and WAV are accepted",
               "file");
  }
  auto stored = store_.Commit(upload);
  if (!stored) return stored.error();
  Evidence e;
  e.hash = HashHex(stored->hash);
  e.hash_alg = HashAlgorithmName(store_.algorithm());
  e.size = stored->size;
  e.content_type = *type;
  e.file_name = meta.file_name;
  e.stage = meta.stage;
  e.target_kind = EvidenceTargetKindName(meta.target_kind);
  e.target = meta.target;
  e.unit_id = meta.unit_id;
  e.captured_at = meta.captured_at;
  e.device = meta.device;
  e.location = meta.location;
  e.note = meta.note;
  e.created_by = p.user_id;
  e.created_by_name = p.display_name;
  e.deduplicated = stored->deduplicated;
  Actor actor{p.user_id, p.unit_id, ip};
  auto st = bus_.Run(actor, [&](CommandTx& tx) -> core::Status {
    auto id = tx.NewId();
    if (!id) return id.error();
    e.id = *id;
    e.created_at = core::FormatRfc3339Micros(tx.now());
    json payload = {{"evidence_id", e.id},
                    {"hash", e.hash},
                    {"hash_alg", e.hash_alg},
                    {"size", e.size},
                    {"content_type", e.content_type},
                    {"file_name", e.file_name},
                    {"stage", e.stage},
                    {"captured_at", e.captured_at},
                    {"device", e.device},
                    {"location", e.location},
                    {"officer_id", e.created_by},
                    {"target_kind", e.target_kind},
                    {"target", e.target}};
    if (!e.note.empty()) payload["note"] = e.note;
    auto seq =
        tx.Emit({"evidence.added", LogTarget(meta.target_kind, meta.target), payload, e.unit_id});
    if (!seq) return seq.error();
    e.created_seq = *seq;
    auto ins = tx.conn().Exec(
        "INSERT INTO evidence (id, hash, hash_alg, size, content_type, file_name, stage, "
        "target_kind, target, unit_id, captured_at, device, location, note, created_by, "
        "created_at, created_seq) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, "
        "$13, $14, $15, $16, $17)",
        {e.id, e.hash, e.hash_alg, static_cast<int64_t>(e.size), e.content_type, e.file_name,
         e.stage, e.target_kind, e.target, e.unit_id, e.captured_at, e.device, e.location, e.note,
         e.created_by, e.created_at, e.created_seq});
    if (!ins) return ins.error();
    return core::Ok();
  });
  if (!st) {
    // The file stays in the store unreferenced (another row may share it); `zhifa verify`
    // lists unreferenced files.
    return st.error();
  }
  auto unit = db_.Read([&](Conn& c) -> core::Status {
    auto r = c.Query("SELECT name FROM units WHERE id = $1", {e.unit_id});
    if (!r) return r.error();
    if (!r->rows.empty()) e.unit_name = r->rows[0].Text(0);
    return core::Ok();
  });
  if (!unit) spdlog::warn("evidence {}: unit name not read: {}", e.id, unit.error().message_en);
  return e;
}

core::Result<json> EvidenceService::List(const org::Principal& p, const EvidenceQuery& q) {
  json out;
  auto st = db_.Read([&](Conn& c) -> core::Status {
    Params params;
    std::string where =
        " WHERE " + org::ScopePredicate(p.scope, "e.unit_id", "e.created_by", params);
    store::AndIf(where, params, q.target_kind, "e.target_kind =");
    store::AndIf(where, params, q.target, "e.target =");
    store::AndIf(where, params, q.stage, "e.stage =");
    if (q.unit_id) {
      params.emplace_back(*q.unit_id);
      where += " AND e.unit_id = $" + std::to_string(params.size());
    }
    auto count = c.Query(std::string("SELECT COUNT(*)") + kFrom + where, params);
    if (!count) return count.error();
    std::string sql = std::string("SELECT ") + kColumns + kFrom + where + " ORDER BY e.id";
    store::AddPage(sql, params, q.page, q.page_size);
    auto rows = c.Query(sql, params);
    if (!rows) return rows.error();
    json items = json::array();
    for (const auto& r : rows->rows) items.push_back(FromRow(r).ToJson());
    out = org::PageJson(std::move(items), count->rows.at(0).Int(0), q.page, q.page_size);
    return core::Ok();
  });
  if (!st) return st.error();
  return out;
}

core::Result<Evidence> EvidenceService::Get(const org::Principal& p, int64_t id) {
  std::optional<Evidence> out;
  auto st = db_.Read([&](Conn& c) -> core::Status {
    Params params{id};
    std::string sql = std::string("SELECT ") + kColumns + kFrom + " WHERE e.id = $1 AND " +
                      org::ScopePredicate(p.scope, "e.unit_id", "e.created_by", params);
    auto r = c.Query(sql, params);
    if (!r) return r.error();
    if (!r->rows.empty()) out = FromRow(r->rows[0]);
    return core::Ok();
  });
  if (!st) return st.error();
  if (!out) return NotFound();
  return *out;
}

core::Result<FileCheck> EvidenceService::Verify(const org::Principal& p, int64_t id) {
  auto e = Get(p, id);
  if (!e) return e.error();
  auto hash = HashFromHex(e->hash);
  if (!hash) return hash.error();
  return store_.Verify(*hash, e->size);
}

core::Result<std::map<std::string, uint64_t>> EvidenceService::ExpectedFiles() {
  std::map<std::string, uint64_t> out;
  auto st = db_.Read([&](Conn& c) -> core::Status {
    auto r = c.Query("SELECT DISTINCT hash, size FROM evidence");
    if (!r) return r.error();
    for (const auto& row : r->rows) out[row.Text(0)] = static_cast<uint64_t>(row.Int(1));
    return core::Ok();
  });
  if (!st) return st.error();
  return out;
}

core::Result<VerifyReport> EvidenceService::VerifyAll(
    const std::function<void(const VerifyProgress&)>& progress) {
  auto expected = ExpectedFiles();
  if (!expected) return expected.error();
  return store_.VerifyAll(progress, *expected);
}

}  // namespace zhifa::record
