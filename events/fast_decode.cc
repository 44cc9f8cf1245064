#include "events/fast_decode.h"

#include <simdjson.h>

namespace parcours::events {

namespace {

nlohmann::json to_nlohmann(simdjson::dom::element e) {
  switch (e.type()) {
    case simdjson::dom::element_type::OBJECT: {
      nlohmann::json o = nlohmann::json::object();
      for (auto field : simdjson::dom::object(e)) {
        o[std::string(field.key)] = to_nlohmann(field.value);
      }
      return o;
    }
    case simdjson::dom::element_type::ARRAY: {
      nlohmann::json a = nlohmann::json::array();
      for (auto item : simdjson::dom::array(e)) a.push_back(to_nlohmann(item));
      return a;
    }
    case simdjson::dom::element_type::STRING:
      return std::string(std::string_view(e));
    case simdjson::dom::element_type::INT64:
      return int64_t(e);
    case simdjson::dom::element_type::UINT64:
      return uint64_t(e);
    case simdjson::dom::element_type::DOUBLE:
      return double(e);
    case simdjson::dom::element_type::BOOL:
      return bool(e);
    case simdjson::dom::element_type::NULL_VALUE:
      return nullptr;
  }
  return nullptr;
}

bool string_member(simdjson::dom::object o, const char* name, std::string& out,
                   DecodeError* error) {
  std::string_view v;
  if (o[name].get(v) != simdjson::SUCCESS) {
    if (error) error->what = std::string("member '") + name + "' missing or not a string";
    return false;
  }
  out.assign(v);
  return true;
}

}  // namespace

std::optional<domain::RecordedEvent> decode_record_fast(std::string_view value,
                                                        DecodeError* error) {
  thread_local simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (parser.parse(value.data(), value.size(), /*realloc_if_needed=*/true).get(doc) !=
      simdjson::SUCCESS) {
    if (error) error->what = "not valid JSON";
    return std::nullopt;
  }
  simdjson::dom::object o;
  if (doc.get(o) != simdjson::SUCCESS) {
    if (error) error->what = "not a JSON object";
    return std::nullopt;
  }
  domain::RecordedEvent e;
  std::string specversion;
  if (!string_member(o, "specversion", specversion, error)) return std::nullopt;
  if (specversion != "1.0") {
    if (error) error->what = "specversion is not 1.0";
    return std::nullopt;
  }
  if (!string_member(o, "id", e.id, error) || !string_member(o, "type", e.type, error) ||
      !string_member(o, "subject", e.subject, error) || !string_member(o, "time", e.time, error) ||
      !string_member(o, "prevhash", e.prevhash, error) ||
      !string_member(o, "hash", e.hash, error) ||
      !string_member(o, "commandid", e.command_id, error) ||
      !string_member(o, "actor", e.actor, error) ||
      !string_member(o, "actororg", e.actor_org, error) ||
      !string_member(o, "ruleset", e.ruleset, error)) {
    return std::nullopt;
  }
  int64_t seq = 0;
  if (o["seq"].get(seq) != simdjson::SUCCESS || seq < 1) {
    if (error) error->what = "member 'seq' missing or not a positive integer";
    return std::nullopt;
  }
  e.seq = static_cast<long>(seq);
  simdjson::dom::element data;
  if (o["data"].get(data) != simdjson::SUCCESS || !data.is_object()) {
    if (error) error->what = "member 'data' missing or not an object";
    return std::nullopt;
  }
  e.data = to_nlohmann(data);
  return e;
}

}  // namespace parcours::events
