#include "catalogue/catalogue_routes.h"

#include <cstdio>

#include "catalogue/catalogue_rules.h"
#include "core/utf8.h"
#include "http/json_body.h"

namespace zhifa::catalogue {

using core::Err;
using core::ErrorCode;
using http::Ctx;
using http::FieldType;
using http::Opt;
using http::QueryDate;
using http::Response;
using nlohmann::json;

namespace {

core::Result<MatterRules> RulesFromBody(const json& body, bool need_code) {
  MatterRules m;
  if (need_code) {
    m.code = body.value("code", "");
    ZHIFA_TRY(CheckMatterCode(m.code));
  }
  m.name = body.value("name", "");
  std::string type = body.value("type", "penalty");
  auto t = ParseMatterType(type);
  if (!t) {
    return Err(ErrorCode::kInvalidArgument, "事项类别无效：" + type, "unknown matter type: " + type,
               "type");
  }
  m.type = *t;
  std::string domain = body.value("domain", "other");
  auto d = ParseDomain(domain);
  if (!d) {
    return Err(ErrorCode::kInvalidArgument, "重点领域无效：" + domain, "unknown domain: " + domain,
               "domain");
  }
  m.domain = *d;
  m.violated_provision = body.value("violated_provision", "");
  m.penalty_provision = body.value("penalty_provision", "");
  m.range.text = body.value("range_text", "");
  m.major_review = body.value("major_review", false);
  m.transfer_threshold = body.value("transfer_threshold", "");
  m.sample = body.value("sample", false);
  auto from = core::ParseDate(body.value("effective_from", ""), "effective_from");
  if (!from) return from.error();
  m.effective_from = *from;
  if (body.contains("tiers")) {
    const json& tiers = body["tiers"];
    for (size_t i = 0; i < tiers.size(); ++i) {
      const json& x = tiers[i];
      std::string prefix = "tiers[" + std::to_string(i) + "].";
      if (!x.is_object()) {
        return Err(ErrorCode::kWrongType, "裁量阶次必须是对象", "a tier must be an object",
                   "tiers[" + std::to_string(i) + "]");
      }
      auto st = http::CheckFields(x, {{"name", FieldType::kString, true},
                                      {"conditions_text", FieldType::kString, false},
                                      {"condition_json", FieldType::kString, false},
                                      {"standard_text", FieldType::kString, true},
                                      {"source", FieldType::kString, false},
                                      {"note", FieldType::kString, false},
                                      {"band", FieldType::kString, false}});
      if (!st) {
        core::Error e = st.error();
        e.field = prefix + e.field;
        return e;
      }
      Tier tier;
      tier.name = x["name"].get<std::string>();
      tier.standard_text = x["standard_text"].get<std::string>();
      tier.conditions_text = http::OptString(x, "conditions_text").value_or("");
      tier.condition_json = http::OptString(x, "condition_json").value_or("");
      tier.source = http::OptString(x, "source").value_or("");
      tier.note = http::OptString(x, "note").value_or("");
      if (auto b = http::OptString(x, "band")) {
        auto band = ParseBand(*b);
        if (!band) {
          return Err(ErrorCode::kInvalidArgument, "裁量档次无效：" + *b, "unknown band: " + *b,
                     prefix + "band");
        }
        tier.band = band;
      }
      if (!tier.condition_json.empty() && !json::accept(tier.condition_json)) {
        return Err(ErrorCode::kMalformedJson, "机读条件不是有效的 JSON",
                   "condition_json is not valid JSON", prefix + "condition_json");
      }
      m.tiers.push_back(std::move(tier));
    }
  }
  return m;
}

// Parses a matter body: the top-level fields strictly, then each tier.
core::Result<json> MatterBody(const http::Request& req, bool create) {
  auto obj = http::ParseJsonObject(req);
  if (!obj) return obj.error();
  json top = *obj;
  json tiers = json::array();
  if (top.contains("tiers")) {
    if (!top["tiers"].is_array()) {
      return Err(ErrorCode::kWrongType, "tiers 必须是数组", "tiers must be an array", "tiers");
    }
    tiers = top["tiers"];
    top.erase("tiers");
  }
  core::Status st;
  if (create) {
    st = http::CheckFields(top, {{"code", FieldType::kString, true},
                                 {"name", FieldType::kString, true},
                                 {"type", FieldType::kString, true},
                                 {"domain", FieldType::kString, false},
                                 {"violated_provision", FieldType::kString, false},
                                 {"penalty_provision", FieldType::kString, false},
                                 {"range_text", FieldType::kString, false},
                                 {"major_review", FieldType::kBool, false},
                                 {"transfer_threshold", FieldType::kString, false},
                                 {"effective_from", FieldType::kString, true},
                                 {"holder_unit_ids", FieldType::kIntArray, true},
                                 {"sample", FieldType::kBool, false}});
  } else {
    st = http::CheckFields(top, {{"version", FieldType::kInt, true},
                                 {"name", FieldType::kString, true},
                                 {"type", FieldType::kString, true},
                                 {"domain", FieldType::kString, false},
                                 {"violated_provision", FieldType::kString, false},
                                 {"penalty_provision", FieldType::kString, false},
                                 {"range_text", FieldType::kString, false},
                                 {"major_review", FieldType::kBool, false},
                                 {"transfer_threshold", FieldType::kString, false},
                                 {"effective_from", FieldType::kString, true},
                                 {"sample", FieldType::kBool, false}});
  }
  if (!st) return st.error();
  top["tiers"] = tiers;
  return top;
}

core::Result<FileFormat> FormatOf(std::string_view content_type, std::string_view filename) {
  std::string ct(content_type.substr(0, content_type.find(';')));
  for (auto& c : ct) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  while (!ct.empty() && ct.back() == ' ') ct.pop_back();
  auto ends = [&](std::string_view ext) {
    return filename.size() >= ext.size() &&
           std::equal(ext.rbegin(), ext.rend(), filename.rbegin(), [](char a, char b) {
             return a == std::tolower(static_cast<unsigned char>(b));
           });
  };
  if (ct == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet") {
    return FileFormat::kXlsx;
  }
  if (ct == "text/csv") return FileFormat::kCsv;
  if (ct.empty() || ct == "application/octet-stream") {
    if (ends(".xlsx")) return FileFormat::kXlsx;
    if (ends(".csv")) return FileFormat::kCsv;
  }
  return Err(
      ErrorCode::kUnsupportedMediaType,
      "只能导入 xlsx 或 csv 文件（收到 " + (ct.empty() ? std::string("未知类型") : ct) + "）",
      "only xlsx or csv files can be imported (got " + (ct.empty() ? std::string("no type") : ct) +
          ")",
      "file");
}

std::string HeaderParam(std::string_view header, std::string_view name) {
  // name="value" or name=value, case-insensitive name.
  size_t i = 0;
  while (i < header.size()) {
    size_t semi = header.find(';', i);
    std::string_view part =
        header.substr(i, semi == std::string_view::npos ? std::string_view::npos : semi - i);
    while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
    auto eq = part.find('=');
    if (eq != std::string_view::npos) {
      std::string key(part.substr(0, eq));
      for (auto& c : key) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      if (key == name) {
        std::string_view v = part.substr(eq + 1);
        if (v.size() >= 2 && v.front() == '"' && v.back() == '"') v = v.substr(1, v.size() - 2);
        return std::string(v);
      }
    }
    if (semi == std::string_view::npos) break;
    i = semi + 1;
  }
  return {};
}

}  // namespace

core::Result<Upload> ReadUpload(const http::Request& req) {
  std::string ct = req.Header("content-type").value_or("");
  std::string lower = ct;
  for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  Upload up;
  if (lower.rfind("multipart/form-data", 0) == 0) {
    std::string boundary = HeaderParam(ct, "boundary");
    auto bad = [](const std::string& zh, const std::string& en) {
      return Err(ErrorCode::kInvalidArgument, zh, en, "file");
    };
    if (boundary.empty() || boundary.size() > 200) {
      return bad("multipart 请求缺少 boundary", "the multipart body has no boundary");
    }
    std::string delim = "--" + boundary;
    const std::string& b = req.body;
    size_t pos = b.find(delim);
    while (pos != std::string::npos) {
      size_t start = pos + delim.size();
      if (b.compare(start, 2, "--") == 0) break;  // closing delimiter
      if (b.compare(start, 2, "\r\n") != 0) return bad("multipart 格式错误", "malformed multipart");
      start += 2;
      size_t head_end = b.find("\r\n\r\n", start);
      if (head_end == std::string::npos) return bad("multipart 格式错误", "malformed multipart");
      std::string head = b.substr(start, head_end - start);
      size_t body_start = head_end + 4;
      size_t next = b.find("\r\n" + delim, body_start);
      if (next == std::string::npos) {
        return bad("multipart 请求体不完整", "the multipart body is truncated");
      }
      std::string disposition, part_type;
      size_t ls = 0;
      while (ls < head.size()) {
        size_t le = head.find("\r\n", ls);
        std::string line = head.substr(ls, le == std::string::npos ? std::string::npos : le - ls);
        auto colon = line.find(':');
        if (colon != std::string::npos) {
          std::string key = line.substr(0, colon);
          for (auto& c : key) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
          std::string val = line.substr(colon + 1);
          while (!val.empty() && val.front() == ' ') val.erase(0, 1);
          if (key == "content-disposition") disposition = val;
          if (key == "content-type") part_type = val;
        }
        if (le == std::string::npos) break;
        ls = le + 2;
      }
      std::string filename = HeaderParam(disposition, "filename");
      if (!filename.empty() || HeaderParam(disposition, "name") == "file") {
        auto f = FormatOf(part_type, filename);
        if (!f) return f.error();
        up.format = *f;
        up.bytes = b.substr(body_start, next - body_start);
        if (up.bytes.empty()) return bad("上传的文件是空的", "the uploaded file is empty");
        return up;
      }
      pos = next + 2;
    }
    return bad("multipart 请求中没有文件", "the multipart body has no file part");
  }
  auto f = FormatOf(ct, "");
  if (!f) return f.error();
  up.format = *f;
  up.bytes = req.body;
  if (up.bytes.empty()) {
    return Err(ErrorCode::kInvalidArgument, "上传的文件是空的", "the uploaded file is empty",
               "file");
  }
  return up;
}

std::string AttachmentHeader(std::string_view name, std::string_view fallback) {
  std::string enc;
  for (unsigned char c : name) {
    if (std::isalnum(c) || c == '.' || c == '-' || c == '_') {
      enc += static_cast<char>(c);
    } else {
      char buf[4];
      std::snprintf(buf, sizeof buf, "%%%02X", c);
      enc += buf;
    }
  }
  return "attachment; filename=\"" + std::string(fallback) + "\"; filename*=UTF-8''" + enc;
}

void RegisterCatalogueRoutes(http::Router& router, CatalogueService& cat) {
  router.Add("GET", "/api/v1/catalogue/meta",
             Opt(std::nullopt, "Matter types, key domains, penalty kinds and bands"), [](Ctx&) {
               json types = json::array(), domains = json::array(), kinds = json::array(),
                    bands = json::array();
               for (int i = 0; i <= static_cast<int>(MatterType::kOther); ++i) {
                 auto t = static_cast<MatterType>(i);
                 types.push_back({{"id", MatterTypeId(t)}, {"zh", MatterTypeZh(t)}});
               }
               for (const auto& d : Domains()) {
                 domains.push_back({{"id", d.id}, {"zh", d.zh}, {"en", d.en}});
               }
               for (int i = 0; i <= static_cast<int>(PenaltyKind::kOther); ++i) {
                 auto k = static_cast<PenaltyKind>(i);
                 kinds.push_back({{"id", PenaltyKindId(k)}, {"zh", PenaltyKindZh(k)}});
               }
               for (int i = 0; i <= static_cast<int>(Band::kHeavier); ++i) {
                 auto b = static_cast<Band>(i);
                 bands.push_back({{"id", BandId(b)}, {"zh", BandZh(b)}});
               }
               return Response::Json(200, {{"types", types},
                                           {"domains", domains},
                                           {"penalty_kinds", kinds},
                                           {"bands", bands},
                                           {"tier_columns", TierColumns()},
                                           {"matter_columns", MatterColumns()}});
             });

  router.Add(
      "GET", "/api/v1/catalogue/matters", Opt(std::nullopt, "Enforcement matters"),
      [&cat](Ctx& ctx) {
        auto paging = http::ParsePaging(ctx.req);
        if (!paging) return http::Fail(ctx.req, paging.error());
        MatterQuery q;
        q.page = paging->page;
        q.page_size = paging->page_size;
        q.q = ctx.req.Query("q").value_or("");
        if (core::HasControlChars(q.q) || q.q.size() > 100) {
          return http::Fail(
              ctx.req, Err(ErrorCode::kInvalidArgument, "搜索词不能包含控制字符，且不超过 100 字节",
                           "search text must have no control characters "
                           "and at most 100 bytes",
                           "q"));
        }
        if (auto u = ctx.req.Query("unit_id"); u && !u->empty()) {
          auto id = http::ParseId(*u, "unit_id");
          if (!id) return http::Fail(ctx.req, id.error());
          q.unit_id = *id;
        }
        if (auto t = ctx.req.Query("type"); t && !t->empty()) {
          q.type = ParseMatterType(*t);
          if (!q.type) {
            return http::Fail(ctx.req, Err(ErrorCode::kInvalidArgument, "事项类别无效：" + *t,
                                           "unknown type: " + *t, "type"));
          }
        }
        if (auto d = ctx.req.Query("domain"); d && !d->empty()) {
          auto dm = ParseDomain(*d);
          if (!dm) {
            return http::Fail(ctx.req, Err(ErrorCode::kInvalidArgument, "重点领域无效：" + *d,
                                           "unknown domain: " + *d, "domain"));
          }
          q.domain = *dm;
        }
        auto on = QueryDate(ctx.req, "on");
        if (!on) return http::Fail(ctx.req, on.error());
        q.on = *on;
        auto r = cat.List(ctx.who(), q);
        if (!r) return http::Fail(ctx.req, r.error());
        return Response::Json(200, *r);
      });

  router.Add("GET", "/api/v1/catalogue/matters/{code}",
             Opt(std::nullopt, "A matter: version in force, tiers, versions, holdings"),
             [&cat](Ctx& ctx) {
               std::string code = ctx.req.PathParam("code");
               auto on = QueryDate(ctx.req, "on");
               if (!on) return http::Fail(ctx.req, on.error());
               auto r = cat.Get(ctx.who(), code, *on);
               if (!r) return http::Fail(ctx.req, r.error());
               return Response::Json(200, *r);
             });

  router.Add("POST", "/api/v1/catalogue/matters",
             Opt(org::Permission::kCatalogueWrite, "Create a matter"), [&cat](Ctx& ctx) {
               auto body = MatterBody(ctx.req, true);
               if (!body) return http::Fail(ctx.req, body.error());
               auto rules = RulesFromBody(*body, true);
               if (!rules) return http::Fail(ctx.req, rules.error());
               auto holders = (*body)["holder_unit_ids"].get<std::vector<int64_t>>();
               auto r = cat.Create(ctx.who(), std::move(*rules), holders);
               if (!r) return http::Fail(ctx.req, r.error());
               return Response::Json(201, *r);
             });

  router.Add("POST", "/api/v1/catalogue/matters/{code}/versions",
             Opt(org::Permission::kCatalogueWrite, "Add a version (edit from a date)"),
             [&cat](Ctx& ctx) {
               auto body = MatterBody(ctx.req, false);
               if (!body) return http::Fail(ctx.req, body.error());
               auto rules = RulesFromBody(*body, false);
               if (!rules) return http::Fail(ctx.req, rules.error());
               auto r = cat.AddVersion(ctx.who(), ctx.req.PathParam("code"), std::move(*rules),
                                       (*body)["version"].get<int64_t>());
               if (!r) return http::Fail(ctx.req, r.error());
               return Response::Json(201, *r);
             });

  router.Add("POST", "/api/v1/catalogue/matters/{code}/transfers",
             Opt(org::Permission::kCatalogueWrite, "Transfer a holding to another unit"),
             [&cat](Ctx& ctx) {
               auto body = http::ParseBody(ctx.req, {{"from_unit_id", FieldType::kInt, true},
                                                     {"to_unit_id", FieldType::kInt, true},
                                                     {"effective_from", FieldType::kString, true},
                                                     {"version", FieldType::kInt, true}});
               if (!body) return http::Fail(ctx.req, body.error());
               auto on =
                   core::ParseDate((*body)["effective_from"].get<std::string>(), "effective_from");
               if (!on) return http::Fail(ctx.req, on.error());
               auto r = cat.Transfer(
                   ctx.who(), ctx.req.PathParam("code"), (*body)["from_unit_id"].get<int64_t>(),
                   (*body)["to_unit_id"].get<int64_t>(), *on, (*body)["version"].get<int64_t>());
               if (!r) return http::Fail(ctx.req, r.error());
               return Response::Json(200, *r);
             });

  router.Add(
      "POST", "/api/v1/catalogue/matters/{code}/holders",
      Opt(org::Permission::kCatalogueWrite, "Add a holding unit from a date"), [&cat](Ctx& ctx) {
        auto body = http::ParseBody(ctx.req, {{"unit_id", FieldType::kInt, true},
                                              {"effective_from", FieldType::kString, true},
                                              {"version", FieldType::kInt, true}});
        if (!body) return http::Fail(ctx.req, body.error());
        auto on = core::ParseDate((*body)["effective_from"].get<std::string>(), "effective_from");
        if (!on) return http::Fail(ctx.req, on.error());
        auto r =
            cat.AddHolder(ctx.who(), ctx.req.PathParam("code"), (*body)["unit_id"].get<int64_t>(),
                          *on, (*body)["version"].get<int64_t>());
        if (!r) return http::Fail(ctx.req, r.error());
        return Response::Json(200, *r);
      });

  router.Add("POST", "/api/v1/catalogue/import",
             Opt(org::Permission::kCatalogueWrite, "Import matters and benchmarks (xlsx/csv)"),
             [&cat](Ctx& ctx) {
               auto up = ReadUpload(ctx.req);
               if (!up) return http::Fail(ctx.req, up.error());
               ImportOptions o;
               o.format = up->format;
               auto from = QueryDate(ctx.req, "effective_from");
               if (!from) return http::Fail(ctx.req, from.error());
               o.effective_from = *from;
               std::string dry = ctx.req.Query("dry_run").value_or("false");
               if (dry != "true" && dry != "false") {
                 return http::Fail(ctx.req,
                                   Err(ErrorCode::kInvalidArgument, "dry_run 应为 true 或 false",
                                       "dry_run must be true or false", "dry_run"));
               }
               o.dry_run = dry == "true";
               auto r = cat.Import(ctx.who(), up->bytes, o);
               if (!r) return http::Fail(ctx.req, r.error());
               if (!r->ok) {
                 bool en = ctx.req.PrefersEnglish();
                 std::string n = std::to_string(r->problems.size());
                 Response resp = http::Fail(
                     ctx.req,
                     Err(ErrorCode::kInvalidArgument, "导入文件有 " + n + " 处问题，未导入任何数据",
                         "the file has " + n + " problems; nothing was imported", "file"));
                 json j = json::parse(resp.body);
                 j["problems"] = r->ToJson()["problems"];
                 for (auto& p : j["problems"])
                   p["message"] = en ? p["message_en"] : p["message_zh"];
                 resp.body = j.dump();
                 return resp;
               }
               json out = r->ToJson();
               out["dry_run"] = o.dry_run;
               return Response::Json(200, out);
             });

  router.Add(
      "GET", "/api/v1/catalogue/export", Opt(std::nullopt, "Export the catalogue as xlsx or csv"),
      [&cat](Ctx& ctx) {
        ExportOptions o;
        std::string fmt = ctx.req.Query("format").value_or("xlsx");
        if (fmt == "xlsx") {
          o.format = FileFormat::kXlsx;
        } else if (fmt == "csv") {
          o.format = FileFormat::kCsv;
        } else {
          return http::Fail(ctx.req, Err(ErrorCode::kInvalidArgument, "format 应为 xlsx 或 csv",
                                         "format must be xlsx or csv", "format"));
        }
        std::string sheet = ctx.req.Query("sheet").value_or("tiers");
        if (sheet == "tiers" || sheet == kTierSheet) {
          o.sheet = kTierSheet;
        } else if (sheet == "matters" || sheet == kMatterSheet) {
          o.sheet = kMatterSheet;
        } else {
          return http::Fail(ctx.req, Err(ErrorCode::kInvalidArgument, "sheet 应为 tiers 或 matters",
                                         "sheet must be tiers or matters", "sheet"));
        }
        if (auto u = ctx.req.Query("unit_id"); u && !u->empty()) {
          auto id = http::ParseId(*u, "unit_id");
          if (!id) return http::Fail(ctx.req, id.error());
          o.unit_id = *id;
        }
        auto on = QueryDate(ctx.req, "on");
        if (!on) return http::Fail(ctx.req, on.error());
        o.on = *on;
        auto f = cat.Export(ctx.who(), o);
        if (!f) return http::Fail(ctx.req, f.error());
        Response r = Response::Text(200, std::move(f->bytes), f->content_type);
        std::string ext = o.format == FileFormat::kXlsx ? ".xlsx" : ".csv";
        r.headers.emplace_back("Content-Disposition",
                               AttachmentHeader(f->filename, "catalogue" + ext));
        r.headers.emplace_back("Cache-Control", "no-store");
        return r;
      });
}

}  // namespace zhifa::catalogue
