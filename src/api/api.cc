#include "api/api.h"

#include <prometheus/text_serializer.h>
#include <sodium.h>

#include <chrono>
#include <iterator>
#include <sstream>

#include "api/problem_map.h"
#include "api/responses.h"
#include "common/clock.h"
#include "domain/fields.h"
#include "domain/ruleset.h"

namespace parcours::api {

namespace {

using Clock = std::chrono::steady_clock;

std::vector<std::string> split_path(const std::string& path) {
  std::vector<std::string> out;
  std::size_t pos = 1;
  while (pos <= path.size()) {
    const std::size_t end = std::min(path.find('/', pos), path.size());
    out.push_back(path.substr(pos, end - pos));
    pos = end + 1;
  }
  if (!out.empty() && out.back().empty()) out.pop_back();
  return out;
}

bool matches(std::string_view path, const std::vector<std::string>& parts, std::string* id) {
  const auto want = split_path(std::string(path));
  if (want.size() != parts.size()) return false;
  for (std::size_t i = 0; i < want.size(); ++i) {
    if (want[i] == "{id}") {
      *id = parts[i];
    } else if (want[i] != parts[i]) {
      return false;
    }
  }
  return true;
}

}  // namespace

Api::Api(ApiDeps deps) : deps_(std::move(deps)) {
  if (!deps_.defer) deps_.defer = [](std::function<void()> task) { task(); };
  visible_wait_.waiters = deps_.waiters;
  visible_wait_.bound = deps_.views ? deps_.reply_visible_wait : std::chrono::milliseconds(0);
  projections::ViewsStore* views = deps_.views;
  visible_wait_.shown = [views](const std::string& journey) -> std::optional<long> {
    try {
      auto state = views->journey(journey);
      return state ? state->version : 0;
    } catch (const std::exception&) {
      return std::nullopt;  // the answer goes at once
    }
  };
  if (ApiProbe* probe = deps_.probe) {
    visible_wait_.waited = [probe](double seconds, bool reached) {
      probe->reply_visible_wait(seconds, reached);
    };
  }
}

// A route: "{id}" in its path matches one id segment ([A-Za-z0-9_-]{1,64}). An open route
// needs no token (health, readiness, metrics) and its handler gets no caller.
struct Api::Route {
  const char* method;
  const char* path;
  bool open;
  void (*handle)(Api& api, const http::Request& req, const Caller* caller, const std::string& id,
                 http::Responder respond);
};

// Every route of the API, in one table: docs/openapi.json must list exactly these (tested).
const std::vector<Api::Route>& Api::route_table() {
  using Req = const http::Request&;
  using Who = const Caller*;
  using Id = const std::string&;
  using Out = http::Responder;
  static const std::vector<Route> table = {
      {"GET", "/healthz", true,
       [](Api&, Req, Who, Id, Out out) {
         out(json_response(200, {{"status", "ok"}}));
       }},
      {"GET", "/readyz", true,
       [](Api& a, Req, Who, Id, Out out) {
         if (a.deps_.ready && a.deps_.ready()) {
           return out(json_response(200, {{"status", "ready"}}));
         }
         out(problem("unavailable", "not caught up with the log yet, or broker unreachable"));
       }},
      {"GET", "/metrics", true, [](Api& a, Req, Who, Id, Out out) { out(a.metrics()); }},
      // Journeys (journey_routes.cc).
      {"POST", "/v1/journeys/lookup", false,
       [](Api& a, Req r, Who c, Id, Out out) { a.post_lookup(r, *c, std::move(out)); }},
      {"POST", "/v1/journeys/{id}/commands", false,
       [](Api& a, Req r, Who c, Id id, Out out) {
         a.post_journey_command(r, *c, id, std::move(out));
       }},
      {"GET", "/v1/journeys/{id}", false,
       [](Api& a, Req r, Who c, Id id, Out out) { a.get_journey(r, *c, id, std::move(out)); }},
      {"GET", "/v1/journeys/{id}/events", false,
       [](Api& a, Req, Who c, Id id, Out out) { a.get_events(*c, id, false, std::move(out)); }},
      {"GET", "/v1/journeys/{id}/verify", false,
       [](Api& a, Req, Who c, Id id, Out out) { a.get_events(*c, id, true, std::move(out)); }},
      {"GET", "/v1/journeys/{id}/access-log", false,
       [](Api& a, Req, Who c, Id id, Out out) { a.get_access_log(*c, id, std::move(out)); }},
      // Organisations and administration (org_routes.cc).
      {"POST", "/v1/organizations/{id}/commands", false,
       [](Api& a, Req r, Who c, Id id, Out out) { a.post_org_command(r, *c, id, std::move(out)); }},
      {"GET", "/v1/organizations/{id}", false,
       [](Api& a, Req, Who c, Id id, Out out) { a.get_org(*c, id, std::move(out)); }},
      {"GET", "/v1/admin/digest", false,
       [](Api& a, Req, Who c, Id, Out out) { a.get_digest(*c, std::move(out)); }},
      {"POST", "/v1/admin/deadlines", false,
       [](Api& a, Req r, Who c, Id, Out out) { a.post_deadlines(r, *c, std::move(out)); }},
      // Indexes (index_routes.cc).
      {"GET", "/v1/organizations/{id}/candidatures", false,
       [](Api& a, Req r, Who c, Id id, Out out) { a.get_candidatures(r, *c, id, std::move(out)); }},
      {"GET", "/v1/passes/{id}", false,
       [](Api& a, Req, Who c, Id id, Out out) { a.get_pass(*c, id, std::move(out)); }},
      {"GET", "/v1/passes", false,
       [](Api& a, Req r, Who c, Id, Out out) { a.get_passes(r, *c, std::move(out)); }},
      {"GET", "/v1/indicators/siae/{id}/exits", false,
       [](Api& a, Req r, Who c, Id id, Out out) {
         a.get_exit_indicators(r, *c, id, std::move(out));
       }},
      {"GET", "/v1/indicators/siae/{id}/refusals", false,
       [](Api& a, Req, Who c, Id id, Out out) {
         a.get_refusal_indicators(*c, id, std::move(out));
       }},
      {"GET", "/v1/indicators/prescribers/{id}", false,
       [](Api& a, Req r, Who c, Id id, Out out) {
         a.get_prescriber_indicators(r, *c, id, std::move(out));
       }},
  };
  return table;
}

std::vector<std::pair<std::string, std::string>> Api::routes() {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& r : route_table()) out.emplace_back(r.method, r.path);
  return out;
}

std::function<std::string(const std::string&)> Api::org_labeller(const Caller& caller,
                                                                 bool sees_all) const {
  projections::OrgRegistry* registry = deps_.registry;
  const std::string reader_org = caller.reader.org_id;
  return [registry, sees_all, reader_org](const std::string& org) {
    if (sees_all || org.empty() || org == reader_org) return org;
    auto entry = registry->get(org);
    if (!entry || entry->kind != domain::OrgKind::prescriber) return org;
    const auto& rules = domain::RulesetBook::standard().in_force_on(
        domain::Date::utc_date_of(std::chrono::system_clock::now()));
    for (const auto& k : rules.sensitive_prescriber_kinds) {
      if (k == entry->prescriber_kind) return std::string("OTHER");
    }
    return org;
  };
}

bool Api::may_read_org(const Caller& caller, const std::string& org) const {
  if (caller.reader.admin) return true;
  if (!caller.reader.org || !caller.reader.org->active) return false;
  if (caller.reader.org->kind == domain::OrgKind::auditor) return true;
  if (caller.reader.org_id == org) return true;
  if (caller.reader.org->kind == domain::OrgKind::ddets) {
    auto target = deps_.registry->get(org);
    return target && target->department == caller.reader.org->department;
  }
  return false;
}

void Api::handle(http::Request&& req, http::Responder respond) {
  const auto started = Clock::now();
  const auto parts = split_path(req.path);

  // Resolve the route first: its template labels the metrics of the (possibly later) answer.
  const Route* found = nullptr;
  std::string allow;
  std::string id;
  for (const auto& r : route_table()) {
    std::string captured;
    if (!matches(r.path, parts, &captured)) continue;
    if (req.method == r.method) {
      found = &r;
      id = captured;
      break;
    }
    allow += (allow.empty() ? "" : ", ") + std::string(r.method);
  }
  const std::string route =
      found ? found->path : (allow.empty() ? "unknown" : "method_not_allowed");
  ApiProbe* probe = deps_.probe;
  http::Responder finish = [probe, started, route, respond](http::Response r) {
    if (probe) {
      probe->request(route, r.status,
                     std::chrono::duration<double>(Clock::now() - started).count());
    }
    respond(std::move(r));
  };
  if (!found && allow.empty()) return finish(problem("not_found", "no such resource"));
  if (!found) {
    auto r = problem("method_not_allowed", "use " + allow);
    r.headers.emplace_back("Allow", allow);
    return finish(std::move(r));
  }
  if (found->open) return found->handle(*this, req, nullptr, id, std::move(finish));

  // The token first (no I/O), then the per-token rate limit, then the registry: a flood of
  // requests costs no broker round trip.
  http::Response error;
  auto principal = deps_.callers->verify(req, &error);
  if (!principal) return finish(std::move(error));
  if (deps_.limiter && !deps_.limiter->allow(principal->sub + "|" + principal->org)) {
    auto r = problem("rate_limited", "too many requests for this token; slow down");
    r.headers.emplace_back("Retry-After", "1");
    return finish(std::move(r));
  }
  auto caller = deps_.callers->resolve(*principal, &error);
  if (!caller) return finish(std::move(error));
  if (std::string_view(found->path).find("{id}") != std::string_view::npos &&
      !domain::is_valid_id(id)) {
    return finish(problem("malformed", "ids match [A-Za-z0-9_-]{1,64}"));
  }
  found->handle(*this, req, &*caller, id, std::move(finish));
}

void Api::log_read(const Caller& caller, const std::string& journey, const std::string& what,
                   bool allowed, const nlohmann::json& extra, AccessLog::Done done) {
  unsigned char raw[16];
  randombytes_buf(raw, sizeof raw);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string read_id;
  for (unsigned char c : raw) {
    read_id.push_back(kHex[c >> 4]);
    read_id.push_back(kHex[c & 0xf]);
  }
  nlohmann::json entry = {{"read_id", read_id},
                          {"time", common::now_rfc3339()},
                          {"journey_id", journey},
                          {"sub", caller.principal.sub},
                          {"org", caller.principal.org},
                          {"roles", caller.principal.roles},
                          {"what", what},
                          {"allowed", allowed}};
  for (const auto& [k, v] : extra.items()) entry[k] = v;
  if (!deps_.access_log) {
    if (done) done(false);
    return;
  }
  if (done && deps_.probe) {
    // How long a read showing the identity waits for its entry to be acknowledged.
    done = [probe = deps_.probe, since = std::chrono::steady_clock::now(),
            inner = std::move(done)](bool acknowledged) {
      probe->access_log_ack(
          std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count());
      inner(acknowledged);
    };
  }
  deps_.access_log->record(journey.empty() ? "lookup:" + caller.principal.org : journey, entry,
                           std::move(done));
}

http::Response Api::metrics() {
  if (deps_.before_metrics) deps_.before_metrics();
  std::ostringstream out;
  auto families = deps_.probe->registry().Collect();
  for (const auto* c : deps_.collectables) {
    auto more = c->Collect();
    families.insert(families.end(), std::make_move_iterator(more.begin()),
                    std::make_move_iterator(more.end()));
  }
  prometheus::TextSerializer serializer;
  serializer.Serialize(out, families);
  http::Response r;
  r.content_type = "text/plain; version=0.0.4";
  r.body = out.str();
  return r;
}

}  // namespace parcours::api
