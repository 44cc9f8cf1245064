#include "events/fast_decode.h"

#include <simdjson.h>

#include "events/json_tree.h"

namespace parcours::events {

namespace {

// The envelope's members, found in one pass over the object (the first of a repeated name, as
// a lookup by name finds it).
enum Member {
  kSpecversion,
  kId,
  kType,
  kSubject,
  kTime,
  kPrevhash,
  kHash,
  kCommandid,
  kActor,
  kActororg,
  kRuleset,
  kSeq,
  kData,
  kMembers
};

int member_index(std::string_view key) {
  static constexpr std::string_view kNames[kMembers] = {
      "specversion", "id",    "type",     "subject", "time", "prevhash", "hash",
      "commandid",   "actor", "actororg", "ruleset", "seq",  "data"};
  for (int i = 0; i < kMembers; ++i) {
    if (kNames[i] == key) return i;
  }
  return -1;
}

struct Found {
  bool present = false;
  simdjson::dom::element value;
};

bool string_member(const Found* members, Member m, const char* name, std::string& out,
                   DecodeError* error) {
  std::string_view v;
  if (!members[m].present || members[m].value.get(v) != simdjson::SUCCESS) {
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
  Found members[kMembers];
  for (auto field : o) {
    const int i = member_index(field.key);
    if (i >= 0 && !members[i].present) members[i] = {true, field.value};
  }
  domain::RecordedEvent e;
  std::string specversion;
  if (!string_member(members, kSpecversion, "specversion", specversion, error)) {
    return std::nullopt;
  }
  if (specversion != "1.0") {
    if (error) error->what = "specversion is not 1.0";
    return std::nullopt;
  }
  if (!string_member(members, kId, "id", e.id, error) ||
      !string_member(members, kType, "type", e.type, error) ||
      !string_member(members, kSubject, "subject", e.subject, error) ||
      !string_member(members, kTime, "time", e.time, error) ||
      !string_member(members, kPrevhash, "prevhash", e.prevhash, error) ||
      !string_member(members, kHash, "hash", e.hash, error) ||
      !string_member(members, kCommandid, "commandid", e.command_id, error) ||
      !string_member(members, kActor, "actor", e.actor, error) ||
      !string_member(members, kActororg, "actororg", e.actor_org, error) ||
      !string_member(members, kRuleset, "ruleset", e.ruleset, error)) {
    return std::nullopt;
  }
  int64_t seq = 0;
  if (!members[kSeq].present || members[kSeq].value.get(seq) != simdjson::SUCCESS || seq < 1) {
    if (error) error->what = "member 'seq' missing or not a positive integer";
    return std::nullopt;
  }
  e.seq = static_cast<long>(seq);
  const simdjson::dom::element data = members[kData].value;
  if (!members[kData].present || !data.is_object()) {
    if (error) error->what = "member 'data' missing or not an object";
    return std::nullopt;
  }
  e.data = to_nlohmann(data);
  return e;
}

}  // namespace parcours::events
