// The benches' HTTP client: one synchronous keep-alive connection to a running `serve`, and the
// tokens and command bodies the benches send it. Beast stays out of this header: it is heavy,
// and its includes need warnings silenced.
#pragma once

#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "common/config.h"

namespace parcours::cli {

struct HttpReply {
  int status = 0;  // 0: the connection failed (body: why); the next request reconnects
  std::string body;
};

// One keep-alive connection; requests are sent one at a time, by one thread.
class HttpClient {
 public:
  // Connects at once; throws std::exception if `addr` ("host:port") does not answer.
  explicit HttpClient(const std::string& addr);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // A request that fails on a reused connection is sent once more on a new one (the server
  // closes idle connections): reads may be repeated, and the benches' commands carry an
  // Idempotency-Key. An empty token sends no Authorization (/metrics is open).
  HttpReply get(const std::string& target, const std::string& token = "");
  HttpReply post(const std::string& target, const std::string& token, const std::string& body,
                 const std::string& idempotency_key);
  // Requests sent a second time that way.
  long retries() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// A development token for `sub` of `org`, valid for an hour. With `admin`, the platform
// organisation's admin role (the only organisation whose tokens may carry it).
std::string bench_token(const common::Config& config, const std::string& sub,
                        const std::string& org, bool admin);

// The body of POST .../commands.
inline std::string command_body(const std::string& type, const nlohmann::json& data) {
  return nlohmann::json{{"type", type}, {"data", data}}.dump();
}

// Registers `org` as a France Travail prescriber of department 74, as `admin`. "" or the problem.
std::string register_prescriber(HttpClient& client, const std::string& admin,
                                const std::string& org);

// The data of an OpenJourney in department 74 for a made-up person.
nlohmann::json open_journey_data();

// Opens `journey` with OpenJourney, retrying on 403 for up to 15 s: a freshly registered
// organisation reaches the API's registry within a second, and until then it may not write.
HttpReply open_journey_once_registered(HttpClient& client, const std::string& token,
                                       const std::string& journey);

}  // namespace parcours::cli
