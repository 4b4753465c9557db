// Strict JSON request bodies: malformed JSON, bad UTF-8, a body that is not an object, unknown
// fields, missing required fields and wrong types each get a precise error naming the field.
#pragma once

#include <initializer_list>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "core/result.h"
#include "core/time.h"
#include "http/http_types.h"

namespace zhifa::http {

enum class FieldType { kString, kInt, kBool, kIntArray, kStringArray, kObject };

struct FieldSpec {
  const char* name;
  FieldType type;
  bool required;
};

// Parses the body as a JSON object. Errors: kUnsupportedMediaType (Content-Type not JSON),
// kInvalidUtf8, kMalformedJson (with the byte offset), kWrongType (not an object).
core::Result<nlohmann::json> ParseJsonObject(const Request& req);

// Checks `obj` against `spec`: kUnknownField for a key not in spec, kInvalidArgument for a
// missing required field, kWrongType for a value of the wrong type (null counts as absent for
// optional fields). Each error names the field.
core::Status CheckFields(const nlohmann::json& obj, std::initializer_list<FieldSpec> spec);

// Parses a body and checks it in one call.
core::Result<nlohmann::json> ParseBody(const Request& req, std::initializer_list<FieldSpec> spec);

// Reads an optional string / int from a checked object.
std::optional<std::string> OptString(const nlohmann::json& obj, const char* name);
std::optional<int64_t> OptInt(const nlohmann::json& obj, const char* name);

// Parses a positive integer path or query parameter; errors name `field`.
core::Result<int64_t> ParseId(const std::string& text, const char* field);

// An optional YYYY-MM-DD query parameter (absent or empty: none); errors name `name`.
core::Result<std::optional<core::Date>> QueryDate(const Request& req, const char* name);

}  // namespace zhifa::http

namespace zhifa::http {
struct Paging {
  int page = 1;
  int page_size = 20;
};
// Reads ?page= (≥ 1) and ?page_size= (1–200). Errors name the parameter.
core::Result<Paging> ParsePaging(const Request& req);
// The standard error answer for a Result/Status failure.
inline Response Fail(const Request& req, const core::Error& e) { return ErrorResponse(req, e); }
}  // namespace zhifa::http
