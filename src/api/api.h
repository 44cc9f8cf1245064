// The HTTP API of `parcours serve` (ARCHITECTURE §7; every route in docs/openapi.json):
//
//   api.cc              the route table, authentication, rate limits, dispatch, /metrics
//   journey_routes.cc   POST /v1/journeys/{id}/commands, GET /v1/journeys/{id} (?min_version,
//                       ?as_of), /events, /verify, /access-log, POST /v1/journeys/lookup
//   org_routes.cc       POST /v1/organizations/{id}/commands, GET /v1/organizations/{id}, admin
//   index_routes.cc     inboxes, PASS IAE, indicators
//
// JOURNEY §6 throughout: an organisation that is not involved in a journey gets 404 for every
// route of that journey, the body of an unknown id; every read of a journey (its state, events,
// access log, a candidature in an inbox, a PASS) is in the access log, and a read that shows
// the person's identity is answered only once its entry is acknowledged.
//
// Thread-safety: handle() runs concurrently on the HTTP threads; everything it uses is
// thread-safe. Work that a wake-up of the projector triggers (?min_version) runs on
// ApiDeps::defer, never on the projector's thread.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <prometheus/collectable.h>

#include "api/access_log.h"
#include "api/api_probe.h"
#include "api/caller.h"
#include "api/command_gateway.h"
#include "api/rate_limiter.h"
#include "api/read_policy.h"
#include "api/version_waiters.h"
#include "api/visible_answer.h"
#include "auth/jwt.h"
#include "crypto/identity_cipher.h"
#include "domain/date.h"
#include "http/request.h"
#include "projections/org_registry.h"
#include "projections/views_store.h"

namespace parcours::api {

struct ApiDeps {
  Callers* callers = nullptr;
  projections::OrgRegistry* registry = nullptr;
  projections::ViewsStore* views = nullptr;
  CommandGateway* gateway = nullptr;
  AccessLog* access_log = nullptr;
  VersionWaiters* waiters = nullptr;
  const crypto::MasterKeyRing* keys = nullptr;
  ApiProbe* probe = nullptr;
  std::function<bool()> ready;                      // /readyz
  std::function<void()> before_metrics;             // refreshes gauges before a scrape
  std::function<void(domain::Date)> run_deadlines;  // POST /v1/admin/deadlines
  // Runs a task off the calling thread (the answers of ?min_version waits). Default: inline.
  std::function<void(std::function<void()>)> defer;
  // Read at each scrape beside the probe's registry (the stores' RocksDB figures).
  std::vector<const prometheus::Collectable*> collectables;
  std::chrono::milliseconds min_version_wait{5000};
  // How long a command's answer may wait for this instance's read models to show its version
  // (decision 30); 0 = answered as soon as the reply comes.
  std::chrono::milliseconds reply_visible_wait{0};
  // At most this many ?min_version waits per organisation at once; beyond, 429.
  std::size_t max_waits_per_org = 200;
  RateLimiter* limiter = nullptr;  // per-token rate limit; nullptr = none
  // Failed proofs of identity (JoinJourney answered 404, lookups) per organisation; beyond,
  // 429. nullptr = none.
  RateLimiter* proof_limiter = nullptr;
};

class Api {
 public:
  explicit Api(ApiDeps deps);
  void handle(http::Request&& req, http::Responder respond);
  // (method, path template) of every route, as docs/openapi.json must list them.
  static std::vector<std::pair<std::string, std::string>> routes();

 private:
  // journey_routes.cc
  void post_journey_command(const http::Request& req, const Caller& caller, const std::string& id,
                            http::Responder respond);
  void get_journey(const http::Request& req, const Caller& caller, const std::string& id,
                   http::Responder respond);
  void answer_unreached(const Caller& caller, const std::string& id, http::Responder respond);
  void answer_journey(const Caller& caller, const std::string& id,
                      std::optional<std::chrono::system_clock::time_point> as_of,
                      http::Responder respond);
  void get_events(const Caller& caller, const std::string& id, bool verify_only,
                  http::Responder respond);
  void get_access_log(const Caller& caller, const std::string& id, http::Responder respond);
  void post_lookup(const http::Request& req, const Caller& caller, http::Responder respond);
  // org_routes.cc
  void post_org_command(const http::Request& req, const Caller& caller, const std::string& id,
                        http::Responder respond);
  void get_org(const Caller& caller, const std::string& id, http::Responder respond);
  void get_digest(const Caller& caller, http::Responder respond);
  void post_deadlines(const http::Request& req, const Caller& caller, http::Responder respond);
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
  // Records who read which journey, what and when in the access log (every read, allowed or
  // not). `done`: called once the broker acknowledged the entry (true) or not (false); only
  // reads that show an identity wait for it.
  void log_read(const Caller& caller, const std::string& journey, const std::string& what,
                bool allowed, const nlohmann::json& extra = nlohmann::json::object(),
                AccessLog::Done done = nullptr);
  // Produces the command and answers with its reply; counts a 404 to JoinJourney (and the
  // rejections that tell an age) as a failed proof of the sending organisation.
  void submit(processor::CommandRecord cmd, const Caller& caller, http::Responder respond);
  // 429 if the organisation has no proof attempt left (JoinJourney, lookups); else nullopt.
  std::optional<http::Response> proofs_exhausted(const Caller& caller) const;

  // The route table (api.cc): each route with its handler.
  struct Route;
  static const std::vector<Route>& route_table();

  ApiDeps deps_;
  VisibleAnswerWait visible_wait_;  // of accepted commands' answers, from deps_
};

}  // namespace parcours::api
