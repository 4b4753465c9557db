#include "app/openapi_check.h"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <set>

namespace zhifa::app {

std::vector<std::string> CheckOpenApi(const http::Router& router, std::string_view openapi_json) {
  std::vector<std::string> problems;
  nlohmann::json doc = nlohmann::json::parse(openapi_json, nullptr, false);
  if (doc.is_discarded() || !doc.contains("paths")) {
    return {"openapi.json is not valid JSON with a paths object"};
  }
  std::set<std::string> documented;
  for (const auto& [path, ops] : doc["paths"].items()) {
    for (const auto& [method, op] : ops.items()) {
      std::string m = method;
      std::transform(m.begin(), m.end(), m.begin(), ::toupper);
      m += ' ';
      m += path;
      documented.insert(m);
    }
  }
  std::set<std::string> routed;
  for (const auto& r : router.routes()) routed.insert(r->method + " " + r->pattern);
  for (const auto& r : routed) {
    if (!documented.count(r)) problems.push_back("route not in openapi.json: " + r);
  }
  for (const auto& d : documented) {
    if (!routed.count(d)) problems.push_back("openapi.json documents a missing route: " + d);
  }
  return problems;
}

}  // namespace zhifa::app
