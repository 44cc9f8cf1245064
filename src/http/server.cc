#include "http/server.h"

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <future>
#include <mutex>
#include <optional>
#include <thread>
#include <utility>
#include <vector>

#include "common/thread_name.h"
#include "http/detail/boost.h"
#include "http/detail/connection.h"
#include "http/detail/server_state.h"

namespace parcours::http {
namespace net = boost::asio;
using tcp = net::ip::tcp;
using detail::Connection;

namespace {

// After a failed accept (e.g. out of file descriptors) the listener waits this long before
// trying again, rather than spinning on the same error.
constexpr std::chrono::milliseconds kAcceptRetryDelay{50};
// After the grace period, connections are closed outright; this bounds the wait for their last
// completions to run.
constexpr std::chrono::milliseconds kAbortWait{2'000};

// A sentence naming the first option that cannot work; empty if all can.
std::string check_options(const ServerOptions& o) {
  if (o.threads < 1) return "threads must be at least 1";
  if (o.max_body_bytes == 0) return "max_body_bytes must be positive";
  if (o.max_header_bytes < 64) return "max_header_bytes must be at least 64";
  if (o.max_connections == 0) return "max_connections must be positive";
  const std::pair<const char*, std::chrono::milliseconds> timeouts[] = {
      {"header_timeout", o.header_timeout}, {"body_timeout", o.body_timeout},
      {"idle_timeout", o.idle_timeout},     {"handler_timeout", o.handler_timeout},
      {"write_timeout", o.write_timeout},   {"linger_timeout", o.linger_timeout}};
  for (const auto& [name, value] : timeouts) {
    if (value.count() <= 0) return std::string(name) + " must be positive";
  }
  return {};
}

}  // namespace

struct Server::Impl {
  Impl(ServerOptions options, Handler handler)
      : state(std::make_shared<detail::ServerState>(std::move(options), std::move(handler))),
        ioc(state->options.threads > 0 ? state->options.threads : 1),
        acceptor(net::make_strand(ioc)),
        retry_timer(acceptor.get_executor()) {}

  bool start(std::string* error);
  void stop(std::chrono::milliseconds grace);
  void accept();
  void on_accept(boost::system::error_code ec, tcp::socket socket);
  // Runs `f(connection)` on the strand of every registered connection.
  template <class F>
  void for_each_connection(F f);
  // Waits until every connection is gone or `deadline`; true if all are gone.
  bool wait_all_closed(std::chrono::steady_clock::time_point deadline);

  const std::shared_ptr<detail::ServerState> state;
  net::io_context ioc;
  tcp::acceptor acceptor;         // on its own strand; touched only there once started
  net::steady_timer retry_timer;  // same strand as the acceptor
  std::optional<net::executor_work_guard<net::io_context::executor_type>> work;
  std::vector<std::thread> threads;
  std::atomic<std::uint16_t> port{0};

  std::mutex lifecycle_mutex;  // serialises start and stop
  bool started = false;        // by lifecycle_mutex
  bool stopped = false;        // by lifecycle_mutex
};

bool Server::Impl::start(std::string* error) {
  std::lock_guard lock(lifecycle_mutex);
  auto fail = [error](std::string message) {
    if (error) *error = std::move(message);
    return false;
  };
  if (started || stopped) return fail("the server was already started");
  if (std::string problem = check_options(state->options); !problem.empty()) {
    return fail("invalid HTTP server options: " + problem);
  }
  boost::system::error_code ec;
  const net::ip::address address = net::ip::make_address(state->options.address, ec);
  if (ec) return fail("invalid listen address \"" + state->options.address + "\"");
  const tcp::endpoint endpoint(address, state->options.port);
  const std::string where = state->options.address + ":" + std::to_string(state->options.port);

  // No thread runs yet, so the acceptor can be used directly here.
  acceptor.open(endpoint.protocol(), ec);
  if (!ec) acceptor.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) acceptor.bind(endpoint, ec);
  if (!ec) acceptor.listen(net::socket_base::max_listen_connections, ec);
  if (ec) {
    boost::system::error_code ignored;
    acceptor.close(ignored);
    return fail("cannot listen on " + where + ": " + ec.message());
  }
  port = acceptor.local_endpoint(ec).port();

  started = true;
  work.emplace(ioc.get_executor());
  net::post(acceptor.get_executor(), [this] { accept(); });
  threads.reserve(static_cast<std::size_t>(state->options.threads));
  for (int i = 0; i < state->options.threads; ++i) {
    threads.emplace_back([this] {
      common::name_this_thread("parcours-http");
      ioc.run();
    });
  }
  return true;
}

void Server::Impl::accept() {
  acceptor.async_accept(net::make_strand(ioc),
                        [this](boost::system::error_code ec, tcp::socket socket) {
                          on_accept(ec, std::move(socket));
                        });
}

void Server::Impl::on_accept(boost::system::error_code ec, tcp::socket socket) {
  if (!acceptor.is_open()) return;  // stop() closed it
  if (ec) {
    retry_timer.expires_after(kAcceptRetryDelay);
    retry_timer.async_wait([this](boost::system::error_code wait_ec) {
      if (!wait_ec && acceptor.is_open()) accept();
    });
    return;
  }
  ++state->connections_total;
  // Counted and decided here, on the acceptor's strand, so the limit is exact.
  const auto mode = state->connections_open.load() >= state->options.max_connections
                        ? Connection::Mode::kOverload
                        : Connection::Mode::kServe;
  auto connection = std::make_shared<Connection>(std::move(socket), state, mode);
  if (state->add_connection(connection)) {
    net::post(connection->executor(), [connection] { connection->start(); });
  }
  accept();
}

template <class F>
void Server::Impl::for_each_connection(F f) {
  std::vector<std::shared_ptr<Connection>> live;
  {
    std::lock_guard lock(state->registry_mutex);
    live.reserve(state->registry.size());
    for (const auto& [key, weak] : state->registry) {
      if (auto c = weak.lock()) live.push_back(std::move(c));
    }
  }
  for (auto& c : live) net::post(c->executor(), [c, f] { f(*c); });
}

bool Server::Impl::wait_all_closed(std::chrono::steady_clock::time_point deadline) {
  std::unique_lock lock(state->registry_mutex);
  return state->all_closed.wait_until(lock, deadline, [this] { return state->registry.empty(); });
}

void Server::Impl::stop(std::chrono::milliseconds grace) {
  if (ioc.get_executor().running_in_this_thread()) {
    // stop() joins the IO threads: from one of them it would wait for itself forever.
    std::fputs("parcours_http: Server::stop called from an IO thread (a handler)\n", stderr);
    std::abort();
  }
  std::lock_guard lock(lifecycle_mutex);
  if (!started || stopped) {
    stopped = true;
    return;
  }
  stopped = true;
  const auto deadline = std::chrono::steady_clock::now() + grace;

  // 1. Refuse new connections: close the listener on its strand and wait until it is closed,
  // so that a connect after stop() began is refused by the system.
  state->draining = true;
  {
    std::lock_guard registry_lock(state->registry_mutex);
    state->refuse_new = true;
  }
  std::promise<void> closed;
  net::post(acceptor.get_executor(), [this, &closed] {
    boost::system::error_code ignored;
    acceptor.close(ignored);
    retry_timer.cancel();
    closed.set_value();
  });
  closed.get_future().wait();

  // 2. Idle connections close now; the others finish their request and then close.
  for_each_connection([](Connection& c) { c.drain(); });
  if (!wait_all_closed(deadline)) {
    // 3. Grace is over: close what remains.
    for_each_connection([](Connection& c) { c.abort(); });
    wait_all_closed(std::chrono::steady_clock::now() + kAbortWait);
  }

  // 4. Responders become no-ops before the io_context stops (see ResponderGate).
  {
    std::unique_lock gate(state->gate->mutex);
    state->gate->open = false;
  }
  work.reset();
  ioc.stop();
  for (auto& t : threads) t.join();
  threads.clear();
}

Server::Server(ServerOptions options, Handler handler)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(handler))) {}

Server::~Server() {
  stop(std::chrono::milliseconds(0));
}

bool Server::start(std::string* error) {
  return impl_->start(error);
}

std::uint16_t Server::port() const {
  return impl_->port;
}

void Server::stop(std::chrono::milliseconds grace) {
  impl_->stop(grace);
}

Stats Server::stats() const {
  const detail::ServerState& s = *impl_->state;
  Stats out;
  out.connections_open = s.connections_open.load(std::memory_order_relaxed);
  out.connections_idle = s.connections_idle.load(std::memory_order_relaxed);
  out.connections_total = s.connections_total.load(std::memory_order_relaxed);
  out.requests_total = s.requests_total.load(std::memory_order_relaxed);
  out.rejected_too_large_total = s.rejected_too_large.load(std::memory_order_relaxed);
  out.rejected_headers_total = s.rejected_headers.load(std::memory_order_relaxed);
  out.rejected_malformed_total = s.rejected_malformed.load(std::memory_order_relaxed);
  out.rejected_overload_total = s.rejected_overload.load(std::memory_order_relaxed);
  out.read_timeouts_total = s.read_timeouts.load(std::memory_order_relaxed);
  out.handler_timeouts_total = s.handler_timeouts.load(std::memory_order_relaxed);
  out.handler_errors_total = s.handler_errors.load(std::memory_order_relaxed);
  return out;
}

}  // namespace parcours::http
