#include "http/detail/connection.h"

#include <algorithm>
#include <atomic>
#include <limits>
#include <string_view>
#include <utility>

#include "http/detail/ascii.h"
#include "http/detail/boost.h"
#include "http/problem.h"

namespace parcours::http::detail {
namespace net = boost::asio;
namespace bhttp = boost::beast::http;
using tcp = net::ip::tcp;

namespace {

constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
constexpr std::size_t kLingerBufferBytes = 4096;

std::string address_of(const tcp::socket& socket) {
  boost::system::error_code ec;
  const tcp::endpoint ep = socket.remote_endpoint(ec);
  return ec ? std::string("unknown") : ep.address().to_string();
}

std::string format_remote(const tcp::socket& socket) {
  boost::system::error_code ec;
  const tcp::endpoint ep = socket.remote_endpoint(ec);
  if (ec) return "unknown";
  const net::ip::address addr = ep.address();
  const std::string host = addr.is_v6() ? "[" + addr.to_string() + "]" : addr.to_string();
  return host + ":" + std::to_string(ep.port());
}

// Beast reports parse errors in its own category, alongside end_of_stream and partial_message,
// which are the client going away rather than a malformed request.
bool is_parse_error(const boost::system::error_code& ec) {
  return ec.category() == bhttp::make_error_code(bhttp::error::bad_target).category() &&
         ec != bhttp::error::end_of_stream && ec != bhttp::error::partial_message;
}

bool is_continue(boost::beast::string_view expect) {
  return iequals(to_std(expect), "100-continue");
}

}  // namespace

Connection::Connection(tcp::socket socket, std::shared_ptr<ServerState> state, Mode mode)
    : socket_(std::move(socket)),
      state_(std::move(state)),
      mode_(mode),
      remote_(format_remote(socket_)),
      address_(address_of(socket_)),
      timer_(socket_.get_executor()) {
  if (mode_ == Mode::kServe) ++state_->connections_open;
  // Each answer is one gather write; waiting for the peer's ACK (Nagle) would only add latency
  // to keep-alive exchanges.
  boost::system::error_code ec;
  socket_.set_option(tcp::no_delay(true), ec);
}

Connection::~Connection() {
  stop_idling();
  if (mode_ == Mode::kServe) --state_->connections_open;
  state_->remove_connection(this);
}

void Connection::start() {
  if (mode_ == Mode::kOverload) {
    ++state_->rejected_overload;
    send(problem_response(503, "unavailable", "Service unavailable",
                          "The server has too many open connections; retry later."),
         false);
    return;
  }
  // The first request's header deadline runs from accept: a connection that sends nothing is
  // as much a slow client as one that sends half a header.
  arm(state_->options.header_timeout);
  wait_for_request();
}

void Connection::drain() {
  draining_ = true;
  if (phase_ == Phase::kIdle) close();
}

void Connection::abort() {
  close();
}

void Connection::deliver(const std::shared_ptr<ResponderGate>& gate,
                         const std::weak_ptr<Connection>& weak, std::uint64_t seq,
                         Response&& response) {
  std::shared_lock lock(gate->mutex);
  if (!gate->open) return;
  // Declared after `lock`, so released before it: if this is the last reference, the connection
  // is destroyed while its io_context is known to be alive.
  const std::shared_ptr<Connection> self = weak.lock();
  if (!self) return;
  net::post(self->executor(), [self, seq, r = std::move(response)]() mutable {
    self->on_response(seq, std::move(r));
  });
}

void Connection::wait_for_request() {
  phase_ = Phase::kIdle;
  if (draining_ || state_->draining) {
    close();
    return;
  }
  if (buffer_.size() > 0) {  // a pipelined request is already buffered
    if (!first_request_) arm(state_->options.header_timeout);
    read_header();
    return;
  }
  if (!first_request_) {
    // Over the idle cap of its address, a keep-alive connection closes rather than wait.
    if (!state_->enter_idle(address_)) {
      close();
      return;
    }
    idle_counted_ = true;
    // Idle keep-alive connections hold no buffer: thousands of them cost little memory.
    buffer_.shrink_to_fit();
    arm(state_->options.idle_timeout);
  }
  socket_.async_wait(tcp::socket::wait_read,
                     [self = shared_from_this()](error_code ec) { self->on_readable(ec); });
}

void Connection::stop_idling() {
  if (!idle_counted_) return;
  idle_counted_ = false;
  state_->leave_idle(address_);
}

void Connection::on_readable(error_code ec) {
  stop_idling();
  if (phase_ == Phase::kClosed) return;
  if (ec) {
    close();
    return;
  }
  if (!first_request_) arm(state_->options.header_timeout);
  read_header();
}

void Connection::read_header() {
  phase_ = Phase::kReadingHeader;
  version_ = 11;
  keep_alive_ = false;
  method_ = Method::kOther;
  parser_.emplace();
  const std::size_t header_limit = std::min<std::size_t>(state_->options.max_header_bytes,
                                                         std::numeric_limits<std::uint32_t>::max());
  parser_->header_limit(static_cast<std::uint32_t>(header_limit));
  parser_->body_limit(state_->options.max_body_bytes);
  bhttp::async_read_header(
      socket_, buffer_, *parser_,
      [self = shared_from_this()](error_code ec, std::size_t) { self->on_header(ec); });
}

void Connection::on_header(error_code ec) {
  if (phase_ == Phase::kClosed) return;
  if (ec || timed_out_) {
    fail_read(ec);
    return;
  }
  const auto& msg = parser_->get();
  version_ = msg.version();
  keep_alive_ = msg.keep_alive();
  method_ = msg.method() == bhttp::verb::head ? Method::kHead : Method::kOther;
  // Beast already refuses a Content-Length over body_limit while parsing the header; checked
  // again here so that the contract (413 before reading any body) does not hang on that detail.
  if (const auto length = parser_->content_length();
      length && *length > state_->options.max_body_bytes) {
    fail_read(bhttp::error::body_limit);
    return;
  }
  if (parser_->is_done()) {
    handle_request();
    return;
  }
  read_body();
}

void Connection::read_body() {
  phase_ = Phase::kReadingBody;
  arm(state_->options.body_timeout);
  auto self = shared_from_this();
  auto read = [self] {
    bhttp::async_read(self->socket_, self->buffer_, *self->parser_,
                      [self](error_code ec, std::size_t) { self->on_body(ec); });
  };
  const bool expects_continue = version_ == 11 && is_continue(parser_->get()[bhttp::field::expect]);
  if (!expects_continue) {
    read();
    return;
  }
  // The client waits for this interim answer before sending the body (RFC 9110 §10.1.1); the
  // limits were checked on the header, so the body is welcome.
  net::async_write(socket_, net::buffer(kContinue.data(), kContinue.size()),
                   [self, read](error_code ec, std::size_t) {
                     if (self->phase_ == Phase::kClosed) return;
                     if (ec || self->timed_out_) {
                       self->fail_read(ec);
                       return;
                     }
                     read();
                   });
}

void Connection::on_body(error_code ec) {
  if (phase_ == Phase::kClosed) return;
  if (ec || timed_out_) {
    fail_read(ec);
    return;
  }
  handle_request();
}

void Connection::fail_read(error_code ec) {
  // After any of these the request stream is out of step (unread body, unknown framing), so
  // every answer closes the connection.
  const ServerOptions& o = state_->options;
  if (timed_out_) {
    send(problem_response(408, "timeout", "Request timeout",
                          "The request did not arrive within the time allowed."),
         false);
  } else if (ec == bhttp::error::body_limit) {
    ++state_->rejected_too_large;
    send(problem_response(413, "too_large", "Content too large",
                          "The request body exceeds the limit of " +
                              std::to_string(o.max_body_bytes) + " bytes."),
         false);
  } else if (ec == bhttp::error::header_limit) {
    ++state_->rejected_headers;
    send(problem_response(431, "malformed", "Request header fields too large",
                          "The request header exceeds the limit of " +
                              std::to_string(o.max_header_bytes) + " bytes."),
         false);
  } else if (is_parse_error(ec)) {
    ++state_->rejected_malformed;
    send(problem_response(400, "malformed", "Malformed request",
                          "The request is not valid HTTP/1.1."),
         false);
  } else {
    close();  // the client went away or the socket failed: nobody to answer
  }
}

void Connection::handle_request() {
  phase_ = Phase::kHandling;
  const std::uint64_t seq = ++seq_;
  std::optional<Request> request = to_request(parser_->release(), remote_);
  parser_.reset();
  if (!request) {
    // The message was read whole, so the stream is still in step: keep-alive survives.
    ++state_->rejected_malformed;
    send(problem_response(400, "malformed", "Malformed request target",
                          "The request target is not a valid path and query "
                          "(check its percent-encoding)."),
         keep_alive_after_answer());
    return;
  }
  ++state_->requests_total;
  arm(state_->options.handler_timeout);

  // Copies of the Responder share `used`, so only the first call of any copy counts.
  auto used = std::make_shared<std::atomic<bool>>(false);
  Responder responder = [gate = state_->gate, weak = weak_from_this(), seq, used](Response r) {
    if (used->exchange(true)) return;
    deliver(gate, weak, seq, std::move(r));
  };
  try {
    state_->handler(std::move(*request), responder);
  } catch (...) {
    // Exceptions stop at this edge (STYLE habit 4). Their text may describe internals, so the
    // client only learns that something failed.
    ++state_->handler_errors;
    responder(
        problem_response(500, "internal", "Internal error", "The request could not be processed."));
  }
}

void Connection::on_response(std::uint64_t seq, Response&& response) {
  // Stale: the server already answered this request (504) or the connection is closing.
  if (phase_ != Phase::kHandling || seq != seq_) return;
  send(std::move(response), keep_alive_after_answer());
}

bool Connection::keep_alive_after_answer() const {
  return keep_alive_ && !draining_ && !state_->draining;
}

void Connection::send(Response&& response, bool keep_alive) {
  phase_ = Phase::kWriting;
  out_.emplace(to_wire(std::move(response), version_, keep_alive, method_));
  arm(state_->options.write_timeout);
  bhttp::async_write(socket_, *out_,
                     [self = shared_from_this(), keep_alive](error_code ec, std::size_t) {
                       self->on_write(keep_alive, ec);
                     });
}

void Connection::on_write(bool keep_alive, error_code ec) {
  if (phase_ == Phase::kClosed) return;
  out_.reset();
  if (ec) {
    close();
    return;
  }
  if (!keep_alive) {
    linger();
    return;
  }
  first_request_ = false;
  timed_out_ = false;
  wait_for_request();
}

void Connection::linger() {
  // Closing a socket with unread input makes the kernel send a reset, which can destroy the
  // answer before the client reads it. So: half-close, then read and discard until the client
  // closes too or linger_timeout expires.
  phase_ = Phase::kLingering;
  error_code ec;
  socket_.shutdown(tcp::socket::shutdown_send, ec);
  if (ec) {
    close();
    return;
  }
  buffer_.clear();
  buffer_.shrink_to_fit();
  arm(state_->options.linger_timeout);
  if (!linger_buffer_) linger_buffer_ = std::make_unique<char[]>(kLingerBufferBytes);
  socket_.async_read_some(net::buffer(linger_buffer_.get(), kLingerBufferBytes),
                          [self = shared_from_this()](error_code read_ec, std::size_t) {
                            self->on_linger_read(read_ec);
                          });
}

void Connection::on_linger_read(error_code ec) {
  if (phase_ == Phase::kClosed) return;
  if (ec) {  // eof: the client closed its side; anything else: nothing more to wait for
    close();
    return;
  }
  socket_.async_read_some(net::buffer(linger_buffer_.get(), kLingerBufferBytes),
                          [self = shared_from_this()](error_code read_ec, std::size_t) {
                            self->on_linger_read(read_ec);
                          });
}

void Connection::close() {
  stop_idling();
  if (phase_ == Phase::kClosed) return;
  phase_ = Phase::kClosed;
  timer_.cancel();
  error_code ec;
  socket_.close(ec);  // completes pending operations with operation_aborted
}

void Connection::arm(std::chrono::milliseconds timeout) {
  timer_.expires_after(timeout);  // cancels the previous wait, if any
  timer_.async_wait([self = shared_from_this(), generation = ++timer_generation_](error_code ec) {
    self->on_timer(generation, ec);
  });
}

void Connection::on_timer(std::uint64_t generation, error_code ec) {
  // A wait that expired just before being re-armed still completes without error: the
  // generation tells it apart.
  if (ec || generation != timer_generation_) return;
  switch (phase_) {
    case Phase::kIdle:
      if (first_request_) ++state_->read_timeouts;  // connected but never sent a byte
      close();
      return;
    case Phase::kReadingHeader:
    case Phase::kReadingBody: {
      // Cancel the read; its completion sees timed_out_ and answers 408.
      ++state_->read_timeouts;
      timed_out_ = true;
      error_code cancel_ec;
      socket_.cancel(cancel_ec);
      return;
    }
    case Phase::kHandling:
      ++state_->handler_timeouts;
      send(problem_response(504, "timeout", "Timeout",
                            "The request was not answered in time; its outcome is unknown."),
           keep_alive_after_answer());
      return;
    case Phase::kWriting:
    case Phase::kLingering:
      close();
      return;
    case Phase::kClosed:
      return;
  }
}

}  // namespace parcours::http::detail
