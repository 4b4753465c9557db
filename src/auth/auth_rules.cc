#include "auth/auth_rules.h"

namespace zhifa::auth {

std::optional<int64_t> LockUntilAfterFailure(int failed_after, int64_t now_micros,
                                             const AuthPolicy& p) {
  if (p.max_failed_logins <= 0 || failed_after < p.max_failed_logins) return std::nullopt;
  return now_micros + static_cast<int64_t>(p.lockout_minutes) * kMicrosPerMinute;
}

bool SessionValid(int64_t created, int64_t last_seen, int64_t now, const AuthPolicy& p) {
  if (now >= created + static_cast<int64_t>(p.session_hours) * 60 * kMicrosPerMinute) return false;
  if (now >= last_seen + static_cast<int64_t>(p.idle_minutes) * kMicrosPerMinute) return false;
  return true;
}

bool AttemptLimiter::Allow(const std::string& key, int64_t now_micros) {
  if (per_minute_ <= 0) return true;
  int64_t minute = now_micros / kMicrosPerMinute;
  std::lock_guard lock(mu_);
  if (windows_.size() > 100000) windows_.clear();  // bound memory under address sprays
  Window& w = windows_[key];
  if (w.minute != minute) {
    w.minute = minute;
    w.count = 0;
  }
  return ++w.count <= per_minute_;
}

}  // namespace zhifa::auth
