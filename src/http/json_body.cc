#include "http/json_body.h"

#include <cctype>
#include <charconv>

#include "core/utf8.h"

namespace zhifa::http {

using core::Err;
using core::ErrorCode;

core::Result<nlohmann::json> ParseJsonObject(const Request& req) {
  auto ct = req.Header("content-type");
  std::string media;
  if (ct) {
    media = ct->substr(0, ct->find(';'));
    while (!media.empty() && (media.back() == ' ' || media.back() == '\t')) media.pop_back();
    while (!media.empty() && (media.front() == ' ' || media.front() == '\t')) media.erase(0, 1);
    for (auto& ch : media) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  }
  if (ct && media != "application/json") {
    return Err(ErrorCode::kUnsupportedMediaType,
               "请求体应为 JSON（Content-Type: application/json）",
               "request body must be JSON (Content-Type: application/json)", "Content-Type");
  }
  if (!core::IsValidUtf8(req.body)) {
    return Err(ErrorCode::kInvalidUtf8, "请求体不是有效的 UTF-8 文本",
               "request body is not valid UTF-8");
  }
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(req.body.empty() ? std::string("{}") : req.body);
  } catch (const nlohmann::json::parse_error& e) {
    return Err(ErrorCode::kMalformedJson,
               "JSON 格式错误，位置 " + std::to_string(e.byte) + " 字节附近",
               "malformed JSON near byte " + std::to_string(e.byte));
  } catch (const nlohmann::json::exception& e) {
    // e.g. a number too large for a double ("number overflow")
    return Err(ErrorCode::kMalformedJson, std::string("JSON 内容无法解析（数值超出范围等）"),
               std::string("JSON cannot be read: ") + e.what());
  }
  if (!j.is_object()) {
    return Err(ErrorCode::kWrongType, "请求体应为 JSON 对象", "request body must be a JSON object");
  }
  return j;
}

namespace {
const char* TypeZh(FieldType t) {
  switch (t) {
    case FieldType::kString:
      return "字符串";
    case FieldType::kInt:
      return "整数";
    case FieldType::kBool:
      return "布尔值";
    case FieldType::kIntArray:
      return "整数数组";
    case FieldType::kStringArray:
      return "字符串数组";
    case FieldType::kObject:
      return "对象";
  }
  return "";
}
const char* TypeEn(FieldType t) {
  switch (t) {
    case FieldType::kString:
      return "a string";
    case FieldType::kInt:
      return "an integer";
    case FieldType::kBool:
      return "a boolean";
    case FieldType::kIntArray:
      return "an array of integers";
    case FieldType::kStringArray:
      return "an array of strings";
    case FieldType::kObject:
      return "an object";
  }
  return "";
}
bool Matches(const nlohmann::json& v, FieldType t) {
  switch (t) {
    case FieldType::kString:
      return v.is_string();
    case FieldType::kInt:
      return v.is_number_integer();
    case FieldType::kBool:
      return v.is_boolean();
    case FieldType::kIntArray:
      if (!v.is_array()) return false;
      for (const auto& e : v) {
        if (!e.is_number_integer()) return false;
      }
      return true;
    case FieldType::kStringArray:
      if (!v.is_array()) return false;
      for (const auto& e : v) {
        if (!e.is_string()) return false;
      }
      return true;
    case FieldType::kObject:
      return v.is_object();
  }
  return false;
}
}  // namespace

core::Status CheckFields(const nlohmann::json& obj, std::initializer_list<FieldSpec> spec) {
  for (auto it = obj.begin(); it != obj.end(); ++it) {
    bool known = false;
    for (const auto& f : spec) {
      if (it.key() == f.name) known = true;
    }
    if (!known) {
      return Err(ErrorCode::kUnknownField, "未知字段「" + it.key() + "」",
                 "unknown field \"" + it.key() + "\"", it.key());
    }
  }
  for (const auto& f : spec) {
    auto it = obj.find(f.name);
    if (it == obj.end() || it->is_null()) {
      if (f.required) {
        return Err(ErrorCode::kInvalidArgument, std::string("缺少必填字段「") + f.name + "」",
                   std::string("missing required field \"") + f.name + "\"", f.name);
      }
      continue;
    }
    if (!Matches(*it, f.type)) {
      return Err(ErrorCode::kWrongType, std::string("字段「") + f.name + "」应为" + TypeZh(f.type),
                 std::string("field \"") + f.name + "\" must be " + TypeEn(f.type), f.name);
    }
  }
  return core::Ok();
}

core::Result<nlohmann::json> ParseBody(const Request& req, std::initializer_list<FieldSpec> spec) {
  auto j = ParseJsonObject(req);
  if (!j) return j;
  if (auto st = CheckFields(*j, spec); !st) return st.error();
  return j;
}

std::optional<std::string> OptString(const nlohmann::json& obj, const char* name) {
  auto it = obj.find(name);
  if (it == obj.end() || !it->is_string()) return std::nullopt;
  return it->get<std::string>();
}

std::optional<int64_t> OptInt(const nlohmann::json& obj, const char* name) {
  auto it = obj.find(name);
  if (it == obj.end() || !it->is_number_integer()) return std::nullopt;
  return it->get<int64_t>();
}

core::Result<int64_t> ParseId(const std::string& text, const char* field) {
  int64_t v = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || p != text.data() + text.size() || v <= 0) {
    return Err(ErrorCode::kInvalidArgument, std::string("「") + field + "」应为正整数编号",
               std::string("\"") + field + "\" must be a positive integer id", field);
  }
  return v;
}

core::Result<std::optional<core::Date>> QueryDate(const Request& req, const char* name) {
  auto v = req.Query(name);
  if (!v || v->empty()) return std::optional<core::Date>();
  auto d = core::ParseDate(*v, name);
  if (!d) return d.error();
  return std::optional<core::Date>(*d);
}

}  // namespace zhifa::http

namespace zhifa::http {
core::Result<Paging> ParsePaging(const Request& req) {
  Paging p;
  auto read = [&](const char* name, int lo, int hi, int& out) -> core::Status {
    auto v = req.Query(name);
    if (!v) return core::Ok();
    int x = 0;
    auto [ptr, ec] = std::from_chars(v->data(), v->data() + v->size(), x);
    if (ec != std::errc() || ptr != v->data() + v->size() || x < lo || x > hi) {
      return core::Err(core::ErrorCode::kInvalidArgument,
                       std::string("参数「") + name + "」应为 " + std::to_string(lo) + "–" +
                           std::to_string(hi) + " 之间的整数",
                       std::string("parameter \"") + name + "\" must be an integer from " +
                           std::to_string(lo) + " to " + std::to_string(hi),
                       name);
    }
    out = x;
    return core::Ok();
  };
  ZHIFA_TRY(read("page", 1, 1000000, p.page));
  ZHIFA_TRY(read("page_size", 1, 200, p.page_size));
  return p;
}
}  // namespace zhifa::http
