#include "api/rate_limiter.h"

#include <algorithm>

namespace parcours::api {

RateLimiter::Bucket& RateLimiter::refill(const std::string& key,
                                         std::chrono::steady_clock::time_point now) {
  // Forget callers whose bucket is full again now and then, so the map does not grow without
  // bound: a forgotten bucket comes back full, exactly as it would have been.
  if (now - last_sweep_ > std::chrono::minutes(1)) {
    for (auto it = buckets_.begin(); it != buckets_.end();) {
      const double elapsed = std::chrono::duration<double>(now - it->second.last).count();
      it = it->second.tokens + elapsed * rate_ >= burst_ ? buckets_.erase(it) : std::next(it);
    }
    last_sweep_ = now;
  }
  auto [it, fresh] = buckets_.try_emplace(key, Bucket{burst_, now});
  Bucket& b = it->second;
  if (!fresh) {
    const double elapsed = std::chrono::duration<double>(now - b.last).count();
    b.tokens = std::min(burst_, b.tokens + elapsed * rate_);
    b.last = now;
  }
  return b;
}

bool RateLimiter::allow(const std::string& key, std::chrono::steady_clock::time_point now) {
  if (rate_ <= 0) return true;
  std::lock_guard lock(mu_);
  Bucket& b = refill(key, now);
  if (b.tokens < 1) return false;
  b.tokens -= 1;
  return true;
}

bool RateLimiter::peek(const std::string& key, std::chrono::steady_clock::time_point now) {
  if (rate_ <= 0) return true;
  std::lock_guard lock(mu_);
  return refill(key, now).tokens >= 1;
}

}  // namespace parcours::api
