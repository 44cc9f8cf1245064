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
  // Written directly, members in canonical order (byte order of their keys): the text is
  // canonical() of the record's tree, which the unit tests check, with no tree built but the
  // data's own.
  std::string actor;
  actor.reserve(c.actor.sub.size() + c.actor.org.size() + 40);
  std::string roles = "[";
  for (std::size_t i = 0; i < c.actor.roles.size(); ++i) {
    if (i > 0) roles += ',';
    events::append_json_string(roles, c.actor.roles[i]);
  }
  roles += ']';
  events::CanonicalObject(actor)
      .string("org", c.actor.org)
      .raw("roles", roles)
      .string("sub", c.actor.sub)
      .close();
  const std::string data = events::canonical(c.data);
  std::string out;
  out.reserve(data.size() + actor.size() + c.command_id.size() + c.stream_id.size() + 300);
  events::CanonicalObject o(out);
  o.raw("actor", actor).string("command_id", c.command_id).raw("data", data);
  if (c.expected_version) {
    o.number("expected_version", *c.expected_version);
  } else {
    o.raw("expected_version", "null");
  }
  o.string("intake_time", c.intake_time)
      .string("payload_hash", c.payload_hash)
      .number("reply_partition", c.reply_partition)
      .string("reply_to", c.reply_to)
      .string("request_id", c.request_id)
      .string("stream", c.stream)
      .string("stream_id", c.stream_id)
      .string("type", c.type)
      .number("v", 1);
  if (!c.wrapped_key.is_null()) o.raw("wrapped_key", events::canonical(c.wrapped_key));
  o.close();
  return out;
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
  // simdjson reads the record; the body becomes a tree (for the client's answer) only once
  // the members around it are known to be right.
  thread_local simdjson::dom::parser parser;
  simdjson::dom::element doc;
  simdjson::dom::object o;
  if (parser.parse(value.data(), value.size(), /*realloc_if_needed=*/true).get(doc) !=
          simdjson::SUCCESS ||
      doc.get(o) != simdjson::SUCCESS) {
    return std::nullopt;
  }
  ReplyRecord r;
  int64_t status = 0;
  if (get_string(o, "command_id", r.command_id) != Got::value ||
      get_int(o, "status", status) != Got::value || status < INT32_MIN || status > INT32_MAX ||
      get_string(o, "reply_to", r.reply_to) == Got::wrong ||
      get_string(o, "request_id", r.request_id) == Got::wrong) {
    return std::nullopt;
  }
  r.status = static_cast<int>(status);
  auto body = o.at_key("body");
  r.body = body.error() == simdjson::SUCCESS ? events::to_nlohmann(body.value_unsafe())
                                             : nlohmann::json::object();
  return r;
}

}  // namespace parcours::processor
