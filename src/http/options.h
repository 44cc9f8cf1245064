// Settings of one HTTP server. Plain data; read once by Server::start, which rejects values that
// cannot work. None of them changes while the server runs.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>

namespace parcours::http {

struct ServerOptions {
  // Address to listen on, IPv4 or IPv6 literal. Default: "127.0.0.1" (loopback only).
  std::string address = "127.0.0.1";
  // TCP port; 0 asks the system for a free one (read it back with Server::port()).
  // Default: 8080.
  std::uint16_t port = 8080;
  // IO threads running every connection. Connections are multiplexed on them (one strand per
  // connection), so a few threads hold thousands of keep-alive connections. Default: 2.
  int threads = 2;

  // Largest request body accepted, in bytes, declared (Content-Length, checked before reading
  // the body) or chunked (checked while reading). Beyond: 413 `too_large`, connection closed.
  // Default: 1 MiB.
  std::size_t max_body_bytes = std::size_t{1} << 20;
  // Largest request header block (request line and fields), in bytes. Beyond: 431 `malformed`,
  // connection closed. Default: 16 KiB.
  std::size_t max_header_bytes = std::size_t{16} << 10;

  // Time for a request's whole header block to arrive, counted from the connection's accept for
  // the first request and from the request's first byte for the next ones. Guards against slow
  // clients holding connections open (slowloris). Expiry: 408 `timeout` if part of a request
  // arrived, then close. Default: 10 s.
  std::chrono::milliseconds header_timeout{10'000};
  // Time for the whole body to arrive, counted from the end of the header. Expiry: 408
  // `timeout`, then close. Default: 30 s.
  std::chrono::milliseconds body_timeout{30'000};
  // How long a keep-alive connection may wait for its next request's first byte. Expiry: silent
  // close. Default: 60 s.
  std::chrono::milliseconds idle_timeout{60'000};
  // How long the application may take to call the Responder. Expiry: 504 `timeout` (the outcome
  // of the request is unknown to the client); a later Responder call is ignored. Default: 30 s.
  std::chrono::milliseconds handler_timeout{30'000};
  // Time to write one response to a client that does not read. Expiry: close. Default: 30 s.
  std::chrono::milliseconds write_timeout{30'000};
  // After an answer that closes the connection (errors, `Connection: close`), how long the
  // server keeps reading and discarding what the client still sends before closing, so that the
  // client reads the answer instead of a TCP reset. Default: 1 s.
  std::chrono::milliseconds linger_timeout{1'000};

  // Connections served at once. Beyond: the connection is accepted, answered 503 `unavailable`
  // and closed. Default: 10 000.
  std::size_t max_connections = 10'000;
  // Idle keep-alive connections from one client address at once. A connection that would go
  // idle beyond it is closed instead (silently, as at idle_timeout), so that one address cannot
  // hold the whole of max_connections open doing nothing. 0: no cap. Default: 256.
  std::size_t max_idle_per_address = 256;
};

// Counters for metrics, read with Server::stats(). Totals count since start.
struct Stats {
  std::uint64_t connections_open = 0;          // served connections open now (gauge)
  std::uint64_t connections_idle = 0;          // of which idle keep-alive ones (gauge)
  std::uint64_t connections_total = 0;         // accepted, including the ones refused with 503
  std::uint64_t requests_total = 0;            // complete requests handed to the handler
  std::uint64_t rejected_too_large_total = 0;  // 413: body over max_body_bytes
  std::uint64_t rejected_headers_total = 0;    // 431: header over max_header_bytes
  std::uint64_t rejected_malformed_total = 0;  // 400: unparsable request or target
  std::uint64_t rejected_overload_total = 0;   // 503: over max_connections
  std::uint64_t read_timeouts_total = 0;       // header or body did not arrive in time
  std::uint64_t handler_timeouts_total = 0;    // 504: the application did not answer in time
  std::uint64_t handler_errors_total = 0;      // 500: the handler threw
};

}  // namespace parcours::http
