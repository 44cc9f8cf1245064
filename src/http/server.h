// An asynchronous HTTP/1.1 server (Boost.Beast on Asio) that hands every request to one
// application Handler.
//
// What the server does on its own, before or instead of the handler:
//  - keep-alive and `Connection: close`, pipelined requests answered in order;
//  - `Expect: 100-continue` answered before reading the body;
//  - HEAD: the application answers as for GET; the server sends the header only;
//  - limits and timeouts of ServerOptions, each answered with a problem+json (problem.h):
//      400 malformed    unparsable request, or a target that is not valid percent-encoding
//      413 too_large    body over max_body_bytes (declared or chunked)
//      431 malformed    header over max_header_bytes
//      408 timeout      header or body too slow (then close)
//      503 unavailable  over max_connections (then close)
//      504 timeout      handler did not answer within handler_timeout
//      500 internal     the handler threw, or answered an invalid status
//    Errors that leave the request stream out of step (400 from the parser, 408, 413, 431, 503)
//    close the connection after the answer.
// Routing, 404 and 405 belong to the application.
//
// Thread-safety: start, stop, port and stats may be called from any thread except the IO
// threads (stop joins them: calling it, or ~Server, from a handler aborts the process).
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "http/options.h"
#include "http/problem.h"
#include "http/request.h"

namespace parcours::http {

class Server {
 public:
  Server(ServerOptions options, Handler handler);
  // Stops with no grace (stop(0ms)) if still running.
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Checks the options, binds, listens and starts the IO threads. On failure (invalid option,
  // address not parsable, port in use, ...) returns false, sets *error (if not null) to a
  // sentence, and starts nothing. Call at most once; a stopped server cannot start again.
  [[nodiscard]] bool start(std::string* error);

  // The bound port (the system's choice when options.port was 0); 0 before start succeeded.
  std::uint16_t port() const;

  // Graceful drain, for SIGTERM: stops accepting (new connections are refused), closes idle
  // keep-alive connections, lets requests in progress be read, handled and answered (with
  // `Connection: close`) for up to `grace`, then closes whatever remains and joins the IO
  // threads. Responders called afterwards do nothing. Idempotent; returns when all is stopped.
  void stop(std::chrono::milliseconds grace);

  // A snapshot of the counters; consistent per counter, not across counters.
  Stats stats() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace parcours::http
