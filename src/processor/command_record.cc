#include "processor/command_record.h"

#include <algorithm>
#include <climits>
#include <cstdint>

#include <simdjson.h>

#include "events/envelope.h"
#include "events/envelope_writer.h"
#include "events/json_tree.h"

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

namespace {

// A member of a command record: there with the type asked for, absent, or there with another
// type (which fails the record, required or not).
enum class Got { value, absent, wrong };

Got get_string(simdjson::dom::object o, std::string_view name, std::string& out) {
  auto member = o.at_key(name);
  if (member.error() == simdjson::NO_SUCH_FIELD) return Got::absent;
  std::string_view v;
  if (member.get(v) != simdjson::SUCCESS) return Got::wrong;
  out.assign(v);
  return Got::value;
}

Got get_int(simdjson::dom::object o, std::string_view name, int64_t& out) {
  auto member = o.at_key(name);
  if (member.error() == simdjson::NO_SUCH_FIELD) return Got::absent;
  return member.get(out) == simdjson::SUCCESS ? Got::value : Got::wrong;
}

// The optional members: absent takes the default; null is allowed where the format says so.
bool optional_members(simdjson::dom::object o, CommandRecord& c) {
  int64_t reply_partition = 0;
  const Got rp = get_int(o, "reply_partition", reply_partition);
  if (rp == Got::wrong || reply_partition < INT32_MIN || reply_partition > INT32_MAX) return false;
  c.reply_partition = static_cast<int>(reply_partition);
  auto expected = o.at_key("expected_version");
  if (expected.error() != simdjson::NO_SUCH_FIELD && !expected.is_null()) {
    int64_t v = 0;
    if (expected.get(v) != simdjson::SUCCESS) return false;
    c.expected_version = static_cast<long>(v);
  }
  if (auto wrapped = o.at_key("wrapped_key"); wrapped.error() == simdjson::SUCCESS) {
    c.wrapped_key = events::to_nlohmann(wrapped.value_unsafe());
  }
  return get_string(o, "payload_hash", c.payload_hash) != Got::wrong &&
         get_string(o, "reply_to", c.reply_to) != Got::wrong &&
         get_string(o, "request_id", c.request_id) != Got::wrong;
}

bool actor_members(simdjson::dom::object o, CommandActor& actor) {
  simdjson::dom::object a;
  if (o.at_key("actor").get(a) != simdjson::SUCCESS) return false;
  if (get_string(a, "sub", actor.sub) != Got::value) return false;
  if (get_string(a, "org", actor.org) == Got::wrong) return false;
  auto roles = a.at_key("roles");
  if (roles.error() == simdjson::NO_SUCH_FIELD) return true;
  simdjson::dom::array list;
  if (roles.get(list) != simdjson::SUCCESS) return false;
  for (auto role : list) {
    std::string_view r;
    if (role.get(r) != simdjson::SUCCESS) return false;
    actor.roles.emplace_back(r);
  }
  return true;
}

}  // namespace

std::optional<CommandRecord> decode_command(std::string_view value, std::string* error) {
  // simdjson parses the record; only `data` (and a wrapped key) becomes a tree, for the rules.
  thread_local simdjson::dom::parser parser;
  auto fail = [&](const char* why) -> std::optional<CommandRecord> {
    if (error) *error = why;
    return std::nullopt;
  };
  simdjson::dom::element doc;
  simdjson::dom::object o;
  if (parser.parse(value.data(), value.size(), /*realloc_if_needed=*/true).get(doc) !=
          simdjson::SUCCESS ||
      doc.get(o) != simdjson::SUCCESS) {
    return fail("command record is not a JSON object");
  }
  int64_t version = 0;
  if (get_int(o, "v", version) != Got::value || version != 1) {
    return fail("unknown command record version");
  }
  CommandRecord c;
  simdjson::dom::element data;
  if (get_string(o, "command_id", c.command_id) != Got::value ||
      get_string(o, "stream", c.stream) != Got::value ||
      get_string(o, "stream_id", c.stream_id) != Got::value ||
      get_string(o, "type", c.type) != Got::value ||
      get_string(o, "intake_time", c.intake_time) != Got::value ||
      o.at_key("data").get(data) != simdjson::SUCCESS || !actor_members(o, c.actor) ||
      !optional_members(o, c)) {
    return fail("command record lacks a field or has a wrong type");
  }
  c.data = events::to_nlohmann(data);
  return c;
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
