#include "api/api.h"

#include <prometheus/text_serializer.h>
#include <sodium.h>

#include <chrono>
#include <sstream>

#include "api/problem_map.h"
#include "api/read_policy.h"
#include "api/responses.h"
#include "common/clock.h"
#include "domain/decide.h"
#include "domain/fields.h"
#include "domain/ruleset.h"
#include "events/envelope.h"
#include "events/fast_decode.h"
#include "events/hash_chain.h"
#include "projections/journey_view.h"

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

bool valid_idempotency_key(const std::string& k) {
  if (k.empty() || k.size() > 128) return false;
  for (char c : k) {
    if (c < 0x21 || c > 0x7e) return false;
  }
  return true;
}

// Parses If-Match: a version number, optionally as a quoted entity tag ("3" or W/"3").
std::optional<long> parse_if_match(std::string v, bool* bad) {
  *bad = false;
  if (v.empty()) return std::nullopt;
  if (v.rfind("W/", 0) == 0) v = v.substr(2);
  if (v.size() >= 2 && v.front() == '"' && v.back() == '"') v = v.substr(1, v.size() - 2);
  if (v.empty() || v.size() > 15) {
    *bad = true;
    return std::nullopt;
  }
  long n = 0;
  for (char c : v) {
    if (c < '0' || c > '9') {
      *bad = true;
      return std::nullopt;
    }
    n = n * 10 + (c - '0');
  }
  return n;
}

std::optional<long> parse_count(const std::string& v) {
  if (v.empty() || v.size() > 15) return std::nullopt;
  long n = 0;
  for (char c : v) {
    if (c < '0' || c > '9') return std::nullopt;
    n = n * 10 + (c - '0');
  }
  return n;
}

}  // namespace

Api::Api(ApiDeps deps) : deps_(std::move(deps)) {}

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
  if (caller.reader.admin || caller.reader.auditor) return true;
  if (!caller.reader.org || !caller.reader.org->active) return false;
  if (caller.reader.org->kind == domain::OrgKind::auditor) return true;
  if (caller.reader.org_id == org) return true;
  if (caller.reader.org->kind == domain::OrgKind::ddets) {
    auto target = deps_.registry->get(org);
    return target && target->department == caller.reader.org->department;
  }
  return false;
}

std::optional<Api::Caller> Api::authenticate(const http::Request& req,
                                             http::Response* error) const {
  const std::string header = req.header("authorization");
  std::string token;
  if (header.size() > 7 && (header.rfind("Bearer ", 0) == 0 || header.rfind("bearer ", 0) == 0)) {
    token = header.substr(7);
  }
  std::string why;
  auto principal = deps_.jwt->verify(token, std::chrono::system_clock::now(), &why);
  if (!principal) {
    *error = problem("unauthenticated", why);
    error->headers.emplace_back("WWW-Authenticate", "Bearer");
    return std::nullopt;
  }
  Caller c;
  c.principal = *principal;
  c.reader.sub = principal->sub;
  c.reader.org_id = principal->org;
  c.reader.admin = principal->admin();
  c.reader.auditor = principal->has_role("auditor");
  if (!principal->org.empty()) {
    c.reader.org = deps_.registry->get(principal->org);
    // An organisation registered a moment ago may not have reached this replica yet.
    if (!c.reader.org || !c.reader.org->active) {
      (void)deps_.registry->sync(2000);
      c.reader.org = deps_.registry->get(principal->org);
    }
  }
  if (!c.reader.admin) {
    if (principal->org.empty()) {
      *error = problem("forbidden", "the token names no organisation");
      return std::nullopt;
    }
    if (!c.reader.org) {
      *error = problem("forbidden", "organisation '" + principal->org + "' is not registered");
      return std::nullopt;
    }
    if (!c.reader.org->active) {
      *error = problem("forbidden", "organisation '" + principal->org + "' is deactivated");
      return std::nullopt;
    }
  }
  return c;
}

namespace {

enum class Target {
  health,
  ready,
  metrics,
  journey_cmd,
  org_cmd,
  journey,
  events,
  verify,
  org,
  digest,
  deadlines,
  access_log,
  candidatures,
  pass,
  passes,
  exits,
  refusals,
  prescriber
};

struct RouteSpec {
  const char* method;
  const char* path;  // "{id}" matches one id segment
  Target target;
};

// Every route of the API, in one table: docs/openapi.json must list exactly these (tested).
constexpr RouteSpec kRoutes[] = {
    {"GET", "/healthz", Target::health},
    {"GET", "/readyz", Target::ready},
    {"GET", "/metrics", Target::metrics},
    {"POST", "/v1/journeys/{id}/commands", Target::journey_cmd},
    {"GET", "/v1/journeys/{id}", Target::journey},
    {"GET", "/v1/journeys/{id}/events", Target::events},
    {"GET", "/v1/journeys/{id}/verify", Target::verify},
    {"GET", "/v1/journeys/{id}/access-log", Target::access_log},
    {"POST", "/v1/organizations/{id}/commands", Target::org_cmd},
    {"GET", "/v1/organizations/{id}", Target::org},
    {"GET", "/v1/admin/digest", Target::digest},
    {"POST", "/v1/admin/deadlines", Target::deadlines},
    {"GET", "/v1/organizations/{id}/candidatures", Target::candidatures},
    {"GET", "/v1/passes/{id}", Target::pass},
    {"GET", "/v1/passes", Target::passes},
    {"GET", "/v1/indicators/siae/{id}/exits", Target::exits},
    {"GET", "/v1/indicators/siae/{id}/refusals", Target::refusals},
    {"GET", "/v1/indicators/prescribers/{id}", Target::prescriber},
};

// Does `parts` match the route's path? Captures the {id} segment.
bool matches(const RouteSpec& r, const std::vector<std::string>& parts, std::string* id) {
  const auto want = split_path(r.path);
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

std::vector<std::pair<std::string, std::string>> Api::routes() {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& r : kRoutes) out.emplace_back(r.method, r.path);
  return out;
}

void Api::handle(http::Request&& req, http::Responder respond) {
  const auto started = Clock::now();
  const auto parts = split_path(req.path);

  // Resolve the route first: its template labels the metrics of the (possibly later) answer.
  const RouteSpec* found = nullptr;
  std::string allow;
  std::string id;
  for (const auto& r : kRoutes) {
    std::string captured;
    if (!matches(r, parts, &captured)) continue;
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
  const Target target = found->target;
  switch (target) {
    case Target::health:
      return finish(json_response(200, {{"status", "ok"}}));
    case Target::ready:
      if (deps_.ready && deps_.ready()) return finish(json_response(200, {{"status", "ready"}}));
      return finish(
          problem("unavailable", "not caught up with the log yet, or broker unreachable"));
    case Target::metrics:
      return finish(metrics());
    default:
      break;
  }
  http::Response error;
  auto caller = authenticate(req, &error);
  if (!caller) return finish(std::move(error));
  if (deps_.limiter && !deps_.limiter->allow(caller->principal.sub + "|" + caller->principal.org)) {
    auto r = problem("rate_limited", "too many requests for this token; slow down");
    r.headers.emplace_back("Retry-After", "1");
    return finish(std::move(r));
  }
  if (std::string_view(found->path).find("{id}") != std::string_view::npos &&
      !domain::is_valid_id(id)) {
    return finish(problem("malformed", "ids match [A-Za-z0-9_-]{1,64}"));
  }
  switch (target) {
    case Target::journey_cmd:
      return post_journey_command(req, *caller, id, finish);
    case Target::org_cmd:
      return post_org_command(req, *caller, id, finish);
    case Target::org:
      return get_org(*caller, id, finish);
    case Target::access_log:
      return get_access_log(*caller, id, finish);
    case Target::candidatures:
      return get_candidatures(req, *caller, id, finish);
    case Target::pass:
      return get_pass(*caller, id, finish);
    case Target::passes:
      return get_passes(req, *caller, finish);
    case Target::exits:
      return get_exit_indicators(req, *caller, id, finish);
    case Target::refusals:
      return get_refusal_indicators(*caller, id, finish);
    case Target::prescriber:
      return get_prescriber_indicators(req, *caller, id, finish);
    case Target::deadlines: {
      if (!caller->reader.admin) return finish(problem("forbidden", "deadlines are for admins"));
      auto body = nlohmann::json::parse(req.body, nullptr, false);
      std::optional<domain::Date> day;
      if (body.is_object() && body.contains("day") && body["day"].is_string()) {
        day = domain::Date::parse(body["day"].get<std::string>());
      }
      if (!day) return finish(problem("malformed", "the body must be {\"day\": \"YYYY-MM-DD\"}"));
      if (deps_.run_deadlines) deps_.run_deadlines(*day);
      return finish(json_response(202, {{"day", day->str()}, {"status", "scheduled"}}));
    }
    case Target::digest: {
      if (!caller->reader.admin) return finish(problem("forbidden", "the digest is for admins"));
      const auto d = deps_.views->digest();
      return finish(json_response(200, {{"digest", d.sha256},
                                        {"journeys", d.journeys},
                                        {"events", d.events},
                                        {"keys", d.keys}}));
    }
    case Target::journey:
      return get_journey(req, *caller, id, finish);
    case Target::events:
      return get_events(req, *caller, id, false, finish);
    case Target::verify:
      return get_events(req, *caller, id, true, finish);
    default:
      return finish(problem("not_found", "no such resource"));
  }
}

void Api::submit(processor::CommandRecord cmd, http::Responder respond) {
  const auto started = Clock::now();
  const std::string type = cmd.type;
  ApiProbe* probe = deps_.probe;
  deps_.gateway->submit(std::move(cmd), [respond, started, type, probe](
                                            int status, const nlohmann::json& body) {
    if (probe) {
      probe->command_latency(type, std::chrono::duration<double>(Clock::now() - started).count());
    }
    if (status == 200 || status == 201) return respond(json_response(status, body));
    respond(problem(body.value("code", "internal"), body.value("detail", ""), status));
  });
}

void Api::post_journey_command(const http::Request& req, const Caller& caller,
                               const std::string& id, http::Responder respond) {
  const std::string key = req.header("idempotency-key");
  if (!valid_idempotency_key(key)) {
    return respond(problem("malformed",
                           "header Idempotency-Key is required (1-128 visible ASCII characters)"));
  }
  bool bad_if_match = false;
  const auto expected = parse_if_match(req.header("if-match"), &bad_if_match);
  if (bad_if_match) return respond(problem("malformed", "If-Match must be a journey version"));
  auto body = nlohmann::json::parse(req.body, nullptr, false);
  if (body.is_discarded()) return respond(problem("malformed", "the body is not valid JSON"));
  if (!body.is_object() || !body.contains("type") || !body["type"].is_string() ||
      !body.contains("data") || !body["data"].is_object() || body.size() != 2) {
    return respond(problem("malformed", "the body must be {\"type\": string, \"data\": object}"));
  }
  const std::string type = body["type"].get<std::string>();
  if (!domain::is_journey_command(type)) {
    return respond(problem("malformed", "unknown command type '" + type.substr(0, 64) + "'"));
  }
  processor::CommandRecord cmd;
  cmd.command_id = key;
  cmd.stream = "journey";
  cmd.stream_id = id;
  cmd.type = type;
  cmd.expected_version = expected;
  cmd.actor = {caller.principal.sub, caller.principal.org, {}};
  if (caller.reader.admin) cmd.actor.roles.push_back("admin");
  cmd.intake_time = common::now_rfc3339();
  nlohmann::json data = std::move(body["data"]);
  // The fingerprint covers the clear payload, so a retry matches however it is sealed.
  nlohmann::json fingerprint = {{"type", type}, {"data", data}};
  fingerprint["expected_version"] = expected ? nlohmann::json(*expected) : nlohmann::json(nullptr);
  cmd.payload_hash = crypto::keyed_hash_hex(events::canonical(fingerprint), *deps_.keys);
  if (type == "OpenJourney") {
    if (!data.contains("person") || !data["person"].is_object()) {
      return respond(problem("malformed", "field 'person' is required and must be an object"));
    }
    // Personal data never reaches Kafka in clear: seal it with the journey's new data key.
    const crypto::DataKey k = crypto::new_data_key();
    data["person"] = crypto::seal_identity(data["person"], k, id);
    cmd.wrapped_key = crypto::wrap_data_key(k, id, *deps_.keys);
  }
  cmd.data = std::move(data);
  submit(std::move(cmd), std::move(respond));
}

void Api::post_org_command(const http::Request& req, const Caller& caller, const std::string& id,
                           http::Responder respond) {
  if (!caller.reader.admin) {
    return respond(problem("forbidden", "organisation commands need the admin role"));
  }
  const std::string key = req.header("idempotency-key");
  if (!valid_idempotency_key(key)) {
    return respond(problem("malformed",
                           "header Idempotency-Key is required (1-128 visible ASCII characters)"));
  }
  bool bad_if_match = false;
  const auto expected = parse_if_match(req.header("if-match"), &bad_if_match);
  if (bad_if_match) return respond(problem("malformed", "If-Match must be a version"));
  auto body = nlohmann::json::parse(req.body, nullptr, false);
  if (body.is_discarded()) return respond(problem("malformed", "the body is not valid JSON"));
  if (!body.is_object() || !body.contains("type") || !body["type"].is_string() ||
      !body.contains("data") || !body["data"].is_object() || body.size() != 2) {
    return respond(problem("malformed", "the body must be {\"type\": string, \"data\": object}"));
  }
  const std::string type = body["type"].get<std::string>();
  if (!domain::is_org_command(type)) {
    return respond(problem("malformed", "unknown command type '" + type.substr(0, 64) + "'"));
  }
  processor::CommandRecord cmd;
  cmd.command_id = key;
  cmd.stream = "org";
  cmd.stream_id = id;
  cmd.type = type;
  cmd.expected_version = expected;
  cmd.actor = {caller.principal.sub, caller.principal.org, {"admin"}};
  cmd.intake_time = common::now_rfc3339();
  cmd.data = std::move(body["data"]);
  nlohmann::json fingerprint = {{"type", type}, {"data", cmd.data}};
  fingerprint["expected_version"] = expected ? nlohmann::json(*expected) : nlohmann::json(nullptr);
  cmd.payload_hash = crypto::keyed_hash_hex(events::canonical(fingerprint), *deps_.keys);
  submit(std::move(cmd), std::move(respond));
}

void Api::get_org(const Caller&, const std::string& id, http::Responder respond) {
  auto org = deps_.registry->get(id);
  if (!org) return respond(problem("not_found", "no organisation with this id"));
  nlohmann::json j = {{"org_id", org->id},
                      {"name", org->name},
                      {"kind", domain::to_string(org->kind)},
                      {"department", org->department},
                      {"active", org->active},
                      {"version", org->version}};
  if (!org->prescriber_kind.empty()) j["prescriber_kind"] = org->prescriber_kind;
  if (!org->siae_kind.empty()) j["siae_kind"] = org->siae_kind;
  if (org->habilitation_valid_until) {
    j["habilitation"] = {{"valid_until", org->habilitation_valid_until->str()}};
  }
  respond(json_response(200, j));
}

void Api::get_journey(const http::Request& req, const Caller& caller, const std::string& id,
                      http::Responder respond) {
  const std::string min_param = req.query_param("min_version");
  const std::string as_of_param = req.query_param("as_of");
  std::optional<long> min_version;
  if (!min_param.empty()) {
    min_version = parse_count(min_param);
    if (!min_version) return respond(problem("malformed", "min_version must be a number"));
  }
  std::optional<std::chrono::system_clock::time_point> as_of;
  if (!as_of_param.empty()) {
    as_of = common::parse_rfc3339(as_of_param);
    if (!as_of) return respond(problem("malformed", "as_of must be an RFC 3339 date-time"));
  }

  auto answer = [this, caller, id, as_of, respond]() {
    auto state = deps_.views->journey(id);
    if (!state) return respond(problem("not_found", "no journey with this id"));
    const ReadGrant grant = journey_read_grant(caller.reader, *state);
    log_read(caller, id, as_of ? "as_of" : "state", grant.allowed(),
             as_of ? nlohmann::json{{"as_of", common::rfc3339(*as_of)}} : nlohmann::json::object());
    if (!grant.allowed()) {
      return respond(problem("forbidden", "this organisation is not involved in the journey"));
    }
    domain::JourneyState shown = *state;
    if (as_of) {
      // The state as it was recorded at as_of: the journey's own events replayed up to then.
      // Recorded times have one fixed form (common::rfc3339, milliseconds, UTC), so comparing
      // the text with as_of floored to the millisecond compares the instants; any other form
      // is parsed.
      const std::string limit = common::rfc3339(*as_of);
      shown = domain::JourneyState{};
      for (const auto& raw : deps_.views->events(id)) {
        auto ev = events::decode_record_fast(raw);
        if (!ev) continue;
        if (ev->time.size() == limit.size() && ev->time.back() == 'Z') {
          if (ev->time > limit) break;
        } else if (auto t = common::parse_rfc3339(ev->time); !t || *t > *as_of) {
          break;
        }
        domain::evolve(shown, *ev);
      }
      if (!shown.exists()) return respond(problem("not_found", "the journey did not exist then"));
    }
    nlohmann::json person = nullptr;
    if (grant.identity && !shown.identity.is_null()) {
      if (auto wrapped = deps_.views->wrapped_key(id)) {
        if (auto key = crypto::unwrap_data_key(*wrapped, id, *deps_.keys)) {
          if (auto clear = crypto::open_identity(shown.identity, *key, id)) person = *clear;
        }
      }
    }
    projections::RenderOptions o;
    o.today = domain::Date::utc_date_of(std::chrono::system_clock::now());
    o.person = person;
    o.diagnosis_details = grant.diagnosis_details;
    o.reader_org = caller.reader.org_id;
    o.org_label = org_labeller(caller, grant.scope == ReadScope::everything);
    respond(json_response(200, projections::render_journey(shown, o)));
  };

  if (min_version) {
    auto current = deps_.views->journey_json(id);
    long version = 0;
    if (current) version = nlohmann::json::parse(*current).value("version", 0L);
    if (version < *min_version) {
      deps_.waiters->add(
          id, *min_version, Clock::now() + deps_.min_version_wait, [answer, respond](bool reached) {
            if (reached) return answer();
            respond(problem("timeout", "the read model has not reached min_version in time"));
          });
      // The projector may have applied the version between the read above and add().
      if (auto again = deps_.views->journey_json(id)) {
        deps_.waiters->reached(id, nlohmann::json::parse(*again).value("version", 0L));
      }
      return;
    }
  }
  answer();
}

void Api::get_events(const http::Request&, const Caller& caller, const std::string& id,
                     bool verify_only, http::Responder respond) {
  auto state = deps_.views->journey(id);
  if (!state) return respond(problem("not_found", "no journey with this id"));
  const ReadGrant grant = journey_read_grant(caller.reader, *state);
  log_read(caller, id, verify_only ? "verify" : "events",
           grant.allowed() && (verify_only || grant.events));
  if (!grant.allowed() || (!verify_only && !grant.events)) {
    return respond(problem("forbidden", "the event log is for auditors, admins and the DDETS"));
  }
  events::ChainVerifier verifier;
  nlohmann::json list = nlohmann::json::array();
  nlohmann::json breaks = nlohmann::json::array();
  for (const auto& raw : deps_.views->events(id)) {
    auto env = nlohmann::json::parse(raw, nullptr, false);
    if (auto b = verifier.add(env)) {
      breaks.push_back({{"seq", b->seq}, {"kind", b->kind}, {"detail", b->detail}});
    }
    if (!verify_only) list.push_back(std::move(env));
  }
  if (verify_only) {
    return respond(json_response(200, {{"ok", breaks.empty()},
                                       {"events", verifier.events()},
                                       {"head_hash", verifier.head_hash()},
                                       {"breaks", breaks}}));
  }
  respond(json_response(200, {{"events", list}}));
}

void Api::log_read(const Caller& caller, const std::string& journey, const std::string& what,
                   bool allowed, const nlohmann::json& extra) {
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
  deps_.gateway->log_access(journey, entry);
}

void Api::get_access_log(const Caller& caller, const std::string& id, http::Responder respond) {
  auto state = deps_.views->journey(id);
  if (!state) return respond(problem("not_found", "no journey with this id"));
  const ReadGrant grant = journey_read_grant(caller.reader, *state);
  log_read(caller, id, "access_log", grant.events);
  if (!grant.events) {
    return respond(problem("forbidden", "the access log is for auditors, admins and the DDETS"));
  }
  nlohmann::json items = nlohmann::json::array();
  std::string prefix = "access/" + id;
  prefix.push_back('\0');
  deps_.views->scan(prefix, "", [&](const std::string&, const std::string& value) {
    items.push_back(nlohmann::json::parse(value));
    return true;
  });
  respond(json_response(200, {{"journey_id", id}, {"reads", items}}));
}

http::Response Api::metrics() {
  if (deps_.before_metrics) deps_.before_metrics();
  std::ostringstream out;
  prometheus::TextSerializer serializer;
  serializer.Serialize(out, deps_.probe->registry().Collect());
  http::Response r;
  r.content_type = "text/plain; version=0.0.4";
  r.body = out.str();
  return r;
}

}  // namespace parcours::api
