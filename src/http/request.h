// The two messages the server exchanges with the application, and the handler contract.
//
// The server knows nothing of routes or of the domain: it parses one request, hands it to the
// application's single Handler, and writes whatever Response the application gives back through
// the Responder. Everything here is plain data; no Boost type leaks into the application.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace parcours::http {

// One parsed HTTP/1.1 request. Owned by the handler once handed over.
struct Request {
  std::string method;  // as sent, e.g. "GET", "POST" (methods are case-sensitive, RFC 9110 §9.1)
  std::string target;  // raw request target, e.g. "/v1/journeys/j-1?as_of=2024-01-01"
  std::string path;    // percent-decoded path without the query, e.g. "/v1/journeys/j-1"
  std::map<std::string, std::string> query;    // percent-decoded parameters; a repeated name:
                                               // the last one wins; "+" decodes to a space
  std::map<std::string, std::string> headers;  // names lower-cased; repeated fields joined with
                                               // ", " in arrival order (RFC 9110 §5.3)
  std::string body;                            // at most ServerOptions::max_body_bytes
  std::string remote;                          // peer "ip:port", "[ip6]:port" for IPv6
  unsigned version = 11;                       // 10 for HTTP/1.0, 11 for HTTP/1.1

  // The value of header `name` (compared case-insensitively); "" if absent.
  std::string header(std::string_view name) const;
  // The value of query parameter `name` (exact, case-sensitive); "" if absent.
  std::string query_param(std::string_view name) const;
};

// What the application answers. The server adds `Content-Length` (except for 204 and 304,
// which carry no body), `Server: parcours` and, when the connection will close,
// `Connection: close`; it never adds `Date`.
struct Response {
  int status = 200;  // 200..599; anything else is replaced by a 500 problem
  std::string content_type = "application/json";  // omitted from the response when empty
  std::string body;
  // Extra header fields, written in order. Fields the server owns (Content-Length,
  // Transfer-Encoding, Connection, Server), names that are not tokens and values holding CR,
  // LF or NUL (response splitting) are dropped.
  std::vector<std::pair<std::string, std::string>> headers;
};

// Delivers the response to one request. Safe to call from any thread, at any time: the call
// only queues the response on the connection. Only the first call counts; later calls, calls
// after the server already answered 504 (handler_timeout), after the client went away, or after
// the server stopped are silent no-ops. Copies share the same once-only guard.
using Responder = std::function<void(Response)>;

// The application's entry point, called once per request on an IO thread. It must not block:
// long work (e.g. waiting for a Kafka reply) keeps the Responder and answers later from any
// thread. An exception escaping the handler is answered with a 500 `internal` problem (if the
// Responder was not called yet). The handler may run concurrently on several IO threads for
// different connections, so whatever it captures must be thread-safe.
using Handler = std::function<void(Request&&, Responder)>;

}  // namespace parcours::http
