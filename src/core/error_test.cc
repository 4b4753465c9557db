#include "core/error.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

#include "core/result.h"

namespace zhifa::core {
namespace {

TEST(ErrorCodeNameTest, WireNames) {
  EXPECT_STREQ(ErrorCodeName(ErrorCode::kInvalidArgument), "InvalidArgument");
  EXPECT_STREQ(ErrorCodeName(ErrorCode::kMalformedJson), "MalformedJson");
  EXPECT_STREQ(ErrorCodeName(ErrorCode::kInvalidUtf8), "InvalidUtf8");
  EXPECT_STREQ(ErrorCodeName(ErrorCode::kUnknownField), "UnknownField");
  EXPECT_STREQ(ErrorCodeName(ErrorCode::kWrongType), "WrongType");
  EXPECT_STREQ(ErrorCodeName(ErrorCode::kUnauthenticated), "Unauthenticated");
  EXPECT_STREQ(ErrorCodeName(ErrorCode::kTotpRequired), "TotpRequired");
  EXPECT_STREQ(ErrorCodeName(ErrorCode::kPermissionDenied), "PermissionDenied");
  EXPECT_STREQ(ErrorCodeName(ErrorCode::kCsrfMismatch), "CsrfMismatch");
  EXPECT_STREQ(ErrorCodeName(ErrorCode::kNotFound), "NotFound");
  EXPECT_STREQ(ErrorCodeName(ErrorCode::kConflict), "Conflict");
  EXPECT_STREQ(ErrorCodeName(ErrorCode::kPayloadTooLarge), "PayloadTooLarge");
  EXPECT_STREQ(ErrorCodeName(ErrorCode::kUnsupportedMediaType), "UnsupportedMediaType");
  EXPECT_STREQ(ErrorCodeName(ErrorCode::kTooManyRequests), "TooManyRequests");
  EXPECT_STREQ(ErrorCodeName(ErrorCode::kLocked), "Locked");
  EXPECT_STREQ(ErrorCodeName(ErrorCode::kUnavailable), "Unavailable");
  EXPECT_STREQ(ErrorCodeName(ErrorCode::kInternal), "Internal");
}

TEST(ErrorCodeNameTest, NamesAreDistinct) {
  std::set<std::string> names;
  for (int c = 0; c <= static_cast<int>(ErrorCode::kInternal); ++c) {
    names.insert(ErrorCodeName(static_cast<ErrorCode>(c)));
  }
  EXPECT_EQ(names.size(), 17u);
}

TEST(ErrorTest, MessageLanguage) {
  Error e = Err(ErrorCode::kNotFound, "未找到", "not found", "id");
  EXPECT_EQ(e.Message(false), "未找到");
  EXPECT_EQ(e.Message(true), "not found");
  EXPECT_EQ(e.field, "id");
}

Status Fails() { return Err(ErrorCode::kConflict, "冲突", "conflict"); }
Status Propagates() {
  ZHIFA_TRY(Fails());
  return Ok();
}

TEST(ResultTest, TryPropagates) {
  Status s = Propagates();
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, ErrorCode::kConflict);
  Result<int> r = 5;
  ASSERT_TRUE(r);
  EXPECT_EQ(*r, 5);
}

}  // namespace
}  // namespace zhifa::core
