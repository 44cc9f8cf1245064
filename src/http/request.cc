#include "http/request.h"

#include "http/detail/ascii.h"

namespace parcours::http {

std::string Request::header(std::string_view name) const {
  const auto it = headers.find(detail::to_lower(name));
  return it == headers.end() ? std::string() : it->second;
}

std::string Request::query_param(std::string_view name) const {
  const auto it = query.find(std::string(name));
  return it == query.end() ? std::string() : it->second;
}

}  // namespace parcours::http
