#include "http/detail/wire.h"

#include <string_view>

#include "http/detail/ascii.h"
#include "http/problem.h"
#include "http/url.h"

namespace parcours::http::detail {
namespace bhttp = boost::beast::http;

namespace {

// Fields whose value the server computes itself; an application value would contradict the
// framing or the connection management.
bool server_owned(std::string_view name) {
  return iequals(name, "content-length") || iequals(name, "transfer-encoding") ||
         iequals(name, "connection") || iequals(name, "server");
}

// CR, LF or NUL in a field would let a value inject header lines (response splitting).
bool safe_field_text(std::string_view s) {
  return s.find_first_of(std::string_view("\r\n\0", 3)) == std::string_view::npos;
}

// A field name must be a token (RFC 9110 §5.1, §5.6.2).
bool is_token(std::string_view s) {
  if (s.empty()) return false;
  for (const char c : s) {
    const bool alnum = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    if (!alnum && std::string_view("!#$%&'*+-.^_`|~").find(c) == std::string_view::npos) {
      return false;
    }
  }
  return true;
}

}  // namespace

std::optional<Request> to_request(WireRequest&& msg, const std::string& remote) {
  auto target = parse_target(to_std(msg.target()));
  if (!target) return std::nullopt;
  Request r;
  r.method = std::string(to_std(msg.method_string()));
  r.target = std::string(to_std(msg.target()));
  r.path = std::move(target->path);
  r.query = std::move(target->query);
  for (const auto& field : msg) {
    auto [it, inserted] = r.headers.try_emplace(to_lower(to_std(field.name_string())),
                                                std::string(to_std(field.value())));
    if (!inserted) {
      it->second += ", ";
      it->second += to_std(field.value());
    }
  }
  r.body = std::move(msg.body());
  r.remote = remote;
  r.version = msg.version();
  return r;
}

WireResponse to_wire(Response&& r, unsigned version, bool keep_alive, Method method) {
  if (r.status < 200 || r.status > 599) {
    r = problem_response(500, "internal", "Internal error",
                         "The application answered with an invalid HTTP status.");
  }
  WireResponse res;
  res.version(version);
  res.result(static_cast<unsigned>(r.status));
  res.set(bhttp::field::server, "parcours");
  // RFC 9110 §8.6, §15.3.5, §15.4.5: 204 and 304 carry neither content nor Content-Length.
  const bool no_content = r.status == 204 || r.status == 304;
  if (!no_content && !r.content_type.empty() && safe_field_text(r.content_type)) {
    res.set(bhttp::field::content_type, r.content_type);
  }
  for (const auto& [name, value] : r.headers) {
    if (!is_token(name) || server_owned(name) || !safe_field_text(value)) {
      continue;
    }
    res.insert(name, value);
  }
  if (!no_content) {
    res.body() = std::move(r.body);
    res.content_length(res.body().size());
    if (method == Method::kHead) res.body().clear();
  }
  res.keep_alive(keep_alive);
  return res;
}

}  // namespace parcours::http::detail
