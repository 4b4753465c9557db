// zhifa::auth — pure rules of authentication (等保2.0 三级 expectations): lockout after repeated
// failures, session lifetime, password age, and a per-address attempt limiter. No I/O.
#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "core/password_policy.h"

namespace zhifa::auth {

// All limits are configuration ([auth] in zhifa.toml). The standard requires the mechanisms but
// sets no numbers; the defaults are common practice and documented as choices (user guide 二):
//   GB/T 22239-2019 (等保2.0) 8.1.4.1 身份鉴别 a) unique identities, password complexity and
//   periodic change; b) login-failure handling — limit attempts, end the session, log out on
//   idle; d) level 3: two or more authentication techniques, one cryptographic (TOTP here, for
//   administrators).
struct AuthPolicy {
  int max_failed_logins = 5;      // consecutive failures before the account locks
  int lockout_minutes = 15;       // how long a lock lasts
  int session_hours = 8;          // absolute session lifetime
  int idle_minutes = 30;          // idle timeout
  core::PasswordPolicy password;  // complexity and expiry (core/password_policy.h)
  int attempts_per_minute_per_ip = 20;
  bool require_admin_totp = true;  // administrators must use TOTP
  bool secure_cookies = false;     // always set Secure (also set behind TLS via X-Forwarded-Proto)
};

constexpr int64_t kMicrosPerMinute = 60LL * 1000 * 1000;

// After a failed attempt that brings the consecutive count to `failed_after`: when the account
// locks (now + lockout) or nullopt.
std::optional<int64_t> LockUntilAfterFailure(int failed_after, int64_t now_micros,
                                             const AuthPolicy& p);

// Whether a session created at `created` and last seen at `last_seen` is still valid at `now`.
bool SessionValid(int64_t created, int64_t last_seen, int64_t now, const AuthPolicy& p);

// Fixed-window limiter of login attempts per client address. Thread-safe.
class AttemptLimiter {
 public:
  explicit AttemptLimiter(int per_minute) : per_minute_(per_minute) {}
  // Counts one attempt from `key` at `now`; false when the limit for this minute is exceeded.
  bool Allow(const std::string& key, int64_t now_micros);

 private:
  struct Window {
    int64_t minute = 0;
    int count = 0;
  };
  int per_minute_;
  std::mutex mu_;
  std::unordered_map<std::string, Window> windows_;
};

}  // namespace zhifa::auth
