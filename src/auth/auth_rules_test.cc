#include "auth/auth_rules.h"

#include <gtest/gtest.h>

namespace zhifa::auth {
namespace {

constexpr int64_t kMin = kMicrosPerMinute;

TEST(Lockout, AfterConfiguredFailures) {
  AuthPolicy p;  // 5 failures, 15 minutes
  for (int i = 1; i < 5; ++i) EXPECT_FALSE(LockUntilAfterFailure(i, 1000, p)) << i;
  auto until = LockUntilAfterFailure(5, 1000, p);
  ASSERT_TRUE(until);
  EXPECT_EQ(*until, 1000 + 15 * kMin);
  EXPECT_TRUE(LockUntilAfterFailure(6, 0, p));
  p.max_failed_logins = 0;  // lockout off
  EXPECT_FALSE(LockUntilAfterFailure(100, 0, p));
}

TEST(Session, AbsoluteAndIdleLimits) {
  AuthPolicy p;  // 8 h absolute, 30 min idle
  int64_t t0 = 1'000'000'000;
  EXPECT_TRUE(SessionValid(t0, t0, t0, p));
  EXPECT_TRUE(SessionValid(t0, t0, t0 + 30 * kMin - 1, p));
  EXPECT_FALSE(SessionValid(t0, t0, t0 + 30 * kMin, p));
  EXPECT_TRUE(SessionValid(t0, t0 + 7 * 60 * kMin, t0 + 7 * 60 * kMin + 10 * kMin, p));
  EXPECT_FALSE(SessionValid(t0, t0 + 8 * 60 * kMin - kMin, t0 + 8 * 60 * kMin, p));
}

TEST(Limiter, PerAddressPerMinute) {
  AttemptLimiter l(3);
  int64_t t = 10 * kMin;
  EXPECT_TRUE(l.Allow("a", t));
  EXPECT_TRUE(l.Allow("a", t + 1));
  EXPECT_TRUE(l.Allow("a", t + 2));
  EXPECT_FALSE(l.Allow("a", t + 3));
  EXPECT_TRUE(l.Allow("b", t + 3));
  EXPECT_TRUE(l.Allow("a", t + kMin));  // next minute
  AttemptLimiter off(0);
  for (int i = 0; i < 100; ++i) EXPECT_TRUE(off.Allow("x", t));
}

}  // namespace
}  // namespace zhifa::auth
