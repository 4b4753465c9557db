#include "core/password_policy.h"

#include <gtest/gtest.h>

#include <string>

#include "core/time.h"

namespace zhifa::core {
namespace {

TEST(PasswordPolicyTest, AcceptsStrongPasswords) {
  EXPECT_TRUE(CheckPasswordComplexity("Jinan2026!x", "zhangsan"));
  EXPECT_TRUE(CheckPasswordComplexity("abcdefgh12!", "zhangsan"));  // lower, digit, symbol
  EXPECT_TRUE(CheckPasswordComplexity("ABCDEFGH12a", ""));          // upper, digit, lower
  EXPECT_TRUE(CheckPasswordComplexity("执法执法执法abc12", "li"));  // 汉字 count as symbols
  EXPECT_TRUE(CheckPasswordComplexity(std::string(125, 'a') + "B1!", "u"));  // 128 bytes
}

TEST(PasswordPolicyTest, TooShort) {
  Status s = CheckPasswordComplexity("Ab1!xyz", "u");
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(s.error().field, "new_password");
  EXPECT_EQ(s.error().message_zh, "密码至少需要 10 个字符（当前 7 个）");
  EXPECT_EQ(s.error().message_en, "password must be at least 10 characters (got 7)");
  // Length is counted in characters, not bytes: 9 汉字 are 27 bytes but still too short.
  EXPECT_FALSE(CheckPasswordComplexity("执法执法执法执a1", "u"));
  PasswordPolicy p;
  p.min_length = 12;
  Status s12 = CheckPasswordComplexity("Jinan2026!x", "u", p, "password");
  ASSERT_FALSE(s12);
  EXPECT_EQ(s12.error().field, "password");
  EXPECT_EQ(s12.error().message_en, "password must be at least 12 characters (got 11)");
}

TEST(PasswordPolicyTest, TooFewClasses) {
  Status s = CheckPasswordComplexity("abcdefgh123", "u");
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().message_zh,
            "密码需包含小写字母、大写字母、数字、符号中的至少 3 类（当前 2 类：小写字母、数字）");
  EXPECT_EQ(s.error().message_en,
            "password must contain at least 3 of: lower-case, upper-case, digits, symbols "
            "(got 2: lower-case, digits)");
  EXPECT_FALSE(CheckPasswordComplexity("ABCDEFGHIJ!", "u"));
  EXPECT_FALSE(CheckPasswordComplexity("aaaaaaaaaaaa", "u"));
  PasswordPolicy all4;
  all4.min_classes = 4;
  EXPECT_FALSE(CheckPasswordComplexity("Jinan20261x", "u", all4));
  EXPECT_TRUE(CheckPasswordComplexity("Jinan2026!x", "u", all4));
}

TEST(PasswordPolicyTest, ContainsUsername) {
  Status s = CheckPasswordComplexity("xZhangSan2026!", "zhangsan");
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().message_zh, "密码不能包含用户名");
  EXPECT_EQ(s.error().message_en, "password must not contain the username");
  EXPECT_FALSE(CheckPasswordComplexity("ZHANGSAN2026!", "ZhangSan"));
  EXPECT_TRUE(CheckPasswordComplexity("Zhang2026!San", "zhangsan"));
}

TEST(PasswordPolicyTest, TooLong) {
  Status s = CheckPasswordComplexity(std::string(126, 'a') + "B1!", "u");
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().message_en, "password must be at most 128 bytes (got 129)");
  EXPECT_EQ(s.error().message_zh, "密码不能超过 128 字节（当前 129 字节）");
}

TEST(PasswordPolicyTest, InvalidUtf8AndControlCharacters) {
  Status s = CheckPasswordComplexity("Jinan2026!\xC0\x80", "u");
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().message_en, "password is not valid UTF-8");
  Status c = CheckPasswordComplexity("Jinan2026!\n", "u");
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().message_en, "password must not contain control characters");
  EXPECT_FALSE(CheckPasswordComplexity(std::string("Jinan2026!\0", 11), "u"));
  EXPECT_FALSE(CheckPasswordComplexity("Jinan2026!\x7F", "u"));
}

TEST(PasswordExpiryTest, NinetyDaysByDefault) {
  const int64_t changed = *ParseRfc3339("2026-01-01T08:00:00Z");
  const int64_t expires = *ParseRfc3339("2026-04-01T08:00:00Z");  // 90 days later
  PasswordExpiry e = ComputePasswordExpiry(changed, expires - 1);
  EXPECT_TRUE(e.expires);
  EXPECT_EQ(e.expires_at, expires);
  EXPECT_FALSE(e.expired);
  EXPECT_TRUE(ComputePasswordExpiry(changed, expires).expired);
  EXPECT_TRUE(ComputePasswordExpiry(changed, expires, 90).expired);
  EXPECT_FALSE(ComputePasswordExpiry(changed, expires, 180).expired);
  EXPECT_EQ(ComputePasswordExpiry(changed, changed, 1).expires_at, changed + kMicrosPerDay);
}

TEST(PasswordExpiryTest, ZeroMeansNever) {
  PasswordExpiry e = ComputePasswordExpiry(0, 1'000'000'000'000'000LL, 0);
  EXPECT_FALSE(e.expires);
  EXPECT_FALSE(e.expired);
}

}  // namespace
}  // namespace zhifa::core
