// A command request (JOURNEY §3): its headers Idempotency-Key and If-Match, and its body
// {"type": string, "data": object}, read the same way for journeys and organisations.
#pragma once

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "api/problem_map.h"
#include "http/request.h"

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

// What a command request carries, once read.
struct CommandRequest {
  std::string key;  // Idempotency-Key
  std::optional<long> expected_version;
  std::string type;
  nlohmann::json data;
};

// Reads the headers and the body of a command request; nullopt with a 400 in *error.
inline std::optional<CommandRequest> read_command_request(const http::Request& req,
                                                          http::Response* error) {
  CommandRequest c;
  c.key = req.header("idempotency-key");
  if (!valid_idempotency_key(c.key)) {
    *error =
        problem("malformed", "header Idempotency-Key is required (1-128 visible ASCII characters)");
    return std::nullopt;
  }
  bool bad_if_match = false;
  c.expected_version = parse_if_match(req.header("if-match"), &bad_if_match);
  if (bad_if_match) {
    *error = problem("malformed", "If-Match must be a version");
    return std::nullopt;
  }
  auto body = nlohmann::json::parse(req.body, nullptr, false);
  if (body.is_discarded()) {
    *error = problem("malformed", "the body is not valid JSON");
    return std::nullopt;
  }
  if (!body.is_object() || !body.contains("type") || !body["type"].is_string() ||
      !body.contains("data") || !body["data"].is_object() || body.size() != 2) {
    *error = problem("malformed", "the body must be {\"type\": string, \"data\": object}");
    return std::nullopt;
  }
  c.type = body["type"].get<std::string>();
  c.data = std::move(body["data"]);
  return c;
}

}  // namespace parcours::api
