// Locale-independent ASCII helpers for protocol text (field names are ASCII, RFC 9110 §5.1).
// Internal to parcours_http.
#pragma once

#include <string>
#include <string_view>

namespace parcours::http::detail {

inline char to_lower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c;
}

inline std::string to_lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = to_lower(c);
  return out;
}

inline bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (to_lower(a[i]) != to_lower(b[i])) return false;
  }
  return true;
}

}  // namespace parcours::http::detail
