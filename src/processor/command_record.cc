#include "processor/command_record.h"

#include <algorithm>

#include "events/envelope.h"
#include "events/envelope_writer.h"

namespace parcours::processor {

bool CommandActor::has_role(const std::string& r) const {
  return std::find(roles.begin(), roles.end(), r) != roles.end();
}

std::string encode(const CommandRecord& c) {
  nlohmann::json j = {
      {"v", 1},
      {"command_id", c.command_id},
      {"stream", c.stream},
      {"stream_id", c.stream_id},
      {"type", c.type},
      {"data", c.data},
      {"actor", {{"sub", c.actor.sub}, {"org", c.actor.org}, {"roles", c.actor.roles}}},
      {"intake_time", c.intake_time},
      {"payload_hash", c.payload_hash},
      {"reply_partition", c.reply_partition},
      {"reply_to", c.reply_to},
      {"request_id", c.request_id}};
  j["expected_version"] = c.expected_version ? nlohmann::json(*c.expected_version) : nullptr;
  if (!c.wrapped_key.is_null()) j["wrapped_key"] = c.wrapped_key;
  return events::canonical(j);
}

std::optional<CommandRecord> decode_command(std::string_view value, std::string* error) {
  auto j = nlohmann::json::parse(value, nullptr, false);
  auto fail = [&](const char* why) -> std::optional<CommandRecord> {
    if (error) *error = why;
    return std::nullopt;
  };
  if (j.is_discarded() || !j.is_object()) return fail("command record is not a JSON object");
  if (j.value("v", 0) != 1) return fail("unknown command record version");
  try {
    CommandRecord c;
    c.command_id = j.at("command_id").get<std::string>();
    c.stream = j.at("stream").get<std::string>();
    c.stream_id = j.at("stream_id").get<std::string>();
    c.type = j.at("type").get<std::string>();
    c.data = j.at("data");
    if (j.contains("expected_version") && !j["expected_version"].is_null()) {
      c.expected_version = j["expected_version"].get<long>();
    }
    const auto& a = j.at("actor");
    c.actor.sub = a.at("sub").get<std::string>();
    c.actor.org = a.value("org", "");
    c.actor.roles = a.value("roles", std::vector<std::string>{});
    c.intake_time = j.at("intake_time").get<std::string>();
    c.payload_hash = j.value("payload_hash", "");
    c.reply_partition = j.value("reply_partition", 0);
    c.reply_to = j.value("reply_to", "");
    c.request_id = j.value("request_id", "");
    if (j.contains("wrapped_key")) c.wrapped_key = j["wrapped_key"];
    return c;
  } catch (const nlohmann::json::exception&) {
    return fail("command record lacks a field or has a wrong type");
  }
}

std::string encode(const ReplyRecord& r) {
  return encode(r, events::canonical(r.body));
}

std::string encode(const ReplyRecord& r, std::string_view body) {
  // Written directly: no copy of the body into a tree of its own.
  std::string out;
  out.reserve(body.size() + r.command_id.size() + r.reply_to.size() + r.request_id.size() + 80);
  events::CanonicalObject(out)
      .raw("body", body)
      .string("command_id", r.command_id)
      .string("reply_to", r.reply_to)
      .string("request_id", r.request_id)
      .number("status", r.status)
      .close();
  return out;
}

std::optional<ReplyRecord> decode_reply(std::string_view value) {
  auto j = nlohmann::json::parse(value, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return std::nullopt;
  ReplyRecord r;
  if (!j.contains("command_id") || !j["command_id"].is_string() || !j.contains("status") ||
      !j["status"].is_number_integer()) {
    return std::nullopt;
  }
  r.command_id = j["command_id"].get<std::string>();
  r.reply_to = j.value("reply_to", "");
  r.request_id = j.value("request_id", "");
  r.status = j["status"].get<int>();
  r.body = j.value("body", nlohmann::json::object());
  return r;
}

}  // namespace parcours::processor
