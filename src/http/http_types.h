// zhifa::http — request/response values shared by the server, the router and the handlers.
// Plain values; no Beast types leak out of server.cc.
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"

namespace zhifa::http {

struct Request {
  std::string method;  // "GET", "POST", …
  std::string target;  // raw target incl. query
  std::string path;    // decoded path without query
  std::multimap<std::string, std::string> query;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
  std::string remote_ip;
  std::string request_id;
  std::map<std::string, std::string> path_params;  // from the route pattern

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
