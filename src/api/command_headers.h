// The headers of a command request (JOURNEY §3): Idempotency-Key and If-Match.
#pragma once

#include <optional>
#include <string>

namespace parcours::api {

// 1 to 128 visible ASCII characters.
inline bool valid_idempotency_key(const std::string& k) {
  if (k.empty() || k.size() > 128) return false;
  for (char c : k) {
    if (c < 0x21 || c > 0x7e) return false;
  }
  return true;
}

// If-Match: a version number, optionally as a quoted entity tag ("3" or W/"3"). nullopt when
// absent; *bad when present but not a version.
inline std::optional<long> parse_if_match(std::string v, bool* bad) {
  *bad = false;
  if (v.empty()) return std::nullopt;
  if (v.rfind("W/", 0) == 0) v = v.substr(2);
  if (v.size() >= 2 && v.front() == '"' && v.back() == '"') v = v.substr(1, v.size() - 2);
  if (v.empty() || v.size() > 15) {
    *bad = true;
    return std::nullopt;
  }
  long n = 0;
  for (char c : v) {
    if (c < '0' || c > '9') {
      *bad = true;
      return std::nullopt;
    }
    n = n * 10 + (c - '0');
  }
  return n;
}

}  // namespace parcours::api
