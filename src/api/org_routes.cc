// The organisation registry (JOURNEY §2) and the administration routes.
#include "api/api.h"
#include "api/command_headers.h"
#include "api/problem_map.h"
#include "api/responses.h"
#include "common/clock.h"
#include "domain/decide.h"
#include "events/envelope.h"

namespace parcours::api {

void Api::post_org_command(const http::Request& req, const Caller& caller, const std::string& id,
                           http::Responder respond) {
  if (!caller.reader.admin) {
    return respond(problem("forbidden", "organisation commands need the admin role"));
  }
  http::Response error;
  auto request = read_command_request(req, &error);
  if (!request) return respond(std::move(error));
  const std::string& key = request->key;
  const auto& expected = request->expected_version;
  const std::string& type = request->type;
  if (!domain::is_org_command(type)) return respond(problem("malformed", "unknown command type"));
  processor::CommandRecord cmd;
  cmd.command_id = key;
  cmd.stream = "org";
  cmd.stream_id = id;
  cmd.type = type;
  cmd.expected_version = expected;
  cmd.actor = {caller.principal.sub, caller.principal.org, {"admin"}};
  cmd.intake_time = common::now_rfc3339();
  cmd.data = std::move(request->data);
  nlohmann::json fingerprint = {{"type", type}, {"data", cmd.data}};
  fingerprint["expected_version"] = expected ? nlohmann::json(*expected) : nlohmann::json(nullptr);
  cmd.payload_hash = crypto::keyed_hash_hex(events::canonical(fingerprint), *deps_.keys);
  submit(std::move(cmd), caller, std::move(respond));
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

void Api::get_digest(const Caller& caller, http::Responder respond) {
  if (!caller.reader.admin) return respond(problem("forbidden", "the digest is for admins"));
  const auto d = deps_.views->digest();
  respond(json_response(
      200,
      {{"digest", d.sha256}, {"journeys", d.journeys}, {"events", d.events}, {"keys", d.keys}}));
}

void Api::post_deadlines(const http::Request& req, const Caller& caller, http::Responder respond) {
  if (!caller.reader.admin) return respond(problem("forbidden", "deadlines are for admins"));
  auto body = nlohmann::json::parse(req.body, nullptr, false);
  std::optional<domain::Date> day;
  if (body.is_object() && body.contains("day") && body["day"].is_string()) {
    day = domain::Date::parse(body["day"].get<std::string>());
  }
  if (!day) return respond(problem("malformed", "the body must be {\"day\": \"YYYY-MM-DD\"}"));
  if (deps_.run_deadlines) deps_.run_deadlines(*day);
  respond(json_response(202, {{"day", day->str()}, {"status", "scheduled"}}));
}

}  // namespace parcours::api
