// Conversions between Beast messages and the plain Request / Response of request.h.
// Internal to parcours_http: the only place where both representations meet.
#pragma once

#include <optional>
#include <string>

#include "http/detail/boost.h"
#include "http/request.h"

namespace parcours::http::detail {

using WireRequest = boost::beast::http::request<boost::beast::http::string_body>;
using WireResponse = boost::beast::http::response<boost::beast::http::string_body>;

// Moves `msg` into a Request. nullopt if the target cannot be decoded (url.h), which the caller
// answers 400 `malformed`.
std::optional<Request> to_request(WireRequest&& msg, const std::string& remote);

enum class Method { kHead, kOther };

// Builds the wire response for HTTP `version` (10 or 11). Adds Server and Content-Length,
// `Connection: close` (1.1) or `Connection: keep-alive` (1.0) as `keep_alive` says, drops the
// header fields the server owns or that could split the response, and replaces a status
// outside 200..599 with a 500 problem. For HEAD, the body is dropped and its Content-Length
// kept (RFC 9110 §9.3.2), so the application answers HEAD as it answers GET.
WireResponse to_wire(Response&& r, unsigned version, bool keep_alive, Method method);

}  // namespace parcours::http::detail
