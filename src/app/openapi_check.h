// Checks the OpenAPI document (data/openapi.json, served at /api/v1/openapi.json) against the
// route table: every route is documented with its method, and every documented operation has a
// route. Path parameters match by position ("{id}" in both).
#pragma once

#include <string>
#include <vector>

#include "http/router.h"

namespace zhifa::app {

// Returns one line per mismatch; empty when the two agree.
std::vector<std::string> CheckOpenApi(const http::Router& router, std::string_view openapi_json);

}  // namespace zhifa::app
