// State shared by the server and all its connections. Internal to parcours_http.
//
// Connections hold it by shared_ptr, so it outlives every connection whatever the order of
// destruction at shutdown. Responders hold only its ResponderGate and a weak_ptr to their
// connection.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <unordered_map>

#include "http/options.h"
#include "http/request.h"

namespace parcours::http::detail {

class Connection;

// Responders post onto connection strands only while `open` holds, under a shared lock; stop()
// clears it under the exclusive lock before it stops the io_context, so no Responder ever
// touches an io_context being stopped or destroyed.
struct ResponderGate {
  std::shared_mutex mutex;
  bool open = true;  // by mutex
};

struct ServerState {
  ServerState(ServerOptions o, Handler h) : options(std::move(o)), handler(std::move(h)) {}

  const ServerOptions options;
  const Handler handler;

  // Counters (Stats). Relaxed: each is a metric on its own.
  std::atomic<std::uint64_t> connections_open{0};
  std::atomic<std::uint64_t> connections_idle{0};
  std::atomic<std::uint64_t> connections_total{0};
  std::atomic<std::uint64_t> requests_total{0};
  std::atomic<std::uint64_t> rejected_too_large{0};
  std::atomic<std::uint64_t> rejected_headers{0};
  std::atomic<std::uint64_t> rejected_malformed{0};
  std::atomic<std::uint64_t> rejected_overload{0};
  std::atomic<std::uint64_t> read_timeouts{0};
  std::atomic<std::uint64_t> handler_timeouts{0};
  std::atomic<std::uint64_t> handler_errors{0};

  // Set once stop() begins; connections then answer with `Connection: close`.
  std::atomic<bool> draining{false};

  // Every live connection, so stop() can drain or close them. A connection adds itself through
  // add_connection and removes itself in its destructor; `all_closed` is notified when the
  // registry empties.
  std::mutex registry_mutex;
  std::unordered_map<const Connection*, std::weak_ptr<Connection>> registry;  // by registry_mutex
  bool refuse_new = false;                                                    // by registry_mutex
  std::condition_variable all_closed;

  // Closed by stop() before the io_context stops. Held by every Responder, apart from this
  // state: a Responder must not own the handler, or an application object that captures in its
  // handler what stores Responders would form a reference cycle and leak.
  const std::shared_ptr<ResponderGate> gate = std::make_shared<ResponderGate>();

  // Registers `c`; false once stop() began (the connection must then be dropped).
  bool add_connection(const std::shared_ptr<Connection>& c) {
    std::lock_guard lock(registry_mutex);
    if (refuse_new) return false;
    registry.emplace(c.get(), c);
    return true;
  }

  // Idle keep-alive connections per client address (ServerOptions::max_idle_per_address).
  std::unordered_map<std::string, std::size_t> idle_by_address;  // by registry_mutex

  // Counts one more idle connection from `address`; false (nothing counted) over the cap.
  bool enter_idle(const std::string& address) {
    if (options.max_idle_per_address > 0) {
      std::lock_guard lock(registry_mutex);
      auto& n = idle_by_address[address];
      if (n >= options.max_idle_per_address) return false;
      ++n;
    }
    ++connections_idle;
    return true;
  }
  void leave_idle(const std::string& address) {
    --connections_idle;
    if (options.max_idle_per_address == 0) return;
    std::lock_guard lock(registry_mutex);
    auto it = idle_by_address.find(address);
    if (it != idle_by_address.end() && --it->second == 0) idle_by_address.erase(it);
  }

  void remove_connection(const Connection* c) {
    std::lock_guard lock(registry_mutex);
    registry.erase(c);
    if (registry.empty()) all_closed.notify_all();
  }
};

}  // namespace parcours::http::detail
