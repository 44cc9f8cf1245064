// Structured JSON logs on stderr, one object per line:
//   {"ts":"...","level":"info","msg":"...", <fields>}
// Never log personal data or secrets: callers pass ids, counts and codes only.
#pragma once

#include <string_view>

#include <nlohmann/json.hpp>

namespace parcours::common {

enum class LogLevel { debug, info, warn, error };

void set_log_level(LogLevel level);
LogLevel parse_log_level(std::string_view s);  // "debug" "info" "warn" "error"; default info
void log(LogLevel level, std::string_view msg,
         const nlohmann::json& fields = nlohmann::json::object());

inline void log_debug(std::string_view m, const nlohmann::json& f = nlohmann::json::object()) {
  log(LogLevel::debug, m, f);
}
inline void log_info(std::string_view m, const nlohmann::json& f = nlohmann::json::object()) {
  log(LogLevel::info, m, f);
}
inline void log_warn(std::string_view m, const nlohmann::json& f = nlohmann::json::object()) {
  log(LogLevel::warn, m, f);
}
inline void log_error(std::string_view m, const nlohmann::json& f = nlohmann::json::object()) {
  log(LogLevel::error, m, f);
}

}  // namespace parcours::common
