// Password complexity and expiry for 等保2.0 level 3 (GB/T 22239-2019 8.1.4.1 a):
// "身份标识具有唯一性，身份鉴别信息具有复杂度要求并定期更换".
//
// Pure functions; thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/result.h"

namespace zhifa::core {

struct PasswordPolicy {
  size_t min_length = 10;  // in characters (Unicode code points)
  size_t max_bytes = 128;  // UTF-8 bytes; bounds the cost of hashing
  int min_classes = 3;     // of: lower-case, upper-case, digit, symbol
  int max_age_days = 90;   // <= 0: passwords never expire
};

// Checks `password` against `policy`. Character classes: ASCII a–z, ASCII A–Z, ASCII 0–9, and
// "symbol" = every other printable character (ASCII punctuation, space, and any non-ASCII
// character such as 汉字). Checks run in this order and the first failure is returned, each as
// Error kInvalidArgument with `field` and a zh/en message:
//   not valid UTF-8; longer than max_bytes; contains a control character (U+0000–U+001F, U+007F);
//   shorter than min_length; contains `username` (ASCII case-insensitive, skipped when the
//   username is empty); fewer than min_classes classes (the message lists the classes present).
Status CheckPasswordComplexity(std::string_view password, std::string_view username,
                               const PasswordPolicy& policy = {},
                               std::string_view field = "new_password");

struct PasswordExpiry {
  bool expires = false;    // false when max_age_days <= 0
  int64_t expires_at = 0;  // µs since epoch; meaningful only when `expires`
  bool expired = false;    // now >= expires_at
};

// A password changed at `changed_at` (µs since epoch) expires `max_age_days` × 24 h later;
// at `now` it is expired iff now >= expires_at.
PasswordExpiry ComputePasswordExpiry(int64_t changed_at, int64_t now, int max_age_days = 90);

}  // namespace zhifa::core
