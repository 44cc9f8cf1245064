#include "http/problem.h"

#include <nlohmann/json.hpp>

namespace parcours::http {

std::string problem_type(std::string_view code) {
  return "urn:parcours:problem:" + std::string(code);
}

std::string problem_body(int status, std::string_view code, std::string_view title,
                         std::string_view detail) {
  // ordered_json keeps the documented member order, so bodies are byte-stable for clients
  // and tests.
  nlohmann::ordered_json j;
  j["type"] = problem_type(code);
  j["title"] = std::string(title);
  j["status"] = status;
  j["code"] = std::string(code);
  j["detail"] = std::string(detail);
  return j.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

Response problem_response(int status, std::string_view code, std::string_view title,
                          std::string_view detail) {
  Response r;
  r.status = status;
  r.content_type = std::string(kProblemContentType);
  r.body = problem_body(status, code, title, detail);
  return r;
}

}  // namespace parcours::http
