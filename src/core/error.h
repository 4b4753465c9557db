// zhifa::core::Error — the one error type of the project.
//
// A small closed set of codes (leveldb's Status idea). Every expected failure is an Error value
// carried in a Result<T>; broken invariants are assertions. `field` names the input field the
// error is about (empty when none); messages exist in Chinese (default) and English. Only http/
// maps codes to HTTP statuses. Thread-safety: plain value type.
#pragma once

#include <string>
#include <utility>

namespace zhifa::core {

enum class ErrorCode {
  kInvalidArgument,
  kMalformedJson,
  kInvalidUtf8,
  kUnknownField,
  kWrongType,
  kUnauthenticated,
  kTotpRequired,
  kPermissionDenied,
  kCsrfMismatch,
  kNotFound,
  kConflict,
  kPayloadTooLarge,
  kUnsupportedMediaType,
  kTooManyRequests,
  kLocked,
  kUnavailable,
  kInternal,
  kMethodNotAllowed,  // 405: the path exists, not with this method (the answer lists Allow)
};

// Returns the stable wire name of a code, e.g. "InvalidArgument".
const char* ErrorCodeName(ErrorCode code);

struct Error {
  ErrorCode code = ErrorCode::kInternal;
  std::string message_zh;  // 中文说明 (default)
  std::string message_en;  // English message
  std::string field;       // input field the error is about, or empty
  // A refusal by a legal rule: the rule's stable id (e.g. "hearing_request_window") and the
  // article it applies (e.g. "《行政处罚法》第64条"); both empty for other errors. The HTTP error
  // body carries them as "rule" and "article".
  std::string rule{};
  std::string article{};

  // Message in the requested language ("en" → English, anything else → Chinese).
  const std::string& Message(bool english) const { return english ? message_en : message_zh; }
};

// Convenience constructors: Err(code, zh, en, field).
inline Error Err(ErrorCode code, std::string zh, std::string en, std::string field = {}) {
  return Error{code, std::move(zh), std::move(en), std::move(field)};
}

}  // namespace zhifa::core
