#include "core/password_policy.h"

#include <string>

#include "core/time.h"
#include "core/utf8.h"

namespace zhifa::core {
namespace {

char AsciiLower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool ContainsIgnoreCase(std::string_view haystack, std::string_view needle) {
  if (needle.size() > haystack.size()) return false;
  for (size_t i = 0; i + needle.size() <= haystack.size(); ++i) {
    size_t j = 0;
    while (j < needle.size() && AsciiLower(haystack[i + j]) == AsciiLower(needle[j])) ++j;
    if (j == needle.size()) return true;
  }
  return false;
}

}  // namespace

Status CheckPasswordComplexity(std::string_view password, std::string_view username,
                               const PasswordPolicy& policy, std::string_view field) {
  auto fail = [&](std::string zh, std::string en) {
    return Err(ErrorCode::kInvalidArgument, std::move(zh), std::move(en), std::string(field));
  };
  if (!IsValidUtf8(password)) {
    return fail("密码不是有效的 UTF-8 文本", "password is not valid UTF-8");
  }
  if (password.size() > policy.max_bytes) {
    return fail("密码不能超过 " + std::to_string(policy.max_bytes) + " 字节（当前 " +
                    std::to_string(password.size()) + " 字节）",
                "password must be at most " + std::to_string(policy.max_bytes) + " bytes (got " +
                    std::to_string(password.size()) + ")");
  }
  bool lower = false, upper = false, digit = false, symbol = false;
  for (char ch : password) {
    const auto c = static_cast<unsigned char>(ch);
    if (c < 0x20 || c == 0x7F) {
      return fail("密码不能包含控制字符", "password must not contain control characters");
    }
    if (c >= 'a' && c <= 'z') {
      lower = true;
    } else if (c >= 'A' && c <= 'Z') {
      upper = true;
    } else if (c >= '0' && c <= '9') {
      digit = true;
    } else {
      symbol = true;
    }
  }
  const size_t length = Utf8Length(password);
  if (length < policy.min_length) {
    return fail("密码至少需要 " + std::to_string(policy.min_length) + " 个字符（当前 " +
                    std::to_string(length) + " 个）",
                "password must be at least " + std::to_string(policy.min_length) +
                    " characters (got " + std::to_string(length) + ")");
  }
  if (!username.empty() && ContainsIgnoreCase(password, username)) {
    return fail("密码不能包含用户名", "password must not contain the username");
  }
  const int classes = lower + upper + digit + symbol;
  if (classes < policy.min_classes) {
    std::string zh_present, en_present;
    auto add = [&](bool present, const char* zh, const char* en) {
      if (!present) return;
      if (!zh_present.empty()) {
        zh_present += "、";
        en_present += ", ";
      }
      zh_present += zh;
      en_present += en;
    };
    add(lower, "小写字母", "lower-case");
    add(upper, "大写字母", "upper-case");
    add(digit, "数字", "digits");
    add(symbol, "符号", "symbols");
    return fail("密码需包含小写字母、大写字母、数字、符号中的至少 " +
                    std::to_string(policy.min_classes) + " 类（当前 " + std::to_string(classes) +
                    " 类：" + zh_present + "）",
                "password must contain at least " + std::to_string(policy.min_classes) +
                    " of: lower-case, upper-case, digits, symbols (got " + std::to_string(classes) +
                    ": " + en_present + ")");
  }
  return Ok();
}

PasswordExpiry ComputePasswordExpiry(int64_t changed_at, int64_t now, int max_age_days) {
  PasswordExpiry e;
  if (max_age_days <= 0) return e;
  e.expires = true;
  e.expires_at = changed_at + static_cast<int64_t>(max_age_days) * kMicrosPerDay;
  e.expired = now >= e.expires_at;
  return e;
}

}  // namespace zhifa::core
