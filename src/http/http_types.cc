#include "http/http_types.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "core/utf8.h"

namespace zhifa::http {

namespace {
const std::string* FindHeader(const Request& req, std::string_view lower_name) {
  for (const auto& [name, value] : req.headers) {
    if (name == lower_name) return &value;
  }
  return nullptr;
}
}  // namespace

std::optional<std::string> Request::Header(const std::string& lower_name) const {
  const std::string* v = FindHeader(*this, lower_name);
  if (!v) return std::nullopt;
  return *v;
}

std::optional<std::string> Request::Query(const std::string& name) const {
  auto it = query.find(name);
  if (it == query.end()) return std::nullopt;
  return it->second;
}

std::optional<std::string> Request::Cookie(const std::string& name) const {
  const std::string* h = FindHeader(*this, "cookie");  // not copied: this runs per request
  if (!h) return std::nullopt;
  std::string_view s = *h;
  while (!s.empty()) {
    auto semi = s.find(';');
    std::string_view part = s.substr(0, semi);
    while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
    auto eq = part.find('=');
    if (eq != std::string_view::npos && part.substr(0, eq) == name) {
      return std::string(part.substr(eq + 1));
    }
    if (semi == std::string_view::npos) break;
    s.remove_prefix(semi + 1);
  }
  return std::nullopt;
}

std::string Request::PathParam(const std::string& name) const {
  auto it = path_params.find(name);
  return it == path_params.end() ? std::string() : it->second;
}

bool Request::PrefersEnglish() const {
  const std::string* h = FindHeader(*this, "accept-language");
  if (!h) return false;
  // First listed language wins (browsers list in preference order).
  std::string v = *h;
  std::transform(v.begin(), v.end(), v.begin(), [](unsigned char c) { return std::tolower(c); });
  auto en = v.find("en");
  auto zh = v.find("zh");
  if (en == std::string::npos) return false;
  return zh == std::string::npos || en < zh;
}

Response Response::Json(int status, const nlohmann::json& j) {
  Response r;
  r.status = status;
  r.body = j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return r;
}

Response Response::NoContent() {
  Response r;
  r.status = 204;
  r.content_type.clear();
  return r;
}

Response Response::Text(int status, std::string text, std::string content_type) {
  Response r;
  r.status = status;
  r.body = std::move(text);
  r.content_type = std::move(content_type);
  return r;
}

int StatusFor(core::ErrorCode code) {
  using core::ErrorCode;
  switch (code) {
    case ErrorCode::kInvalidArgument:
    case ErrorCode::kMalformedJson:
    case ErrorCode::kInvalidUtf8:
    case ErrorCode::kUnknownField:
    case ErrorCode::kWrongType:
      return 400;
    case ErrorCode::kUnauthenticated:
    case ErrorCode::kTotpRequired:
      return 401;
    case ErrorCode::kPermissionDenied:
    case ErrorCode::kCsrfMismatch:
      return 403;
    case ErrorCode::kNotFound:
      return 404;
    case ErrorCode::kMethodNotAllowed:
      return 405;
    case ErrorCode::kConflict:
      return 409;
    case ErrorCode::kPayloadTooLarge:
      return 413;
    case ErrorCode::kUnsupportedMediaType:
      return 415;
    case ErrorCode::kLocked:
      return 423;
    case ErrorCode::kTooManyRequests:
      return 429;
    case ErrorCode::kUnavailable:
      return 503;
    case ErrorCode::kInternal:
      return 500;
  }
  return 500;
}

Response ErrorResponse(const Request& req, const core::Error& e) {
  nlohmann::json err = {{"code", core::ErrorCodeName(e.code)},
                        {"message", e.Message(req.PrefersEnglish())}};
  if (!e.field.empty()) err["field"] = e.field;
  if (!e.rule.empty()) err["rule"] = e.rule;
  if (!e.article.empty()) err["article"] = e.article;
  if (e.code == core::ErrorCode::kInternal) {
    // A 500 is a bug: every one, from a service's error or an escaping exception, is logged here
    // with its detail and request id; the client sees only the id.
    spdlog::error("request {} {} {} answered 500: {}", req.request_id, req.method, req.path,
                  e.message_en);
    err["request_id"] = req.request_id;
    err["message"] = req.PrefersEnglish()
                         ? "internal error; reported with request id " + req.request_id
                         : "服务器内部错误，已记录，请求编号 " + req.request_id;
  }
  return Response::Json(StatusFor(e.code), {{"error", err}});
}

std::optional<std::string> UrlDecode(std::string_view s, bool plus_is_space) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '%') {
      auto hex = [](char h) -> int {
        if (h >= '0' && h <= '9') return h - '0';
        if (h >= 'a' && h <= 'f') return h - 'a' + 10;
        if (h >= 'A' && h <= 'F') return h - 'A' + 10;
        return -1;
      };
      if (i + 2 >= s.size()) return std::nullopt;
      int hi = hex(s[i + 1]);
      int lo = hex(s[i + 2]);
      if (hi < 0 || lo < 0) return std::nullopt;
      out += static_cast<char>(hi * 16 + lo);
      i += 2;
    } else if (c == '+' && plus_is_space) {
      out += ' ';
    } else {
      out += c;
    }
  }
  if (!core::IsValidUtf8(out)) return std::nullopt;
  return out;
}

}  // namespace zhifa::http
