#include "core/error.h"

namespace zhifa::core {

const char* ErrorCodeName(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument:
      return "InvalidArgument";
    case ErrorCode::kMalformedJson:
      return "MalformedJson";
    case ErrorCode::kInvalidUtf8:
      return "InvalidUtf8";
    case ErrorCode::kUnknownField:
      return "UnknownField";
    case ErrorCode::kWrongType:
      return "WrongType";
    case ErrorCode::kUnauthenticated:
      return "Unauthenticated";
    case ErrorCode::kTotpRequired:
      return "TotpRequired";
    case ErrorCode::kPermissionDenied:
      return "PermissionDenied";
    case ErrorCode::kCsrfMismatch:
      return "CsrfMismatch";
    case ErrorCode::kNotFound:
      return "NotFound";
    case ErrorCode::kConflict:
      return "Conflict";
    case ErrorCode::kPayloadTooLarge:
      return "PayloadTooLarge";
    case ErrorCode::kUnsupportedMediaType:
      return "UnsupportedMediaType";
    case ErrorCode::kTooManyRequests:
      return "TooManyRequests";
    case ErrorCode::kLocked:
      return "Locked";
    case ErrorCode::kUnavailable:
      return "Unavailable";
    case ErrorCode::kInternal:
      return "Internal";
    case ErrorCode::kMethodNotAllowed:
      return "MethodNotAllowed";
  }
  return "Internal";  // unreachable for valid enumerators; keeps -Wreturn-type quiet
}

}  // namespace zhifa::core
