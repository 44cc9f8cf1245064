#include "events/envelope.h"

#include "crypto/sha256.h"
#include "domain/json_text.h"

namespace parcours::events {

std::string canonical(const nlohmann::json& value) {
  // Never throws: a string that is not UTF-8 (which only a bug could produce, since every
  // client text was parsed as JSON) is written with U+FFFD in place of its bad bytes, and the
  // hash covers exactly what is written (domain/json_text.h: dump()'s bytes, faster).
  std::string out;
  domain::append_json_text(out, value);
  return out;
}

std::string dataschema_of(std::string_view type, int version) {
  return "urn:parcours:event:" + std::string(type) + ":v" + std::to_string(version);
}

nlohmann::json to_envelope(const domain::RecordedEvent& e, std::string_view source) {
  nlohmann::json env = {{"specversion", "1.0"},
                        {"id", e.id},
                        {"source", source},
                        {"type", e.type},
                        {"subject", e.subject},
                        {"time", e.time},
                        {"datacontenttype", "application/json"},
                        {"dataschema", dataschema_of(e.type)},
                        {"seq", e.seq},
                        {"prevhash", e.prevhash},
                        {"commandid", e.command_id},
                        {"actor", e.actor},
                        {"actororg", e.actor_org},
                        {"ruleset", e.ruleset},
                        {"data", e.data}};
  if (!e.hash.empty()) env["hash"] = e.hash;
  return env;
}

std::string compute_hash(const nlohmann::json& envelope) {
  if (!envelope.contains("hash")) return crypto::sha256_hex(canonical(envelope));
  nlohmann::json copy = envelope;
  copy.erase("hash");
  return crypto::sha256_hex(canonical(copy));
}

nlohmann::json seal(domain::RecordedEvent& e, std::string_view source) {
  e.id = e.subject + "." + std::to_string(e.seq);
  e.hash.clear();
  nlohmann::json env = to_envelope(e, source);
  e.hash = crypto::sha256_hex(canonical(env));
  env["hash"] = e.hash;
  return env;
}

namespace {

bool get_string(const nlohmann::json& env, const char* name, std::string& out, DecodeError* error) {
  auto it = env.find(name);
  if (it == env.end() || !it->is_string()) {
    if (error) error->what = std::string("member '") + name + "' missing or not a string";
    return false;
  }
  out = it->get<std::string>();
  return true;
}

}  // namespace

namespace {

// Shared by both decode overloads: `take_data` moves `data` out of a parsed document that is
// not used afterwards, instead of copying it.
std::optional<domain::RecordedEvent> decode_impl(const nlohmann::json& env,
                                                 nlohmann::json* take_data, DecodeError* error) {
  if (!env.is_object()) {
    if (error) error->what = "not a JSON object";
    return std::nullopt;
  }
  domain::RecordedEvent e;
  std::string specversion;
  if (!get_string(env, "specversion", specversion, error)) return std::nullopt;
  if (specversion != "1.0") {
    if (error) error->what = "specversion is not 1.0";
    return std::nullopt;
  }
  if (!get_string(env, "id", e.id, error) || !get_string(env, "type", e.type, error) ||
      !get_string(env, "subject", e.subject, error) || !get_string(env, "time", e.time, error) ||
      !get_string(env, "prevhash", e.prevhash, error) || !get_string(env, "hash", e.hash, error) ||
      !get_string(env, "commandid", e.command_id, error) ||
      !get_string(env, "actor", e.actor, error) ||
      !get_string(env, "actororg", e.actor_org, error) ||
      !get_string(env, "ruleset", e.ruleset, error)) {
    return std::nullopt;
  }
  auto seq = env.find("seq");
  if (seq == env.end() || !seq->is_number_integer() || seq->get<long long>() < 1) {
    if (error) error->what = "member 'seq' missing or not a positive integer";
    return std::nullopt;
  }
  e.seq = seq->get<long>();
  auto data = env.find("data");
  if (data == env.end() || !data->is_object()) {
    if (error) error->what = "member 'data' missing or not an object";
    return std::nullopt;
  }
  if (take_data) {
    e.data = std::move(*take_data);
  } else {
    e.data = *data;
  }
  return e;
}

}  // namespace

std::optional<domain::RecordedEvent> decode(const nlohmann::json& env, DecodeError* error) {
  return decode_impl(env, nullptr, error);
}

std::optional<domain::RecordedEvent> decode_record(std::string_view value, DecodeError* error) {
  nlohmann::json env = nlohmann::json::parse(value, nullptr, /*allow_exceptions=*/false);
  if (env.is_discarded()) {
    if (error) error->what = "not valid JSON";
    return std::nullopt;
  }
  nlohmann::json* data = env.is_object() && env.contains("data") ? &env["data"] : nullptr;
  return decode_impl(env, data, error);
}

}  // namespace parcours::events
