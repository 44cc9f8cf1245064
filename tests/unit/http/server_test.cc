// Exchanges with a live server on 127.0.0.1: keep-alive, asynchronous answers, decoding,
// response framing, and errors the application causes.
#include "http/server.h"

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

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
  o.handler_timeout = 2s;
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

std::string get(const std::string& target, const std::string& extra = "") {
  return "GET " + target + " HTTP/1.1\r\nHost: test\r\n" + extra + "\r\n";
}

// Answers with a JSON echo of what the server parsed.
void echo(Request&& req, Responder respond) {
  nlohmann::json j;
  j["method"] = req.method;
  j["target"] = req.target;
  j["path"] = req.path;
  j["query"] = req.query;
  j["body"] = req.body;
  j["x_test"] = req.header("X-Test");
  j["remote_is_loopback"] = req.remote.rfind("127.0.0.1:", 0) == 0;
  Response r;
  r.body = j.dump();
  respond(std::move(r));
}

nlohmann::json body_json(const testing::RawResponse& r) {
  return nlohmann::json::parse(r.body);
}

TEST(Server, ServesSeveralRequestsOnOneKeepAliveConnection) {
  auto server = start_server(test_options(), echo);
  RawClient c(server->port());
  ASSERT_TRUE(c.connected());

  ASSERT_TRUE(c.send(get("/one", "X-Test: a\r\n")));
  auto r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(body_json(*r)["path"], "/one");
  EXPECT_EQ(body_json(*r)["x_test"], "a");
  EXPECT_EQ(body_json(*r)["remote_is_loopback"], true);

  ASSERT_TRUE(c.send("POST /two HTTP/1.1\r\nHost: test\r\nContent-Length: 5\r\n\r\nhello"));
  r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(body_json(*r)["method"], "POST");
  EXPECT_EQ(body_json(*r)["body"], "hello");

  // Two pipelined requests in one write are answered in order.
  ASSERT_TRUE(c.send(get("/three") + get("/four")));
  r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(body_json(*r)["path"], "/three");
  r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(body_json(*r)["path"], "/four");

  const Stats s = server->stats();
  EXPECT_EQ(s.connections_total, 1u);
  EXPECT_EQ(s.requests_total, 4u);
  EXPECT_EQ(s.connections_open, 1u);
}

TEST(Server, AddsMinimalHeadersAndDropsUnsafeOnes) {
  auto server = start_server(test_options(), [](Request&&, Responder respond) {
    Response r;
    r.status = 201;
    r.body = R"({"ok":true})";
    r.headers = {{"Location", "/v1/x"},
                 {"Content-Length", "999"},
                 {"X-Bad", "a\r\nInjected: yes"},
                 {"Bad Name", "v"},
                 {"Connection", "close"}};
    respond(std::move(r));
  });
  RawClient c(server->port());
  ASSERT_TRUE(c.send(get("/")));
  const auto r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 201);
  EXPECT_EQ(r->header("content-length"), "11");
  EXPECT_EQ(r->header("content-type"), "application/json");
  EXPECT_EQ(r->header("server"), "parcours");
  EXPECT_EQ(r->header("location"), "/v1/x");
  EXPECT_FALSE(r->has("date"));
  EXPECT_FALSE(r->has("x-bad"));
  EXPECT_FALSE(r->has("injected"));
  EXPECT_FALSE(r->has("connection"));  // keep-alive is HTTP/1.1's default
  EXPECT_EQ(r->body, R"({"ok":true})");
}

TEST(Server, NoContentHasNeitherBodyNorLength) {
  auto server = start_server(test_options(), [](Request&&, Responder respond) {
    Response r;
    r.status = 204;
    r.body = "ignored";
    respond(std::move(r));
  });
  RawClient c(server->port());
  ASSERT_TRUE(c.send(get("/") + get("/")));
  for (int i = 0; i < 2; ++i) {
    const auto r = c.read_response();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 204);
    EXPECT_FALSE(r->has("content-length"));
    EXPECT_FALSE(r->has("content-type"));
  }
}

TEST(Server, HandlerMayAnswerLaterFromAnotherThread) {
  std::mutex m;
  std::vector<std::thread> workers;
  {
    auto server = start_server(test_options(), [&](Request&& req, Responder respond) {
      std::lock_guard lock(m);
      workers.emplace_back([path = req.path, respond] {
        std::this_thread::sleep_for(100ms);
        Response r;
        r.body = "\"" + path + "\"";
        respond(r);
        respond(Response{});  // a second call is a no-op
      });
    });
    RawClient c(server->port());
    const auto start = std::chrono::steady_clock::now();
    for (const std::string path : {"/a", "/b"}) {
      ASSERT_TRUE(c.send(get(path)));
      const auto r = c.read_response();
      ASSERT_TRUE(r);
      EXPECT_EQ(r->status, 200);
      EXPECT_EQ(r->body, "\"" + path + "\"");
    }
    EXPECT_GE(std::chrono::steady_clock::now() - start, 200ms);
    // The ignored second answers did not reach the wire.
    EXPECT_FALSE(c.read_response(100ms));
  }
  for (auto& t : workers) t.join();
}

TEST(Server, DecodesPathAndQuery) {
  auto server = start_server(test_options(), echo);
  RawClient c(server->port());
  ASSERT_TRUE(c.send(get("/v1/journeys/j%2D1%20x?as_of=2024-01-01&q=a+b%26c&empty&x=1&x=2")));
  const auto r = c.read_response();
  ASSERT_TRUE(r);
  const auto j = body_json(*r);
  EXPECT_EQ(j["target"], "/v1/journeys/j%2D1%20x?as_of=2024-01-01&q=a+b%26c&empty&x=1&x=2");
  EXPECT_EQ(j["path"], "/v1/journeys/j-1 x");
  EXPECT_EQ(j["query"],
            nlohmann::json({{"as_of", "2024-01-01"}, {"q", "a b&c"}, {"empty", ""}, {"x", "2"}}));
}

TEST(Server, InvalidPercentEncodingIs400AndKeepsTheConnection) {
  auto server = start_server(test_options(), echo);
  RawClient c(server->port());
  ASSERT_TRUE(c.send(get("/a%zz")));
  auto r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  EXPECT_EQ(r->header("content-type"), "application/problem+json");
  EXPECT_EQ(r->body, problem_body(400, "malformed", "Malformed request target",
                                  "The request target is not a valid path and query (check its "
                                  "percent-encoding)."));
  ASSERT_TRUE(c.send(get("/after?v=%41")));
  r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(body_json(*r)["query"]["v"], "A");
  EXPECT_EQ(server->stats().rejected_malformed_total, 1u);
}

TEST(Server, ConnectionCloseAndHttp10CloseAfterTheAnswer) {
  auto server = start_server(test_options(), echo);
  {
    RawClient c(server->port());
    ASSERT_TRUE(c.send(get("/", "Connection: close\r\n")));
    const auto r = c.read_response();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200);
    EXPECT_EQ(r->header("connection"), "close");
    EXPECT_TRUE(c.closed_within(2s));
  }
  {
    RawClient c(server->port());
    ASSERT_TRUE(c.send("GET /old HTTP/1.0\r\n\r\n"));
    const auto r = c.read_response();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->head.substr(0, 8), "HTTP/1.0");
    EXPECT_EQ(body_json(*r)["path"], "/old");
    EXPECT_TRUE(c.closed_within(2s));
  }
  {
    RawClient c(server->port());
    ASSERT_TRUE(c.send("GET /old HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"));
    const auto r = c.read_response();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->header("connection"), "keep-alive");
    ASSERT_TRUE(c.send("GET /again HTTP/1.0\r\n\r\n"));
    ASSERT_TRUE(c.read_response());
  }
}

TEST(Server, HeadAnswersCarryTheLengthButNoBody) {
  auto server = start_server(test_options(), echo);
  RawClient c(server->port());
  ASSERT_TRUE(c.send("HEAD /h HTTP/1.1\r\nHost: t\r\n\r\n" + get("/g")));
  const auto head = c.read_response(5s, RawClient::Body::kNone);
  ASSERT_TRUE(head);
  EXPECT_EQ(head->status, 200);
  // Nothing follows the header: the next bytes are the GET's answer.
  const auto next = c.read_response();
  ASSERT_TRUE(next);
  EXPECT_EQ(body_json(*next)["path"], "/g");
  // The HEAD's Content-Length is the length the GET of the same target would have: the echo
  // differs only in method ("HEAD" vs "GET") and path ("/h" vs "/g").
  EXPECT_EQ(std::stoul(head->header("content-length")), next->body.size() + 1);
}

TEST(Server, AnswersExpectContinueBeforeTheBody) {
  auto server = start_server(test_options(), echo);
  RawClient c(server->port());
  ASSERT_TRUE(
      c.send("PUT /x HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\nExpect: 100-continue\r\n\r\n"));
  auto r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 100);
  ASSERT_TRUE(c.send("abc"));
  r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(body_json(*r)["body"], "abc");
}

TEST(Server, ReadsChunkedBodies) {
  auto server = start_server(test_options(), echo);
  RawClient c(server->port());
  ASSERT_TRUE(
      c.send("POST /c HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
             "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n"));
  const auto r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(body_json(*r)["body"], "hello world");
}

TEST(Server, ThrowingHandlerAndInvalidStatusAre500) {
  auto server = start_server(test_options(), [](Request&& req, Responder respond) {
    if (req.path == "/throw") throw std::runtime_error("secret internals");
    Response r;
    r.status = 1000;
    respond(std::move(r));
  });
  RawClient c(server->port());
  ASSERT_TRUE(c.send(get("/throw")));
  auto r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 500);
  EXPECT_EQ(r->body,
            problem_body(500, "internal", "Internal error", "The request could not be processed."));
  ASSERT_TRUE(c.send(get("/status")));
  r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 500);
  EXPECT_EQ(r->header("content-type"), "application/problem+json");
  EXPECT_EQ(server->stats().handler_errors_total, 1u);
}

TEST(Server, StartReportsWhyItCannotListen) {
  auto first = start_server(test_options(), echo);
  ServerOptions o = test_options();
  o.port = first->port();
  Server second(o, echo);
  std::string error;
  EXPECT_FALSE(second.start(&error));
  EXPECT_NE(error.find("cannot listen on 127.0.0.1:"), std::string::npos) << error;

  o = test_options();
  o.address = "not-an-address";
  Server third(o, echo);
  EXPECT_FALSE(third.start(&error));
  EXPECT_NE(error.find("invalid listen address"), std::string::npos) << error;

  o = test_options();
  o.handler_timeout = 0ms;
  Server fourth(o, echo);
  EXPECT_FALSE(fourth.start(&error));
  EXPECT_NE(error.find("handler_timeout"), std::string::npos) << error;
  EXPECT_EQ(fourth.port(), 0);
}

}  // namespace
}  // namespace parcours::http
