#include "cli/bench_http_client.h"

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wnull-dereference"
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#pragma GCC diagnostic pop

#include <chrono>
#include <thread>
#include <vector>

#include "cli/dev_token.h"

namespace parcours::cli {

namespace beast = boost::beast;
namespace net = boost::asio;
using tcp = net::ip::tcp;

struct HttpClient::Impl {
  net::io_context io;
  tcp::socket socket{io};
  beast::flat_buffer buffer;
  std::string host;  // the Host header
  std::string name;
  std::string port;
  bool open = false;
  long retries = 0;

  void connect() {
    tcp::resolver resolver(io);
    socket = tcp::socket(io);
    net::connect(socket, resolver.resolve(name, port));
    socket.set_option(tcp::no_delay(true));
    buffer.clear();
    open = true;
  }

  HttpReply send(beast::http::request<beast::http::string_body>& req) {
    const bool reused = open;
    auto r = attempt(req);
    // The server closes a connection that waited too long for its first or next request; a
    // failure on a reused one is most likely that: once more on a new connection.
    if (r.status == 0 && reused) {
      ++retries;
      r = attempt(req);
    }
    return r;
  }

  HttpReply attempt(beast::http::request<beast::http::string_body>& req) {
    try {
      if (!open) connect();
      req.set(beast::http::field::host, host);
      req.prepare_payload();
      beast::http::write(socket, req);
      beast::http::response<beast::http::string_body> res;
      beast::http::read(socket, buffer, res);
      // The server may close after its answer (an error, a drain): reconnect next time.
      if (!res.keep_alive()) close();
      return {static_cast<int>(res.result_int()), std::move(res.body())};
    } catch (const std::exception& e) {
      close();
      return {0, e.what()};
    }
  }

  void close() {
    boost::system::error_code ignored;
    socket.close(ignored);
    open = false;
  }
};

HttpClient::HttpClient(const std::string& addr) : impl_(std::make_unique<Impl>()) {
  const auto colon = addr.rfind(':');
  impl_->host = addr;
  impl_->name = addr.substr(0, colon);
  impl_->port = colon == std::string::npos ? "80" : addr.substr(colon + 1);
  impl_->connect();
}

HttpClient::~HttpClient() = default;

long HttpClient::retries() const {
  return impl_->retries;
}

HttpReply HttpClient::get(const std::string& target, const std::string& token) {
  beast::http::request<beast::http::string_body> req{beast::http::verb::get, target, 11};
  if (!token.empty()) req.set(beast::http::field::authorization, "Bearer " + token);
  return impl_->send(req);
}

HttpReply HttpClient::post(const std::string& target, const std::string& token,
                           const std::string& body, const std::string& idempotency_key) {
  beast::http::request<beast::http::string_body> req{beast::http::verb::post, target, 11};
  req.set(beast::http::field::authorization, "Bearer " + token);
  if (!idempotency_key.empty()) req.set("Idempotency-Key", idempotency_key);
  req.set(beast::http::field::content_type, "application/json");
  req.body() = body;
  return impl_->send(req);
}

std::string bench_token(const common::Config& config, const std::string& sub,
                        const std::string& org, bool admin) {
  return dev_token(config.jwt_secret, sub, admin ? config.platform_org : org,
                   admin ? std::vector<std::string>{"admin"} : std::vector<std::string>{}, 3600,
                   config.jwt_issuer, config.jwt_audience);
}

std::string register_prescriber(HttpClient& client, const std::string& admin,
                                const std::string& org) {
  const auto r =
      client.post("/v1/organizations/" + org + "/commands", admin,
                  command_body("RegisterOrganization", {{"name", "France Travail (bench)"},
                                                        {"kind", "prescriber"},
                                                        {"prescriber_kind", "FT"},
                                                        {"department", "74"}}),
                  "register-" + org);
  if (r.status >= 200 && r.status < 300) return "";
  return "RegisterOrganization: " + std::to_string(r.status) + " " + r.body;
}

nlohmann::json open_journey_data() {
  return {{"department", "74"},
          {"person",
           {{"first_name", "Camille"}, {"last_name", "Bench"}, {"birth_date", "1990-04-02"}}}};
}

HttpReply open_journey_once_registered(HttpClient& client, const std::string& token,
                                       const std::string& journey) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
  for (;;) {
    auto r = client.post("/v1/journeys/" + journey + "/commands", token,
                         command_body("OpenJourney", open_journey_data()), "open-" + journey);
    if (r.status != 403 || std::chrono::steady_clock::now() > deadline) return r;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
}

}  // namespace parcours::cli
