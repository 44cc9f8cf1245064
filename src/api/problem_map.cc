#include "api/problem_map.h"

#include <array>
#include <utility>

#include "http/problem.h"

namespace parcours::api {

namespace {

struct Entry {
  std::string_view code;
  int status;
  std::string_view title;
};

constexpr std::array<Entry, 16> kGeneric = {{
    {"malformed", 400, "Malformed request"},
    {"unauthenticated", 401, "Authentication required"},
    {"forbidden", 403, "Forbidden"},
    {"not_habilitated", 403, "Not habilitated"},
    {"not_found", 404, "Not found"},
    {"method_not_allowed", 405, "Method not allowed"},
    {"journey_exists", 409, "Journey already exists"},
    {"version_conflict", 409, "Version conflict"},
    {"id_taken", 409, "Identifier already used"},
    {"org_exists", 409, "Organisation already registered"},
    {"too_large", 413, "Request too large"},
    {"idempotency_key_reused", 422, "Idempotency key reused"},
    {"rate_limited", 429, "Too many requests"},
    {"internal", 500, "Internal error"},
    {"unavailable", 503, "Service unavailable"},
    {"timeout", 504, "Outcome unknown: retry with the same Idempotency-Key"},
}};

const Entry* find(std::string_view code) {
  for (const auto& e : kGeneric) {
    if (e.code == code) return &e;
  }
  return nullptr;
}

}  // namespace

int status_of(std::string_view code, int fallback) {
  if (const auto* e = find(code)) return e->status;
  return fallback;
}

std::string_view title_of(std::string_view code) {
  if (const auto* e = find(code)) return e->title;
  return "Business rule violated";
}

http::Response problem(std::string_view code, std::string_view detail, int status) {
  const int s = status > 0 ? status : status_of(code);
  return http::problem_response(s, code, title_of(code), detail);
}

http::Response problem(const domain::Rejection& r) {
  // Generic codes keep their fixed status; business rules keep the decider's (422 mostly).
  const int s = find(r.code) ? status_of(r.code) : r.status;
  return http::problem_response(s, r.code, title_of(r.code), r.detail);
}

}  // namespace parcours::api
