// Many connections, Responders outliving their connection or server, and graceful stop.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "http/server.h"
#include "http/testing/raw_client.h"

namespace parcours::http {
namespace {
using namespace std::chrono_literals;
using testing::RawClient;

ServerOptions test_options() {
  ServerOptions o;
  o.port = 0;
  o.threads = 2;
  o.header_timeout = 2s;
  o.body_timeout = 2s;
  o.idle_timeout = 5s;
  o.handler_timeout = 3s;
  o.write_timeout = 2s;
  o.linger_timeout = 500ms;
  return o;
}

std::unique_ptr<Server> start_server(ServerOptions o, Handler h) {
  auto server = std::make_unique<Server>(std::move(o), std::move(h));
  std::string error;
  EXPECT_TRUE(server->start(&error)) << error;
  return server;
}

std::string get(const std::string& target) {
  return "GET " + target + " HTTP/1.1\r\nHost: test\r\n\r\n";
}

Response text(std::string body) {
  Response r;
  r.content_type = "text/plain";
  r.body = std::move(body);
  return r;
}

// Keeps Responders handed to the handler until the test answers them.
class Pending {
 public:
  void add(Responder r) {
    std::lock_guard lock(m_);
    responders_.push_back(std::move(r));
    cv_.notify_all();
  }
  // Waits until `n` Responders arrived; false after 2 s.
  bool wait_for(std::size_t n) {
    std::unique_lock lock(m_);
    return cv_.wait_for(lock, 2s, [&] { return responders_.size() >= n; });
  }
  Responder at(std::size_t i) {
    std::lock_guard lock(m_);
    return responders_.at(i);
  }

 private:
  std::mutex m_;
  std::condition_variable cv_;
  std::vector<Responder> responders_;
};

bool wait_until(const std::function<bool()>& condition) {
  const auto deadline = std::chrono::steady_clock::now() + 2s;
  while (!condition()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(2ms);
  }
  return true;
}

TEST(Lifecycle, ServesTwoHundredConcurrentConnections) {
  constexpr int kClients = 200;
  // Every request is answered from a worker thread once all of them have arrived, so all
  // connections are open and in flight at the same time.
  Pending pending;
  auto server = start_server(test_options(), [&](Request&& req, Responder respond) {
    (void)req;
    pending.add(std::move(respond));
  });
  std::vector<std::unique_ptr<RawClient>> clients;
  for (int i = 0; i < kClients; ++i) {
    clients.push_back(std::make_unique<RawClient>(server->port()));
    ASSERT_TRUE(clients.back()->connected());
    ASSERT_TRUE(clients.back()->send(get("/c/" + std::to_string(i))));
  }
  ASSERT_TRUE(pending.wait_for(kClients));
  EXPECT_EQ(server->stats().connections_open, static_cast<std::uint64_t>(kClients));
  std::thread worker([&] {
    for (int i = 0; i < kClients; ++i) pending.at(static_cast<std::size_t>(i))(text("ok"));
  });
  for (auto& c : clients) {
    const auto r = c->read_response();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200);
    EXPECT_EQ(r->body, "ok");
  }
  worker.join();
  EXPECT_EQ(server->stats().requests_total, static_cast<std::uint64_t>(kClients));
  clients.clear();
  EXPECT_TRUE(wait_until([&] { return server->stats().connections_open == 0; }));
}

TEST(Lifecycle, ResponderAfterTheClientLeftIsHarmless) {
  Pending pending;
  auto server = start_server(
      test_options(), [&](Request&&, Responder respond) { pending.add(std::move(respond)); });
  {
    RawClient c(server->port());
    ASSERT_TRUE(c.send(get("/gone")));
    ASSERT_TRUE(pending.wait_for(1));
  }  // the client closes before the answer
  pending.at(0)(text("nobody reads this"));
  pending.at(0)(text("nor this"));
  EXPECT_TRUE(wait_until([&] { return server->stats().connections_open == 0; }));

  // The server still serves others.
  RawClient other(server->port());
  ASSERT_TRUE(other.send(get("/next")));
  ASSERT_TRUE(pending.wait_for(2));
  pending.at(1)(text("fine"));
  const auto r = other.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->body, "fine");
}

TEST(Lifecycle, ResponderAfterTheServerIsDestroyedIsHarmless) {
  Pending pending;
  {
    auto server = start_server(
        test_options(), [&](Request&&, Responder respond) { pending.add(std::move(respond)); });
    RawClient c(server->port());
    ASSERT_TRUE(c.send(get("/")));
    ASSERT_TRUE(pending.wait_for(1));
  }                                 // ~Server stops with no grace
  pending.at(0)(text("too late"));  // neither crashes nor leaks (ASan)
}

TEST(Lifecycle, KeptRespondersDoNotKeepTheHandlerAlive) {
  // The usual shape of an application: its handler captures an object that keeps Responders
  // until replies come. Were Responders to own the handler, this would be a cycle and leak.
  auto pending = std::make_shared<Pending>();
  const std::weak_ptr<Pending> watch = pending;
  {
    auto server = start_server(test_options(), [pending](Request&&, Responder respond) {
      pending->add(std::move(respond));
    });
    RawClient c(server->port());
    ASSERT_TRUE(c.send(get("/")));
    ASSERT_TRUE(pending->wait_for(1));
  }
  pending.reset();
  EXPECT_TRUE(watch.expired());
}

TEST(Lifecycle, StopDrainsAnInFlightRequestAndRefusesNewConnections) {
  Pending pending;
  auto server = start_server(test_options(), [&](Request&& req, Responder respond) {
    if (req.path == "/fast") {
      respond(text("fast"));
      return;
    }
    pending.add(std::move(respond));
  });
  const std::uint16_t port = server->port();

  RawClient idle(port);  // a keep-alive connection between requests
  ASSERT_TRUE(idle.send(get("/fast")));
  ASSERT_TRUE(idle.read_response());

  RawClient busy(port);
  ASSERT_TRUE(busy.send(get("/slow")));
  ASSERT_TRUE(pending.wait_for(1));

  const auto start = std::chrono::steady_clock::now();
  auto stopped = std::async(std::launch::async, [&] { server->stop(5s); });

  // Idle connections are closed at once; new connections are refused.
  EXPECT_TRUE(idle.closed_within(2s));
  EXPECT_TRUE(wait_until([&] { return !RawClient(port).connected(); }));
  EXPECT_EQ(stopped.wait_for(100ms), std::future_status::timeout);  // still draining

  // The in-flight request completes, announcing the close.
  std::this_thread::sleep_for(100ms);
  pending.at(0)(text("slow but complete"));
  const auto r = busy.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "slow but complete");
  EXPECT_EQ(r->header("connection"), "close");
  EXPECT_TRUE(busy.closed_within(2s));

  stopped.get();
  EXPECT_LT(std::chrono::steady_clock::now() - start, 3s);  // did not wait for the whole grace
  EXPECT_FALSE(RawClient(port).connected());
  EXPECT_EQ(server->stats().connections_open, 0u);
  server->stop(1s);  // idempotent
}

TEST(Lifecycle, StopClosesWhatRemainsAfterTheGrace) {
  Pending pending;
  auto server = start_server(test_options(), [&](Request&&, Responder respond) {
    pending.add(std::move(respond));  // never answered
  });
  RawClient c(server->port());
  ASSERT_TRUE(c.send(get("/stuck")));
  ASSERT_TRUE(pending.wait_for(1));
  const auto start = std::chrono::steady_clock::now();
  server->stop(200ms);
  const auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_GE(elapsed, 150ms);
  EXPECT_LT(elapsed, 2s);
  EXPECT_TRUE(c.closed_within(1s));
  pending.at(0)(text("after stop"));  // a no-op
}

TEST(Lifecycle, StopBeforeStartAndDestructionWithoutStartAreFine) {
  Server never(test_options(), [](Request&&, Responder) {});
  never.stop(1s);
  std::string error;
  EXPECT_FALSE(never.start(&error));  // a stopped server does not start again
  Server unused(test_options(), [](Request&&, Responder) {});
}

}  // namespace
}  // namespace parcours::http
