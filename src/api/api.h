// The HTTP API of `parcours serve` (ARCHITECTURE §7; routes in docs/openapi.yaml):
//
//   POST /v1/journeys/{id}/commands        a journey command (JOURNEY §3)
//   POST /v1/organizations/{id}/commands   an organisation command (JOURNEY §2, admin)
//   GET  /v1/journeys/{id}                 the journey (?min_version, ?as_of)
//   GET  /v1/journeys/{id}/events          its events (auditors, admin, DDETS)
//   GET  /v1/journeys/{id}/verify          its hash chain
//   GET  /v1/organizations/{id}            a registry entry
//   GET  /metrics  /healthz  /readyz
//
// Thread-safety: handle() runs concurrently on the HTTP threads; everything it uses is
// thread-safe.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "api/api_probe.h"
#include "api/command_gateway.h"
#include "api/rate_limiter.h"
#include "api/read_policy.h"
#include "api/version_waiters.h"
#include "auth/jwt.h"
#include "crypto/identity_cipher.h"
#include "domain/date.h"
#include "http/request.h"
#include "projections/org_registry.h"
#include "projections/views_store.h"

namespace parcours::api {

struct ApiDeps {
  const auth::JwtVerifier* jwt = nullptr;
  projections::OrgRegistry* registry = nullptr;
  projections::ViewsStore* views = nullptr;
  CommandGateway* gateway = nullptr;
  VersionWaiters* waiters = nullptr;
  const crypto::MasterKeyRing* keys = nullptr;
  ApiProbe* probe = nullptr;
  std::function<bool()> ready;                      // /readyz
  std::function<void()> before_metrics;             // refreshes gauges before a scrape
  std::function<void(domain::Date)> run_deadlines;  // POST /v1/admin/deadlines
  std::chrono::milliseconds min_version_wait{5000};
  RateLimiter* limiter = nullptr;  // per-token rate limit; nullptr = none
};

class Api {
 public:
  explicit Api(ApiDeps deps);
  void handle(http::Request&& req, http::Responder respond);
  // (method, path template) of every route, as docs/openapi.json must list them.
  static std::vector<std::pair<std::string, std::string>> routes();

 public:
  // An authenticated caller: the token's principal and what the registry says of its org.
  struct Caller {
    auth::Principal principal;
    Reader reader;
  };

 private:
  struct Route;
  void post_journey_command(const http::Request& req, const Caller& caller, const std::string& id,
                            http::Responder respond);
  void post_org_command(const http::Request& req, const Caller& caller, const std::string& id,
                        http::Responder respond);
  void get_journey(const http::Request& req, const Caller& caller, const std::string& id,
                   http::Responder respond);
  void get_events(const http::Request& req, const Caller& caller, const std::string& id,
                  bool verify_only, http::Responder respond);
  void get_org(const Caller& caller, const std::string& id, http::Responder respond);
  // index_routes.cc: inboxes, PASS, indicators.
  void get_candidatures(const http::Request& req, const Caller& caller, const std::string& org,
                        http::Responder respond);
  void get_pass(const Caller& caller, const std::string& number, http::Responder respond);
  void get_passes(const http::Request& req, const Caller& caller, http::Responder respond);
  void get_exit_indicators(const http::Request& req, const Caller& caller, const std::string& siae,
                           http::Responder respond);
  void get_refusal_indicators(const Caller& caller, const std::string& siae,
                              http::Responder respond);
  void get_prescriber_indicators(const http::Request& req, const Caller& caller,
                                 const std::string& org, http::Responder respond);
  // May the caller read the data of organisation `org` (itself, admin, auditors, the DDETS of
  // its department)?
  bool may_read_org(const Caller& caller, const std::string& org) const;
  // Masks an organisation of a sensitive prescriber kind as "OTHER" for other readers.
  std::function<std::string(const std::string&)> org_labeller(const Caller& caller,
                                                              bool sees_all) const;
  http::Response metrics();
  // Appends who read which journey, what and when to the access log (every read, allowed or
  // not).
  void log_read(const Caller& caller, const std::string& journey, const std::string& what,
                bool allowed, const nlohmann::json& extra = nlohmann::json::object());
  void get_access_log(const Caller& caller, const std::string& id, http::Responder respond);
  // Authenticates the bearer token; nullopt with the problem in *error.
  std::optional<Caller> authenticate(const http::Request& req, http::Response* error) const;
  void submit(processor::CommandRecord cmd, http::Responder respond);

  ApiDeps deps_;
};

}  // namespace parcours::api
