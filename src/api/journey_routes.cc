// The journey routes (JOURNEY §3, §4, §6): commands, the journey as of now or of a date, its
// events and chain, its access log, and the lookup of a journey from a proof of identity.
#include <sodium.h>

#include <chrono>

#include "api/api.h"
#include "api/command_headers.h"
#include "api/logged_answer.h"
#include "api/problem_map.h"
#include "api/responses.h"
#include "api/visible_answer.h"
#include "common/clock.h"
#include "crypto/free_text_cipher.h"
#include "domain/decide.h"
#include "domain/proof.h"
#include "events/envelope.h"
#include "events/fast_decode.h"
#include "events/hash_chain.h"
#include "projections/indexes.h"
#include "projections/journey_view.h"

namespace parcours::api {

namespace {

using Clock = std::chrono::steady_clock;

std::optional<long> parse_count(const std::string& v) {
  if (v.empty() || v.size() > 15) return std::nullopt;
  long n = 0;
  for (char c : v) {
    if (c < '0' || c > '9') return std::nullopt;
    n = n * 10 + (c - '0');
  }
  return n;
}

// The same 404 for an unknown journey and for one the caller may not know of (JOURNEY §6).
http::Response journey_not_found() {
  const auto r = domain::journey_not_found();
  return problem(r.code, r.detail);
}

// Rejections whose mere outcome tells something of the person's age: like a failed proof, each
// costs the organisation an attempt (docs/security.md, "what outcomes tell").
bool tells_age(const std::string& code) {
  return code == "eligibility.criterion_contradicts_identity" || code == "pass.prolongation_age" ||
         code == "contract.cdi_inclusion_not_allowed";
}

}  // namespace

std::optional<http::Response> Api::proofs_exhausted(const Caller& caller) const {
  if (!deps_.proof_limiter || deps_.proof_limiter->peek(caller.principal.org)) return std::nullopt;
  auto r = problem("rate_limited",
                   "too many failed proofs of identity for this organisation; try again later");
  r.headers.emplace_back("Retry-After", "60");
  return r;
}

void Api::submit(processor::CommandRecord cmd, const Caller& caller, http::Responder respond) {
  const auto started = Clock::now();
  const std::string type = cmd.type;
  ApiProbe* probe = deps_.probe;
  RateLimiter* proofs = deps_.proof_limiter;
  const std::string org = caller.principal.org;
  const std::string journey = cmd.stream == "journey" ? cmd.stream_id : std::string();
  // The command's latency counts to its answer, a wait for the read models included.
  http::Responder answer = [respond, started, type, probe](http::Response r) {
    if (probe) {
      probe->command_latency(type, std::chrono::duration<double>(Clock::now() - started).count());
    }
    respond(std::move(r));
  };
  deps_.gateway->submit(std::move(cmd), [this, answer, type, proofs, org, journey](
                                            int status, const nlohmann::json& body) {
    if (status == 200 || status == 201) {
      const auto version = body.find("version");
      const long v =
          version != body.end() && version->is_number_integer() ? version->get<long>() : 0;
      return answer_when_shown(visible_wait_, journey, v, json_response(status, body), answer);
    }
    const std::string code = body.value("code", "internal");
    if (proofs && ((type == "JoinJourney" && status == 404) || tells_age(code))) {
      (void)proofs->allow(org);
    }
    answer(problem(code, body.value("detail", ""), status));
  });
}

void Api::post_journey_command(const http::Request& req, const Caller& caller,
                               const std::string& id, http::Responder respond) {
  http::Response error;
  auto request = read_command_request(req, &error);
  if (!request) return respond(std::move(error));
  const std::string& key = request->key;
  const auto& expected = request->expected_version;
  const std::string& type = request->type;
  if (!domain::is_journey_command(type)) {
    return respond(problem("malformed", "unknown command type"));
  }
  if (type == "JoinJourney") {
    if (auto r = proofs_exhausted(caller)) return respond(std::move(*r));
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
  nlohmann::json data = std::move(request->data);
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
  } else {
    // Free text is personal data: sealed for its trip through the commands topic too.
    cmd.wrapped_key = crypto::seal_command_free_text(type, data, id, *deps_.keys);
  }
  cmd.data = std::move(data);
  submit(std::move(cmd), caller, std::move(respond));
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
    if (!as_of)
      return respond(
          problem("malformed", "as_of must be an RFC 3339 date-time of a year from 1900 to 2200"));
  }
  if (min_version) {
    // Authorise on the state there is. A reader refused on a state that has reached
    // min_version is answered now; a reader refused on an older state may wait, because the
    // version it waits for can be the one that involves it (its JoinJourney, a consent). Its
    // waits count against its organisation's bound like any other, and the answer, once the
    // version is there or the time is out, is authorised then (answer_unreached).
    long version = 0;
    if (auto state = deps_.views->journey(id)) {
      version = state->version;
      if (version >= *min_version && !journey_read_grant(caller.reader, *state).allowed()) {
        log_read(caller, id, "state", false);
        return respond(journey_not_found());
      }
    }
    if (version < *min_version) {
      const std::string org = caller.principal.org;
      if (!deps_.waiters->reserve(org, deps_.max_waits_per_org)) {
        auto r = problem("rate_limited", "too many reads waiting for a version; slow down");
        r.headers.emplace_back("Retry-After", "1");
        return respond(std::move(r));
      }
      // The projector's thread only wakes the wait; the answer (reads, replay, decryption) is
      // deferred to a worker.
      auto defer = deps_.defer;
      const auto waiting_since = Clock::now();
      deps_.waiters->add(
          id, *min_version, waiting_since + deps_.min_version_wait,
          [this, defer, caller, id, as_of, respond, org, waiting_since](bool reached) {
            deps_.waiters->release(org);
            if (deps_.probe) {
              deps_.probe->version_wait(
                  std::chrono::duration<double>(Clock::now() - waiting_since).count());
            }
            defer([this, reached, caller, id, as_of, respond] {
              if (!reached) return answer_unreached(caller, id, respond);
              answer_journey(caller, id, as_of, respond);
            });
          });
      // The projector may have applied the version between the read above and add().
      if (auto again = deps_.views->journey(id)) deps_.waiters->reached(id, again->version);
      return;
    }
  }
  answer_journey(caller, id, as_of, std::move(respond));
}

// A ?min_version wait that ran out of time. Only a reader allowed to read the journey learns
// that the read model is late; anyone else, and anyone asking about a journey not projected,
// gets the 404 of an unknown id, so the wait tells an outsider nothing the 404 does not.
void Api::answer_unreached(const Caller& caller, const std::string& id, http::Responder respond) {
  auto state = deps_.views->journey(id);
  if (!state) return respond(journey_not_found());
  if (!journey_read_grant(caller.reader, *state).allowed()) {
    log_read(caller, id, "state", false);
    return respond(journey_not_found());
  }
  respond(problem("timeout", "the read model has not reached min_version in time"));
}

void Api::answer_journey(const Caller& caller, const std::string& id,
                         std::optional<std::chrono::system_clock::time_point> as_of,
                         http::Responder respond) {
  auto state = deps_.views->journey(id);
  if (!state) return respond(journey_not_found());
  const ReadGrant grant = journey_read_grant(caller.reader, *state);
  const std::string what = as_of ? "as_of" : "state";
  const nlohmann::json extra =
      as_of ? nlohmann::json{{"as_of", common::rfc3339(*as_of)}} : nlohmann::json::object();
  if (!grant.allowed()) {
    log_read(caller, id, what, false, extra);
    return respond(journey_not_found());
  }
  domain::JourneyState shown = std::move(*state);
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
  std::optional<crypto::DataKey> key;
  if (auto wrapped = deps_.views->wrapped_key(id)) {
    key = crypto::unwrap_data_key(*wrapped, id, *deps_.keys);
  }
  nlohmann::json person = nullptr;
  if (grant.identity && key && !shown.identity.is_null()) {
    if (auto clear = crypto::open_identity(shown.identity, *key, id)) person = *clear;
  }
  // JOURNEY §6: the identity is served only once its read is on the access log. The entry
  // leaves now and the answer is rendered meanwhile (logged_answer.h).
  std::shared_ptr<LoggedAnswer> logged;
  if (!person.is_null()) {
    logged = std::make_shared<LoggedAnswer>(respond);
    nlohmann::json with_identity = extra;
    with_identity["identity"] = true;
    log_read(caller, id, what, true, with_identity,
             [logged](bool acknowledged) { logged->acknowledged(acknowledged); });
  }
  projections::RenderOptions o;
  o.today = domain::Date::utc_date_of(std::chrono::system_clock::now());
  o.person = person;
  o.diagnosis_details = grant.diagnosis_details;
  o.reader_org = caller.reader.org_id;
  o.org_label = org_labeller(caller, grant.scope == ReadScope::everything);
  if (key) {
    o.open_text = [key, id](const nlohmann::json& sealed) {
      return crypto::open_free_text(sealed, *key, id).value_or(nullptr);
    };
  }
  http::Response answer = json_response(200, projections::render_journey(shown, o));
  if (logged) return logged->rendered(std::move(answer));
  log_read(caller, id, what, true, extra);
  respond(std::move(answer));
}

void Api::get_events(const Caller& caller, const std::string& id, bool verify_only,
                     http::Responder respond) {
  auto state = deps_.views->journey(id);
  if (!state) return respond(journey_not_found());
  const ReadGrant grant = journey_read_grant(caller.reader, *state);
  const bool allowed = grant.allowed() && (verify_only || grant.events);
  log_read(caller, id, verify_only ? "verify" : "events", allowed);
  if (!grant.allowed()) return respond(journey_not_found());
  if (!allowed) {
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

void Api::get_access_log(const Caller& caller, const std::string& id, http::Responder respond) {
  auto state = deps_.views->journey(id);
  if (!state) return respond(journey_not_found());
  const ReadGrant grant = journey_read_grant(caller.reader, *state);
  log_read(caller, id, "access_log", grant.events);
  if (!grant.allowed()) return respond(journey_not_found());
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

void Api::post_lookup(const http::Request& req, const Caller& caller, http::Responder respond) {
  if (!caller.reader.org || (caller.reader.org->kind != domain::OrgKind::prescriber &&
                             caller.reader.org->kind != domain::OrgKind::orienteur &&
                             caller.reader.org->kind != domain::OrgKind::siae)) {
    return respond(problem("forbidden", "lookups are for prescribers, orienteurs and SIAE"));
  }
  if (auto r = proofs_exhausted(caller)) return respond(std::move(*r));
  // Every lookup costs an attempt, found or not: a lookup is a proof tested against everyone.
  if (deps_.proof_limiter) (void)deps_.proof_limiter->allow(caller.principal.org);
  auto body = nlohmann::json::parse(req.body, nullptr, false);
  if (body.is_discarded() || !body.is_object()) {
    return respond(problem("malformed", "the body must be {\"proof\": {...}}"));
  }
  domain::FieldReader f(body);
  std::optional<domain::Proof> proof;
  if (auto p = f.object("proof")) proof = domain::read_proof(*p);
  if (auto err = f.finish()) return respond(problem(err->code, err->detail));
  if (!proof) return respond(problem("malformed", "the body must be {\"proof\": {...}}"));
  // The index holds keyed hashes under the master key of the time: look under each.
  std::vector<std::string> found;
  for (const auto* key : deps_.keys->lookup_keys()) {
    const std::string prefix =
        projections::lookup_prefix(crypto::lookup_hash_hex(proof->text, *key));
    deps_.views->scan(prefix, "", [&](const std::string& k, const std::string&) {
      found.push_back(k.substr(prefix.size()));
      return found.size() < 10;
    });
  }
  const nlohmann::json extra = {{"proof_kind", std::string(domain::to_string(proof->kind))},
                                {"found", found.size()}};
  if (found.empty()) {
    log_read(caller, "", "lookup", true, extra);
    return respond(problem("not_found", "no journey matches this proof"));
  }
  for (const auto& id : found) log_read(caller, id, "lookup", true, extra);
  // Finding a journey is not joining it: the answer is its id, nothing of its content.
  respond(json_response(200, {{"journey_id", found.front()}, {"journey_ids", found}}));
}

}  // namespace parcours::api
