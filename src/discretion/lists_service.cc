#include "discretion/lists_service.h"

#include <algorithm>

#include "core/embedded.h"
#include "core/utf8.h"
#include "org/org_service.h"

namespace zhifa::discretion {

using core::Err;
using core::Error;
using core::ErrorCode;
using core::Result;
using core::Status;
using nlohmann::json;
using store::Conn;
using store::Params;

namespace {

Error NotFound(const std::string& zh, const std::string& en, const std::string& field) {
  return Err(ErrorCode::kNotFound, zh + "不存在", en + " not found", field);
}

record::Actor ActorFor(const org::Principal& p) {
  record::Actor a;
  if (p.user_id != 0) a.user_id = p.user_id;
  if (p.unit_id != 0) a.unit_id = p.unit_id;
  return a;
}

Status CheckText(const std::string& v, size_t min_chars, size_t max_chars, const char* field,
                 const char* label_zh) {
  if (!core::IsValidUtf8(v)) {
    return Err(ErrorCode::kInvalidUtf8, std::string(label_zh) + "不是有效的 UTF-8 文本",
               std::string(field) + " is not valid UTF-8", field);
  }
  if (core::HasControlChars(v)) {
    return Err(ErrorCode::kInvalidArgument, std::string(label_zh) + "不能包含控制字符",
               std::string(field) + " must not contain control characters", field);
  }
  const size_t n = core::Utf8Length(v);
  if (n < min_chars || n > max_chars) {
    return Err(ErrorCode::kInvalidArgument,
               std::string(label_zh) + "长度应为 " + std::to_string(min_chars) + "–" +
                   std::to_string(max_chars) + " 个字符",
               std::string(field) + " must have " + std::to_string(min_chars) + "–" +
                   std::to_string(max_chars) + " characters",
               field);
  }
  return core::Ok();
}

Status CheckCode(const std::string& code, const char* field) {
  bool ok = !code.empty() && code.size() <= 64;
  for (char ch : code) {
    if (!((ch >= '0' && ch <= '9') || (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') ||
          ch == '-' || ch == '_' || ch == '.')) {
      ok = false;
    }
  }
  if (ok) return core::Ok();
  return Err(ErrorCode::kInvalidArgument, "事项编码应为 1–64 位字母、数字、-、_ 或 .",
             "the matter code must be 1–64 of letters, digits, - _ .", field);
}

core::Date Today() { return core::DateFromUnixMicros(core::NowMicros()); }

json KindJson(const store::Row& r) {
  return {{"id", r.Text(0)},
          {"name_zh", r.Text(1)},
          {"name_en", r.Text(2)},
          {"effect", r.Text(3)},
          {"builtin", r.Int(4) != 0}};
}

constexpr const char* kEntryCols =
    "id, version_id, matter_code, condition_json, modality, law, article, wording, ordinal";

json EntryJson(const store::Row& r) {
  json cond = r.Text(3).empty() ? json(nullptr) : json::parse(r.Text(3), nullptr, false);
  if (cond.is_discarded()) cond = nullptr;
  return {{"id", r.Int(0)},       {"version_id", r.Int(1)}, {"matter_code", r.Text(2)},
          {"condition", cond},    {"modality", r.Text(4)},  {"law", r.Text(5)},
          {"article", r.Text(6)}, {"wording", r.Text(7)},   {"ordinal", r.Int(8)}};
}

constexpr const char* kVersionCols =
    "id, list_id, number, status, effective_from, effective_to, note, created_seq, published_seq";

json VersionJson(const store::Row& r) {
  return {{"id", r.Int(0)},
          {"list_id", r.Int(1)},
          {"number", r.Int(2)},
          {"status", r.Text(3)},
          {"effective_from", r.OptText(4) ? json(*r.OptText(4)) : json(nullptr)},
          {"effective_to", r.OptText(5) ? json(*r.OptText(5)) : json(nullptr)},
          {"note", r.Text(6)},
          {"created_seq", r.Int(7)},
          {"published_seq", r.OptInt(8) ? json(*r.OptInt(8)) : json(nullptr)}};
}

constexpr const char* kListSelect =
    "SELECT l.id, l.unit_id, u.name, l.kind_id, k.name_zh, k.name_en, k.effect, l.title, "
    "l.version, l.updated_seq FROM discretion_lists l JOIN units u ON u.id = l.unit_id "
    "JOIN discretion_list_kinds k ON k.id = l.kind_id";

json ListJson(const store::Row& r) {
  return {{"id", r.Int(0)},         {"unit_id", r.Int(1)},       {"unit_name", r.Text(2)},
          {"kind_id", r.Text(3)},   {"kind_name_zh", r.Text(4)}, {"kind_name_en", r.Text(5)},
          {"effect", r.Text(6)},    {"title", r.Text(7)},        {"version", r.Int(8)},
          {"updated_seq", r.Int(9)}};
}

Result<Modality> ParseModality(const std::string& s) {
  if (s == "must") return Modality::kMust;
  if (s == "may") return Modality::kMay;
  return Err(ErrorCode::kInvalidArgument, "裁量方式应为 must（应当）或 may（可以）",
             "modality must be must or may", "modality");
}

// Tables of a command that must bump the list's version and updated_seq.
Status TouchList(record::CommandTx& tx, int64_t list_id, int64_t seq) {
  auto r = tx.conn().Exec(
      "UPDATE discretion_lists SET version = version + 1, updated_seq = $1 WHERE id = $2",
      {seq, list_id});
  if (!r) return r.error();
  return core::Ok();
}

}  // namespace

namespace {

Result<std::vector<PenaltyKind>> ParseKinds(const json& j, const std::string& field) {
  std::vector<PenaltyKind> out;
  if (j.is_null()) return out;
  if (!j.is_array()) {
    return Err(ErrorCode::kWrongType, "处罚种类应为数组", "kinds must be an array", field);
  }
  for (size_t i = 0; i < j.size(); ++i) {
    const std::string f = field + "[" + std::to_string(i) + "]";
    if (!j[i].is_string()) {
      return Err(ErrorCode::kWrongType, "处罚种类应为字符串", "a penalty kind is a string", f);
    }
    auto k = catalogue::ParsePenaltyKind(j[i].get<std::string>());
    if (!k) {
      return Err(ErrorCode::kInvalidArgument, "未知的处罚种类「" + j[i].get<std::string>() + "」",
                 "unknown penalty kind \"" + j[i].get<std::string>() + "\"", f);
    }
    out.push_back(*k);
  }
  return out;
}

}  // namespace

Result<std::vector<PenaltyKind>> ParsePenaltyKinds(const json& j, const std::string& field) {
  return ParseKinds(j, field);
}

Result<DemoData> LoadDemoData() {
  auto text = core::FindEmbedded(embed::data(), "discretion-demo.json");
  if (!text) {
    return Err(ErrorCode::kInternal, "缺少内置数据 discretion-demo.json",
               "embedded data discretion-demo.json is missing");
  }
  json j = json::parse(*text, nullptr, false);
  if (j.is_discarded()) {
    return Err(ErrorCode::kInternal, "discretion-demo.json 不是有效的 JSON",
               "discretion-demo.json is not valid JSON");
  }
  DemoData out;
  auto from = core::ParseDate(j.value("effective_from", std::string()), "effective_from");
  if (!from) return from.error();
  out.effective_from = *from;
  for (const auto& l : j["lists"]) {
    DemoList dl;
    dl.unit_name = l.value("unit", std::string());
    dl.kind_id = l.value("kind", std::string());
    for (const auto& e : l["entries"]) {
      EntryInput in;
      in.matter_code = e.value("matter_code", std::string());
      in.condition = e.value("condition", json(nullptr));
      in.modality = e.value("modality", std::string());
      in.law = e.value("law", std::string());
      in.article = e.value("article", std::string());
      in.wording = e.value("wording", std::string());
      dl.entries.push_back(std::move(in));
    }
    out.lists.push_back(std::move(dl));
  }
  return out;
}

// ---- Lists -------------------------------------------------------------------------------------

Status ListsService::CheckScope(Conn& c, const org::Principal& p, int64_t unit_id) {
  Params params{unit_id};
  std::string pred = org::ScopePredicate(p.scope, "u.id", "", params);
  auto r = c.Query("SELECT u.id FROM units u WHERE u.id = $1 AND " + pred, params);
  if (!r) return r.error();
  if (r->rows.empty()) return NotFound("单位", "unit", "unit_id");
  return core::Ok();
}

Result<int64_t> ListsService::ListUnit(Conn& c, const org::Principal& p, int64_t list_id) {
  auto r = c.Query("SELECT unit_id FROM discretion_lists WHERE id = $1", {list_id});
  if (!r) return r.error();
  if (r->rows.empty()) return NotFound("清单", "list", "id");
  const int64_t unit = r->rows[0].Int(0);
  auto st = CheckScope(c, p, unit);
  if (!st) return NotFound("清单", "list", "id");  // outside scope: 404, not 403
  return unit;
}

Status ListsService::CheckEntry(const EntryInput& in, core::Date today) {
  ZHIFA_TRY(CheckCode(in.matter_code, "matter_code"));
  auto c = CompileCondition(in.condition, "condition");
  if (!c) return c.error();
  if (auto m = ParseModality(in.modality); !m) return m.error();
  ZHIFA_TRY(CheckText(in.law, 1, 200, "law", "法律依据"));
  ZHIFA_TRY(CheckText(in.article, 1, 100, "article", "条款"));
  ZHIFA_TRY(CheckText(in.wording, 1, 2000, "wording", "清单表述"));
  if (in.ordinal && (*in.ordinal < 0 || *in.ordinal > 100000)) {
    return Err(ErrorCode::kInvalidArgument, "序号应在 0–100000 之间",
               "ordinal must be between 0 and 100000", "ordinal");
  }
  if (matters_) {
    auto m = matters_->MatterRulesAt(in.matter_code, today);
    if (!m) {
      return Err(ErrorCode::kNotFound, "事项编码 " + in.matter_code + " 在执法事项目录中不存在",
                 "matter " + in.matter_code + " is not in the catalogue", "matter_code");
    }
  }
  return core::Ok();
}

Result<json> ListsService::Kinds() {
  json items = json::array();
  auto st = db_.Read([&](Conn& c) -> Status {
    auto r = c.Query(
        "SELECT id, name_zh, name_en, effect, builtin FROM discretion_list_kinds "
        "ORDER BY sort_order, id");
    if (!r) return r.error();
    for (const auto& row : r->rows) items.push_back(KindJson(row));
    return core::Ok();
  });
  if (!st) return st.error();
  return json{{"items", items}};
}

Result<json> ListsService::AddKind(const org::Principal& p, const ListKind& k) {
  bool id_ok = k.id.size() >= 2 && k.id.size() <= 32 && k.id[0] >= 'a' && k.id[0] <= 'z';
  for (char ch : k.id) {
    if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '_')) id_ok = false;
  }
  if (!id_ok) {
    return Err(ErrorCode::kInvalidArgument, "清单种类标识应为 2–32 位小写字母、数字或下划线",
               "the kind id must be 2–32 of a-z, 0-9, _ starting with a letter", "id");
  }
  ZHIFA_TRY(CheckText(k.name_zh, 1, 50, "name_zh", "中文名称"));
  ZHIFA_TRY(CheckText(k.name_en, 1, 100, "name_en", "英文名称"));
  if (!p.scope.all) {
    return Err(ErrorCode::kPermissionDenied, "新增清单种类须具有全市范围的数据权限",
               "adding a list kind needs a city-wide data scope", "id");
  }
  json out;
  auto st = bus_.Run(ActorFor(p), [&](record::CommandTx& tx) -> Status {
    auto dup = tx.conn().Query("SELECT id FROM discretion_list_kinds WHERE id = $1", {k.id});
    if (!dup) return dup.error();
    if (!dup->rows.empty()) {
      return Err(ErrorCode::kConflict, "清单种类「" + k.id + "」已存在",
                 "list kind \"" + k.id + "\" exists", "id");
    }
    auto seq = tx.Emit({"discretion.kind_added",
                        "list_kind:" + k.id,
                        {{"id", k.id},
                         {"name_zh", k.name_zh},
                         {"name_en", k.name_en},
                         {"effect", ListEffectId(k.effect)}},
                        std::nullopt});
    if (!seq) return seq.error();
    auto ins = tx.conn().Exec(
        "INSERT INTO discretion_list_kinds (id, name_zh, name_en, effect, builtin, sort_order, "
        "created_seq) VALUES ($1, $2, $3, $4, 0, 100, $5)",
        {k.id, k.name_zh, k.name_en, std::string(ListEffectId(k.effect)), *seq});
    if (!ins) return ins.error();
    out = {{"id", k.id},
           {"name_zh", k.name_zh},
           {"name_en", k.name_en},
           {"effect", ListEffectId(k.effect)},
           {"builtin", false}};
    return core::Ok();
  });
  if (!st) return st.error();
  return out;
}

Result<json> ListsService::Lists(std::optional<int64_t> unit_id, const std::string& kind) {
  json items = json::array();
  auto st = db_.Read([&](Conn& c) -> Status {
    std::string sql = std::string(kListSelect) + " WHERE 1 = 1";
    Params params;
    if (unit_id) {
      params.emplace_back(*unit_id);
      sql += " AND l.unit_id = $" + std::to_string(params.size());
    }
    store::AndIf(sql, params, kind, "l.kind_id =");
    sql += " ORDER BY u.name, k.sort_order, l.id";
    auto r = c.Query(sql, params);
    if (!r) return r.error();
    for (const auto& row : r->rows) {
      json l = ListJson(row);
      auto v = c.Query(
          "SELECT number, effective_from FROM discretion_list_versions WHERE list_id = $1 AND "
          "status = 'published' ORDER BY number DESC LIMIT 1",
          {row.Int(0)});
      if (!v) return v.error();
      l["published_number"] = v->rows.empty() ? json(nullptr) : json(v->rows[0].Int(0));
      l["published_from"] = v->rows.empty() ? json(nullptr) : json(v->rows[0].Text(1));
      items.push_back(std::move(l));
    }
    return core::Ok();
  });
  if (!st) return st.error();
  return json{{"items", items}};
}

Result<json> ListsService::Get(const org::Principal& p, int64_t list_id) {
  json out;
  auto st = db_.Read([&](Conn& c) -> Status {
    auto r = c.Query(std::string(kListSelect) + " WHERE l.id = $1", {list_id});
    if (!r) return r.error();
    if (r->rows.empty()) return NotFound("清单", "list", "id");
    out = ListJson(r->rows[0]);
    auto v = c.Query(std::string("SELECT ") + kVersionCols +
                         " FROM discretion_list_versions WHERE list_id = $1 ORDER BY number DESC",
                     {list_id});
    if (!v) return v.error();
    json versions = json::array();
    for (const auto& row : v->rows) {
      json vj = VersionJson(row);
      auto n =
          c.Query("SELECT count(*) FROM discretion_entries WHERE version_id = $1", {row.Int(0)});
      if (!n) return n.error();
      vj["entries"] = n->rows[0].Int(0);
      versions.push_back(std::move(vj));
    }
    out["versions"] = versions;
    out["can_edit"] =
        p.Has(org::Permission::kListsWrite) && CheckScope(c, p, out["unit_id"].get<int64_t>()).ok();
    return core::Ok();
  });
  if (!st) return st.error();
  return out;
}

Result<json> ListsService::GetVersion(int64_t list_id, int64_t version_id) {
  json out;
  auto st = db_.Read([&](Conn& c) -> Status {
    auto v = c.Query(std::string("SELECT ") + kVersionCols +
                         " FROM discretion_list_versions WHERE id = $1 AND list_id = $2",
                     {version_id, list_id});
    if (!v) return v.error();
    if (v->rows.empty()) return NotFound("清单版本", "list version", "version_id");
    out = VersionJson(v->rows[0]);
    auto e = c.Query(std::string("SELECT ") + kEntryCols +
                         " FROM discretion_entries WHERE version_id = $1 ORDER BY ordinal, id",
                     {version_id});
    if (!e) return e.error();
    json items = json::array();
    for (const auto& row : e->rows) items.push_back(EntryJson(row));
    out["entries"] = items;
    return core::Ok();
  });
  if (!st) return st.error();
  return out;
}

Result<json> ListsService::Create(const org::Principal& p, int64_t unit_id,
                                  const std::string& kind_id, const std::string& title) {
  ZHIFA_TRY(CheckText(title, 1, 100, "title", "清单名称"));
  json out;
  auto st = bus_.Run(ActorFor(p), [&](record::CommandTx& tx) -> Status {
    Conn& c = tx.conn();
    ZHIFA_TRY(CheckScope(c, p, unit_id));
    auto k = c.Query("SELECT id FROM discretion_list_kinds WHERE id = $1", {kind_id});
    if (!k) return k.error();
    if (k->rows.empty()) return NotFound("清单种类「" + kind_id + "」", "list kind", "kind_id");
    auto dup = c.Query("SELECT id FROM discretion_lists WHERE unit_id = $1 AND kind_id = $2",
                       {unit_id, kind_id});
    if (!dup) return dup.error();
    if (!dup->rows.empty()) {
      return Err(ErrorCode::kConflict, "该单位已有此种类的清单",
                 "the unit already has a list of "
                 "this kind",
                 "kind_id");
    }
    auto id = tx.NewId();
    if (!id) return id.error();
    auto vid = tx.NewId();
    if (!vid) return vid.error();
    auto seq = tx.Emit({"discretion.list_created",
                        "list:" + std::to_string(*id),
                        {{"unit_id", unit_id}, {"kind_id", kind_id}, {"title", title}},
                        unit_id});
    if (!seq) return seq.error();
    auto ins = c.Exec(
        "INSERT INTO discretion_lists (id, unit_id, kind_id, title, version, created_seq, "
        "updated_seq) VALUES ($1, $2, $3, $4, 1, $5, $5)",
        {*id, unit_id, kind_id, title, *seq});
    if (!ins) return ins.error();
    auto v = c.Exec(
        "INSERT INTO discretion_list_versions (id, list_id, number, status, note, created_seq) "
        "VALUES ($1, $2, 1, 'draft', '', $3)",
        {*vid, *id, *seq});
    if (!v) return v.error();
    out = {{"id", *id},
           {"unit_id", unit_id},
           {"kind_id", kind_id},
           {"title", title},
           {"draft_version_id", *vid}};
    return core::Ok();
  });
  if (!st) return st.error();
  return out;
}

Result<json> ListsService::NewDraft(const org::Principal& p, int64_t list_id) {
  json out;
  auto st = bus_.Run(ActorFor(p), [&](record::CommandTx& tx) -> Status {
    Conn& c = tx.conn();
    auto unit = ListUnit(c, p, list_id);
    if (!unit) return unit.error();
    auto draft =
        c.Query("SELECT id FROM discretion_list_versions WHERE list_id = $1 AND status = 'draft'",
                {list_id});
    if (!draft) return draft.error();
    if (!draft->rows.empty()) {
      return Err(ErrorCode::kConflict, "已有未发布的草稿版本", "a draft version already exists",
                 "id");
    }
    auto last = c.Query(
        "SELECT id, number FROM discretion_list_versions WHERE list_id = $1 ORDER BY number DESC "
        "LIMIT 1",
        {list_id});
    if (!last) return last.error();
    const int64_t from_id = last->rows.empty() ? 0 : last->rows[0].Int(0);
    const int64_t number = last->rows.empty() ? 1 : last->rows[0].Int(1) + 1;
    auto vid = tx.NewId();
    if (!vid) return vid.error();
    auto seq = tx.Emit({"discretion.draft_opened",
                        "list:" + std::to_string(list_id),
                        {{"version_id", *vid}, {"number", number}, {"copied_from", from_id}},
                        *unit});
    if (!seq) return seq.error();
    auto v = c.Exec(
        "INSERT INTO discretion_list_versions (id, list_id, number, status, note, created_seq) "
        "VALUES ($1, $2, $3, 'draft', '', $4)",
        {*vid, list_id, number, *seq});
    if (!v) return v.error();
    if (from_id) {
      auto e = c.Query(std::string("SELECT ") + kEntryCols +
                           " FROM discretion_entries WHERE version_id = $1 ORDER BY ordinal, id",
                       {from_id});
      if (!e) return e.error();
      for (const auto& row : e->rows) {
        auto eid = tx.NewId();
        if (!eid) return eid.error();
        auto ins = c.Exec(
            "INSERT INTO discretion_entries (id, version_id, matter_code, condition_json, "
            "modality, law, article, wording, ordinal, updated_seq) VALUES ($1, $2, $3, $4, $5, "
            "$6, $7, $8, $9, $10)",
            {*eid, *vid, row.Text(2), row.Text(3), row.Text(4), row.Text(5), row.Text(6),
             row.Text(7), row.Int(8), *seq});
        if (!ins) return ins.error();
      }
    }
    ZHIFA_TRY(TouchList(tx, list_id, *seq));
    out = {{"list_id", list_id}, {"version_id", *vid}, {"number", number}};
    return core::Ok();
  });
  if (!st) return st.error();
  return out;
}

namespace {

// The draft version `version_id` of `list_id`, or an error naming the field.
Status CheckDraft(Conn& c, int64_t list_id, int64_t version_id) {
  auto v = c.Query("SELECT status FROM discretion_list_versions WHERE id = $1 AND list_id = $2",
                   {version_id, list_id});
  if (!v) return v.error();
  if (v->rows.empty()) return NotFound("清单版本", "list version", "version_id");
  if (v->rows[0].Text(0) != "draft") {
    return Err(ErrorCode::kConflict, "已发布的版本不能修改；请先新建草稿版本",
               "a published version cannot be changed; open a draft first", "version_id");
  }
  return core::Ok();
}

json EntryPayload(const EntryInput& in) {
  return {{"matter_code", in.matter_code}, {"condition", in.condition},
          {"modality", in.modality},       {"law", in.law},
          {"article", in.article},         {"wording", in.wording}};
}

}  // namespace

Result<json> ListsService::AddEntry(const org::Principal& p, int64_t list_id, int64_t version_id,
                                    const EntryInput& in) {
  ZHIFA_TRY(CheckEntry(in, Today()));
  json out;
  auto st = bus_.Run(ActorFor(p), [&](record::CommandTx& tx) -> Status {
    Conn& c = tx.conn();
    auto unit = ListUnit(c, p, list_id);
    if (!unit) return unit.error();
    ZHIFA_TRY(CheckDraft(c, list_id, version_id));
    int64_t ordinal = 0;
    if (in.ordinal) {
      ordinal = *in.ordinal;
    } else {
      auto mx =
          c.Query("SELECT COALESCE(MAX(ordinal), 0) FROM discretion_entries WHERE version_id = $1",
                  {version_id});
      if (!mx) return mx.error();
      ordinal = mx->rows[0].Int(0) + 1;
    }
    auto eid = tx.NewId();
    if (!eid) return eid.error();
    json payload = EntryPayload(in);
    payload["version_id"] = version_id;
    payload["entry_id"] = *eid;
    auto seq =
        tx.Emit({"discretion.entry_added", "list:" + std::to_string(list_id), payload, *unit});
    if (!seq) return seq.error();
    const std::string cond = in.condition.is_null() ? std::string() : in.condition.dump();
    auto ins = c.Exec(
        "INSERT INTO discretion_entries (id, version_id, matter_code, condition_json, modality, "
        "law, article, wording, ordinal, updated_seq) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, "
        "$9, $10)",
        {*eid, version_id, in.matter_code, cond, in.modality, in.law, in.article, in.wording,
         ordinal, *seq});
    if (!ins) return ins.error();
    ZHIFA_TRY(TouchList(tx, list_id, *seq));
    out = {{"id", *eid},
           {"version_id", version_id},
           {"matter_code", in.matter_code},
           {"condition", in.condition},
           {"modality", in.modality},
           {"law", in.law},
           {"article", in.article},
           {"wording", in.wording},
           {"ordinal", ordinal}};
    return core::Ok();
  });
  if (!st) return st.error();
  return out;
}

Result<json> ListsService::UpdateEntry(const org::Principal& p, int64_t list_id, int64_t entry_id,
                                       const EntryInput& in) {
  ZHIFA_TRY(CheckEntry(in, Today()));
  json out;
  auto st = bus_.Run(ActorFor(p), [&](record::CommandTx& tx) -> Status {
    Conn& c = tx.conn();
    auto unit = ListUnit(c, p, list_id);
    if (!unit) return unit.error();
    auto cur = c.Query(
        std::string("SELECT ") + kEntryCols + " FROM discretion_entries WHERE id = $1", {entry_id});
    if (!cur) return cur.error();
    if (cur->rows.empty()) return NotFound("清单条目", "list entry", "entry_id");
    const int64_t version_id = cur->rows[0].Int(1);
    ZHIFA_TRY(CheckDraft(c, list_id, version_id));
    json before = EntryJson(cur->rows[0]);
    const int64_t ordinal = in.ordinal.value_or(cur->rows[0].Int(8));
    const std::string cond = in.condition.is_null() ? std::string() : in.condition.dump();
    json after = EntryPayload(in);
    after["ordinal"] = ordinal;
    json changes = json::object();
    for (auto it = after.begin(); it != after.end(); ++it) {
      if (before[it.key()] != it.value()) {
        changes[it.key()] = {{"from", before[it.key()]}, {"to", it.value()}};
      }
    }
    after["id"] = entry_id;
    after["version_id"] = version_id;
    out = after;
    if (changes.empty()) {
      tx.NoChange();
      return core::Ok();
    }
    changes["entry_id"] = entry_id;
    auto seq =
        tx.Emit({"discretion.entry_updated", "list:" + std::to_string(list_id), changes, *unit});
    if (!seq) return seq.error();
    auto up = c.Exec(
        "UPDATE discretion_entries SET matter_code = $1, condition_json = $2, modality = $3, "
        "law = $4, article = $5, wording = $6, ordinal = $7, updated_seq = $8 WHERE id = $9",
        {in.matter_code, cond, in.modality, in.law, in.article, in.wording, ordinal, *seq,
         entry_id});
    if (!up) return up.error();
    ZHIFA_TRY(TouchList(tx, list_id, *seq));
    return core::Ok();
  });
  if (!st) return st.error();
  return out;
}

Status ListsService::RemoveEntry(const org::Principal& p, int64_t list_id, int64_t entry_id) {
  return bus_.Run(ActorFor(p), [&](record::CommandTx& tx) -> Status {
    Conn& c = tx.conn();
    auto unit = ListUnit(c, p, list_id);
    if (!unit) return unit.error();
    auto cur = c.Query(
        std::string("SELECT ") + kEntryCols + " FROM discretion_entries WHERE id = $1", {entry_id});
    if (!cur) return cur.error();
    if (cur->rows.empty()) return NotFound("清单条目", "list entry", "entry_id");
    ZHIFA_TRY(CheckDraft(c, list_id, cur->rows[0].Int(1)));
    auto seq = tx.Emit({"discretion.entry_removed",
                        "list:" + std::to_string(list_id),
                        {{"entry_id", entry_id}, {"entry", EntryJson(cur->rows[0])}},
                        *unit});
    if (!seq) return seq.error();
    auto del = c.Exec("DELETE FROM discretion_entries WHERE id = $1", {entry_id});
    if (!del) return del.error();
    return TouchList(tx, list_id, *seq);
  });
}

Result<json> ListsService::Publish(const org::Principal& p, int64_t list_id, int64_t version_id,
                                   core::Date effective_from, const std::string& note) {
  ZHIFA_TRY(CheckText(note, 0, 500, "note", "说明"));
  json out;
  auto st = bus_.Run(ActorFor(p), [&](record::CommandTx& tx) -> Status {
    Conn& c = tx.conn();
    auto unit = ListUnit(c, p, list_id);
    if (!unit) return unit.error();
    ZHIFA_TRY(CheckDraft(c, list_id, version_id));
    const std::string from = core::FormatDate(effective_from);
    auto prev = c.Query(
        "SELECT id, effective_from FROM discretion_list_versions WHERE list_id = $1 AND status = "
        "'published' AND effective_to IS NULL",
        {list_id});
    if (!prev) return prev.error();
    if (!prev->rows.empty() && !(prev->rows[0].Text(1) < from)) {
      return Err(ErrorCode::kInvalidArgument,
                 "生效日期应晚于上一版本的生效日期 " + prev->rows[0].Text(1),
                 "effective_from must be after the previous version's " + prev->rows[0].Text(1),
                 "effective_from");
    }
    auto n = c.Query("SELECT count(*) FROM discretion_entries WHERE version_id = $1", {version_id});
    if (!n) return n.error();
    json payload = {{"version_id", version_id},
                    {"effective_from", from},
                    {"entries", n->rows[0].Int(0)},
                    {"note", note}};
    if (!prev->rows.empty()) payload["closes_version_id"] = prev->rows[0].Int(0);
    auto seq =
        tx.Emit({"discretion.list_published", "list:" + std::to_string(list_id), payload, *unit});
    if (!seq) return seq.error();
    if (!prev->rows.empty()) {
      auto up = c.Exec("UPDATE discretion_list_versions SET effective_to = $1 WHERE id = $2",
                       {from, prev->rows[0].Int(0)});
      if (!up) return up.error();
    }
    auto up = c.Exec(
        "UPDATE discretion_list_versions SET status = 'published', effective_from = $1, note = "
        "$2, published_seq = $3 WHERE id = $4",
        {from, note, *seq, version_id});
    if (!up) return up.error();
    ZHIFA_TRY(TouchList(tx, list_id, *seq));
    out = {{"list_id", list_id},
           {"version_id", version_id},
           {"effective_from", from},
           {"published_seq", *seq}};
    return core::Ok();
  });
  if (!st) return st.error();
  return out;
}

Result<json> ListsService::SetMatterOptions(const org::Principal& p, const std::string& code,
                                            const MatterOptions& o) {
  ZHIFA_TRY(CheckCode(code, "code"));
  ZHIFA_TRY(CheckText(o.fault_basis, o.punish_without_fault ? 1 : 0, 200, "fault_basis",
                      "另有规定的依据"));
  if (!p.scope.all) {
    return Err(ErrorCode::kPermissionDenied, "设置事项裁量选项须具有全市范围的数据权限",
               "setting a matter option needs a city-wide data scope", "code");
  }
  json out = {{"code", code},
              {"punish_without_fault", o.punish_without_fault},
              {"fault_basis", o.fault_basis}};
  auto st = bus_.Run(ActorFor(p), [&](record::CommandTx& tx) -> Status {
    auto cur = tx.conn().Query(
        "SELECT punish_without_fault, fault_basis FROM discretion_matter_options WHERE "
        "matter_code = $1",
        {code});
    if (!cur) return cur.error();
    if (!cur->rows.empty() && (cur->rows[0].Int(0) != 0) == o.punish_without_fault &&
        cur->rows[0].Text(1) == o.fault_basis) {
      tx.NoChange();
      return core::Ok();
    }
    auto seq = tx.Emit({"discretion.matter_options_set", "matter:" + code, out, std::nullopt});
    if (!seq) return seq.error();
    auto del =
        tx.conn().Exec("DELETE FROM discretion_matter_options WHERE matter_code = $1", {code});
    if (!del) return del.error();
    auto ins = tx.conn().Exec(
        "INSERT INTO discretion_matter_options (matter_code, punish_without_fault, fault_basis, "
        "updated_seq) VALUES ($1, $2, $3, $4)",
        {code, int64_t{o.punish_without_fault ? 1 : 0}, o.fault_basis, *seq});
    if (!ins) return ins.error();
    return core::Ok();
  });
  if (!st) return st.error();
  return out;
}

Result<MatterOptions> ListsService::MatterOptionsFor(const std::string& code) {
  MatterOptions o;
  auto st = db_.Read([&](Conn& c) -> Status {
    auto r = c.Query(
        "SELECT punish_without_fault, fault_basis FROM discretion_matter_options WHERE "
        "matter_code = $1",
        {code});
    if (!r) return r.error();
    if (!r->rows.empty()) {
      o.punish_without_fault = r->rows[0].Int(0) != 0;
      o.fault_basis = r->rows[0].Text(1);
    }
    return core::Ok();
  });
  if (!st) return st.error();
  return o;
}

Result<std::vector<ListEntry>> ListsService::EntriesInForce(int64_t unit_id,
                                                            const std::string& matter_code,
                                                            core::Date on) {
  std::vector<ListEntry> out;
  const std::string d = core::FormatDate(on);
  auto st = db_.Read([&](Conn& c) -> Status {
    auto r = c.Query(
        "SELECT e.id, e.matter_code, e.condition_json, e.modality, e.law, e.article, e.wording, "
        "k.id, k.name_zh, k.name_en, k.effect FROM discretion_entries e "
        "JOIN discretion_list_versions v ON v.id = e.version_id "
        "JOIN discretion_lists l ON l.id = v.list_id "
        "JOIN discretion_list_kinds k ON k.id = l.kind_id "
        "WHERE e.matter_code = $1 AND v.status = 'published' AND v.effective_from <= $2 "
        "AND (v.effective_to IS NULL OR $2 < v.effective_to) "
        "AND l.unit_id IN (SELECT ancestor_id FROM unit_closure WHERE descendant_id = $3) "
        "ORDER BY k.sort_order, l.id, e.ordinal, e.id",
        {matter_code, d, unit_id});
    if (!r) return r.error();
    for (const auto& row : r->rows) {
      ListEntry e;
      e.id = row.Int(0);
      e.matter_code = row.Text(1);
      e.condition_json = row.Text(2);
      auto cond = CompileConditionText(e.condition_json, "condition");
      if (!cond) return cond.error();  // stored conditions were checked on write
      e.condition = std::move(*cond);
      e.modality = row.Text(3) == "must" ? Modality::kMust : Modality::kMay;
      e.law = row.Text(4);
      e.article = row.Text(5);
      e.wording = row.Text(6);
      e.kind_id = row.Text(7);
      e.kind_name_zh = row.Text(8);
      e.kind_name_en = row.Text(9);
      e.effect = ParseListEffect(row.Text(10)).value_or(ListEffect::kNoPenalty);
      out.push_back(std::move(e));
    }
    return core::Ok();
  });
  if (!st) return st.error();
  return out;
}

Result<int> ListsService::SeedDemo(const record::Actor& actor, int64_t unit_id,
                                   const std::vector<std::pair<std::string, EntryInput>>& entries,
                                   core::Date from) {
  int written = 0;
  for (const auto& kind : SeedListKinds()) {
    std::vector<const EntryInput*> mine;
    for (const auto& [k, e] : entries) {
      if (k == kind.id) mine.push_back(&e);
    }
    if (mine.empty()) continue;
    for (const auto* e : mine) ZHIFA_TRY(CheckEntry(*e, Today()));
    auto st = bus_.Run(actor, [&](record::CommandTx& tx) -> Status {
      Conn& c = tx.conn();
      auto dup = c.Query("SELECT id FROM discretion_lists WHERE unit_id = $1 AND kind_id = $2",
                         {unit_id, kind.id});
      if (!dup) return dup.error();
      if (!dup->rows.empty()) {
        tx.NoChange();
        return core::Ok();
      }
      auto id = tx.NewId();
      if (!id) return id.error();
      auto vid = tx.NewId();
      if (!vid) return vid.error();
      auto seq = tx.Emit({"discretion.list_created",
                          "list:" + std::to_string(*id),
                          {{"unit_id", unit_id},
                           {"kind_id", kind.id},
                           {"title", kind.name_zh},
                           {"demo", true},
                           {"entries", mine.size()},
                           {"effective_from", core::FormatDate(from)}},
                          unit_id});
      if (!seq) return seq.error();
      auto ins = c.Exec(
          "INSERT INTO discretion_lists (id, unit_id, kind_id, title, version, created_seq, "
          "updated_seq) VALUES ($1, $2, $3, $4, 1, $5, $5)",
          {*id, unit_id, kind.id, kind.name_zh, *seq});
      if (!ins) return ins.error();
      auto v = c.Exec(
          "INSERT INTO discretion_list_versions (id, list_id, number, status, effective_from, "
          "note, created_seq, published_seq) VALUES ($1, $2, 1, 'published', $3, $4, $5, $5)",
          {*vid, *id, core::FormatDate(from), std::string("演示数据 demo data"), *seq});
      if (!v) return v.error();
      int64_t ordinal = 0;
      for (const auto* e : mine) {
        auto eid = tx.NewId();
        if (!eid) return eid.error();
        auto ei = c.Exec(
            "INSERT INTO discretion_entries (id, version_id, matter_code, condition_json, "
            "modality, law, article, wording, ordinal, updated_seq) VALUES ($1, $2, $3, $4, $5, "
            "$6, $7, $8, $9, $10)",
            {*eid, *vid, e->matter_code,
             e->condition.is_null() ? std::string() : e->condition.dump(), e->modality, e->law,
             e->article, e->wording, ++ordinal, *seq});
        if (!ei) return ei.error();
        ++written;
      }
      return core::Ok();
    });
    if (!st) return st.error();
  }
  return written;
}

// ---- Evaluation --------------------------------------------------------------------------------

Result<json> DiscretionService::Run(const org::Principal& p, const Request& r) {
  ZHIFA_TRY(CheckCode(r.matter_code, "matter_code"));
  auto facts = ParseFacts(r.facts, "facts.");
  if (!facts) return facts.error();
  // 行政处罚法 第37条: the rules in force when the act occurred (unless `on` is given).
  const core::Date on = r.on ? *r.on : core::CivilFromDays(facts->get(FactId::kActDate));
  auto rules = matters_->MatterRulesAt(r.matter_code, on);
  if (!rules) {
    Error e = rules.error();
    e.field = "matter_code";
    return e;
  }
  auto options = lists_.MatterOptionsFor(r.matter_code);
  if (!options) return options.error();
  auto compiled = CompileMatter(std::move(*rules), *options);
  if (!compiled) return compiled.error();
  const int64_t unit = r.unit_id.value_or(p.unit_id);
  auto entries = lists_.EntriesInForce(unit, r.matter_code, on);
  if (!entries) return entries.error();
  std::vector<const ListEntry*> ptrs;
  ptrs.reserve(entries->size());
  for (const auto& e : *entries) ptrs.push_back(&e);
  Outcome o = Evaluate(*compiled, ptrs, *facts, params_);
  const auto& m = compiled->rules;
  json tiers = json::array();
  for (const auto& t : m.tiers) {
    tiers.push_back({{"name", t.name},
                     {"band", t.band ? json(catalogue::BandId(*t.band)) : json(nullptr)},
                     {"conditions_text", t.conditions_text},
                     {"standard_text", t.standard_text}});
  }
  json out = {{"matter",
               {{"code", m.code},
                {"name", m.name},
                {"penalty_provision", m.penalty_provision},
                {"violated_provision", m.violated_provision},
                {"range_text", m.range.text},
                {"sample", m.sample},
                {"tiers", tiers}}},
              {"on", core::FormatDate(on)},
              {"unit_id", unit},
              {"facts", facts->ToJson()},
              {"params",
               {{"lighter_permille", params_.lighter_permille},
                {"heavier_permille", params_.heavier_permille},
                {"narrow_within_tier", params_.narrow_within_tier},
                {"first_violation_lookback_days", params_.first_violation_lookback_days}}},
              {"outcome", o.ToJson()}};
  if (r.proposal) {
    json problems = json::array();
    for (const auto& pr : Check(o, *r.proposal)) problems.push_back(pr.ToJson());
    out["ok"] = problems.empty();
    out["problems"] = problems;
  }
  return out;
}

}  // namespace zhifa::discretion
