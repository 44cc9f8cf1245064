#include "common/log.h"

#include <atomic>
#include <cstdio>
#include <mutex>

#include "common/clock.h"

namespace parcours::common {

namespace {
std::atomic<LogLevel> g_level{LogLevel::info};
std::mutex g_mu;

const char* name(LogLevel l) {
  switch (l) {
    case LogLevel::debug:
      return "debug";
    case LogLevel::info:
      return "info";
    case LogLevel::warn:
      return "warn";
    case LogLevel::error:
      return "error";
  }
  return "info";
}
}  // namespace

void set_log_level(LogLevel level) {
  g_level = level;
}

LogLevel parse_log_level(std::string_view s) {
  if (s == "debug") return LogLevel::debug;
  if (s == "warn") return LogLevel::warn;
  if (s == "error") return LogLevel::error;
  return LogLevel::info;
}

void log(LogLevel level, std::string_view msg, const nlohmann::json& fields) {
  if (level < g_level.load()) return;
  nlohmann::json line = fields.is_object() ? fields : nlohmann::json::object();
  line["ts"] = now_rfc3339();
  line["level"] = name(level);
  line["msg"] = msg;
  const std::string text = line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  std::lock_guard lock(g_mu);
  std::fprintf(stderr, "%s\n", text.c_str());
  std::fflush(stderr);
}

}  // namespace parcours::common
