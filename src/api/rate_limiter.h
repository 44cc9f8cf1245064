// Per-caller rate limit (token bucket): `rate` requests per second on average, bursts of
// `burst`. A caller over the limit gets 429 rate_limited with Retry-After.
//
// Thread-safety: allow() may be called from any thread.
#pragma once

#include <chrono>
#include <mutex>
#include <string>
#include <unordered_map>

namespace parcours::api {

class RateLimiter {
 public:
  // rate <= 0 disables the limit.
  RateLimiter(double rate, double burst) : rate_(rate), burst_(burst) {}

  // Takes one token for `key`; false if there is none left.
  bool allow(const std::string& key,
             std::chrono::steady_clock::time_point now = std::chrono::steady_clock::now());
  // Is there a token for `key`? Takes none (a cost charged afterwards, with allow()).
  bool peek(const std::string& key,
            std::chrono::steady_clock::time_point now = std::chrono::steady_clock::now());

 private:
  struct Bucket {
    double tokens;
    std::chrono::steady_clock::time_point last;
  };
  Bucket& refill(const std::string& key, std::chrono::steady_clock::time_point now);
  double rate_;
  double burst_;
  std::mutex mu_;
  std::unordered_map<std::string, Bucket> buckets_;
  std::chrono::steady_clock::time_point last_sweep_{};
};

}  // namespace parcours::api
