// One client connection: reads requests, hands them to the handler, writes the answers.
// Internal to parcours_http.
//
// Life cycle (phases), one at a time, every step on the connection's strand:
//   kIdle          waiting for the first byte of a request (no buffer held)
//   kReadingHeader until the header block is parsed          (header_timeout)
//   kReadingBody   until the body is read                    (body_timeout)
//   kHandling      until the Responder is called             (handler_timeout → 504)
//   kWriting       until the answer is written               (write_timeout)
//   kLingering     after a closing answer: half-closed, discarding input (linger_timeout)
//   kClosed        socket closed; pending completions only release the object
// One steady_timer enforces the deadline of the current phase. A pending asynchronous operation
// or timer wait holds a shared_ptr to the connection; the object dies when the last completes.
// Responders hold only a weak_ptr, so they never keep a connection alive.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "http/detail/boost.h"
#include "http/detail/server_state.h"
#include "http/detail/wire.h"
#include "http/request.h"

namespace parcours::http::detail {

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  enum class Mode {
    kServe,     // a normal connection, counted in connections_open
    kOverload,  // over max_connections: answer 503 and close without reading a request
  };

  // `socket` must be bound to a strand executor of its own; every member below runs on it.
  Connection(boost::asio::ip::tcp::socket socket, std::shared_ptr<ServerState> state, Mode mode);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // The connection's strand: post start/drain/abort onto it.
  boost::asio::any_io_executor executor() { return socket_.get_executor(); }

  // Begins serving (or, in kOverload mode, answering 503).
  void start();
  // Graceful stop: an idle connection closes now; one with a request in progress finishes it
  // and answers with `Connection: close`.
  void drain();
  // Closes now, whatever the phase.
  void abort();

  // The Responder's path: queues `response` for request `seq` of `weak` (see request.h for the
  // contract). Safe from any thread.
  static void deliver(const std::shared_ptr<ResponderGate>& gate,
                      const std::weak_ptr<Connection>& weak, std::uint64_t seq,
                      Response&& response);

 private:
  enum class Phase {
    kIdle,
    kReadingHeader,
    kReadingBody,
    kHandling,
    kWriting,
    kLingering,
    kClosed
  };
  using error_code = boost::system::error_code;

  void wait_for_request();
  void on_readable(error_code ec);
  void read_header();
  void on_header(error_code ec);
  void read_body();
  void on_body(error_code ec);
  // Answers a read error: 408, 413, 431 or 400 as the error says, or a silent close when the
  // client went away.
  void fail_read(error_code ec);
  void handle_request();
  void on_response(std::uint64_t seq, Response&& response);
  void send(Response&& response, bool keep_alive);
  void on_write(bool keep_alive, error_code ec);
  void linger();
  void on_linger_read(error_code ec);
  void close();
  void arm(std::chrono::milliseconds timeout);
  void on_timer(std::uint64_t generation, error_code ec);
  bool keep_alive_after_answer() const;

  boost::asio::ip::tcp::socket socket_;
  const std::shared_ptr<ServerState> state_;
  const Mode mode_;
  std::string remote_;         // "ip:port", computed once at accept
  std::string address_;        // "ip": the key of the idle cap per address
  bool idle_counted_ = false;  // counted in ServerState::idle_by_address
  void stop_idling();
  boost::asio::steady_timer timer_;
  std::uint64_t timer_generation_ = 0;  // a timer completion of an older arm() is stale

  Phase phase_ = Phase::kIdle;
  bool first_request_ = true;  // the header deadline then runs from accept
  bool timed_out_ = false;     // the current read was cancelled by its deadline
  bool draining_ = false;

  boost::beast::flat_buffer buffer_;  // bytes read ahead of the parser (pipelining)
  std::optional<boost::beast::http::request_parser<boost::beast::http::string_body>> parser_;
  unsigned version_ = 11;            // of the request being served: the answer uses the same
  bool keep_alive_ = false;          // what the request being served asked for
  Method method_ = Method::kOther;   // HEAD answers carry no body
  std::uint64_t seq_ = 0;            // number of the request being handled; Responders carry theirs
  std::optional<WireResponse> out_;  // the answer being written
  std::unique_ptr<char[]> linger_buffer_;  // discarded input, allocated only when lingering
};

}  // namespace parcours::http::detail
