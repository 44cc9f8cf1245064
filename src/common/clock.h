// Recorded time: RFC 3339 UTC with milliseconds, e.g. "2026-11-23T10:15:30.123Z".
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace parcours::common {

std::string rfc3339(std::chrono::system_clock::time_point t);
inline std::string now_rfc3339() {
  return rfc3339(std::chrono::system_clock::now());
}
// Parses "YYYY-MM-DDTHH:MM:SS[.fff...](Z|±HH:MM)". nullopt if malformed, impossible, or of a
// year outside [1900, 2200] (beyond what system_clock holds, at either end).
std::optional<std::chrono::system_clock::time_point> parse_rfc3339(std::string_view s);

}  // namespace parcours::common
