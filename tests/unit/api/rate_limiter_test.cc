#include "api/rate_limiter.h"

#include <gtest/gtest.h>

namespace parcours::api {
namespace {

using std::chrono::milliseconds;

TEST(RateLimiter, AllowsTheBurstThenTheRate) {
  RateLimiter limiter(10, 5);
  const auto t0 = std::chrono::steady_clock::now();
  for (int i = 0; i < 5; ++i) EXPECT_TRUE(limiter.allow("a", t0)) << i;
  EXPECT_FALSE(limiter.allow("a", t0));
  // Another caller has its own bucket.
  EXPECT_TRUE(limiter.allow("b", t0));
  // 100 ms later at 10/s: one more token.
  EXPECT_TRUE(limiter.allow("a", t0 + milliseconds(100)));
  EXPECT_FALSE(limiter.allow("a", t0 + milliseconds(100)));
  // The bucket never holds more than the burst.
  for (int i = 0; i < 5; ++i) EXPECT_TRUE(limiter.allow("a", t0 + milliseconds(60000))) << i;
  EXPECT_FALSE(limiter.allow("a", t0 + milliseconds(60000)));
}

TEST(RateLimiter, ZeroRateDisablesTheLimit) {
  RateLimiter limiter(0, 0);
  for (int i = 0; i < 1000; ++i) EXPECT_TRUE(limiter.allow("a"));
}

}  // namespace
}  // namespace parcours::api
