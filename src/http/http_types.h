// zhifa::http — request/response values shared by the server, the router and the handlers.
// Plain values; no Beast types leak out of server.cc.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "core/result.h"

namespace zhifa::http {

// A streamed request body (routes with RouteOptions::stream_body): the server feeds the body to
// the sink chunk by chunk, in order, on the worker pool, in bounded memory. A sink that is
// destroyed without its handler having consumed it (connection dropped, limit exceeded) must
// leave nothing behind.
class BodySink {
 public:
  virtual ~BodySink() = default;
  virtual core::Status Write(std::string_view chunk) = 0;
};

// A streamed response body: the server declares Response::stream_length as Content-Length and
// pulls chunks on the worker pool. An error aborts the response — the connection is closed
// before the declared length is complete, so no client takes a partial body as the whole.
class BodySource {
 public:
  virtual ~BodySource() = default;
  // Fills up to `cap` bytes of buf; returns how many (0 only at the end).
  virtual core::Result<size_t> Read(char* buf, size_t cap) = 0;
};

struct Request {
  std::string method;  // "GET", "POST", …
  std::string target;  // raw target incl. query
  std::string path;    // decoded path without query
  std::multimap<std::string, std::string> query;
  // Lower-case names in arrival order, repeated fields joined (", ", cookies "; "). A flat
  // vector: a request carries a handful of fields, and a map node per field showed in profiles.
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::string remote_ip;
  std::string request_id;
  std::map<std::string, std::string> path_params;  // from the route pattern
  std::shared_ptr<BodySink> body_sink;  // stream_body routes: the sink that received the body
  uint64_t body_bytes = 0;              // stream_body routes: bytes received

  std::optional<std::string> Header(const std::string& lower_name) const;
  std::optional<std::string> Query(const std::string& name) const;
  std::optional<std::string> Cookie(const std::string& name) const;
  std::string PathParam(const std::string& name) const;
  // True when Accept-Language prefers English over Chinese.
  bool PrefersEnglish() const;
};

struct Response {
  int status = 200;
  std::string content_type = "application/json; charset=utf-8";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  std::shared_ptr<BodySource> stream;  // when set, the body is streamed from it (body unused)
  uint64_t stream_length = 0;          // Content-Length of the streamed body

  static Response Json(int status, const nlohmann::json& j);
  static Response NoContent();
  static Response Text(int status, std::string text,
                       std::string content_type = "text/plain; charset=utf-8");
};

// Maps an error code to its HTTP status (the only place that does).
int StatusFor(core::ErrorCode code);

// The error body {"error":{"code","message","field"[,"request_id"]}} in the request's language.
Response ErrorResponse(const Request& req, const core::Error& e);

// Percent-decodes a URL component; returns nullopt on a bad escape or invalid UTF-8.
std::optional<std::string> UrlDecode(std::string_view s, bool plus_is_space);

}  // namespace zhifa::http
