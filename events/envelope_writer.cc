#include "events/envelope_writer.h"

#include "crypto/sha256.h"
#include "domain/json_text.h"
#include "events/envelope.h"

namespace parcours::events {

namespace {

// The envelope's text without "hash"; returns where "hash" goes (after "dataschema", in key
// order). `data` is canonical(data).
std::size_t write_envelope(std::string& out, const domain::RecordedEvent& e,
                           std::string_view source, std::string_view data) {
  CanonicalObject o(out);
  o.string("actor", e.actor)
      .string("actororg", e.actor_org)
      .string("commandid", e.command_id)
      .raw("data", data)
      .string("datacontenttype", "application/json")
      .string("dataschema", dataschema_of(e.type));
  const std::size_t hash_at = out.size();
  o.string("id", e.id)
      .string("prevhash", e.prevhash)
      .string("ruleset", e.ruleset)
      .number("seq", e.seq)
      .string("source", source)
      .string("specversion", "1.0")
      .string("subject", e.subject)
      .string("time", e.time)
      .string("type", e.type)
      .close();
  return hash_at;
}

}  // namespace

void append_json_string(std::string& out, std::string_view s) {
  domain::append_json_text_string(out, s);  // what canonical() writes of a string
}

void CanonicalObject::key(std::string_view k) {
  if (!first_) out_ += ',';
  first_ = false;
  append_json_string(out_, k);
  out_ += ':';
}

CanonicalObject& CanonicalObject::string(std::string_view k, std::string_view value) {
  key(k);
  append_json_string(out_, value);
  return *this;
}

CanonicalObject& CanonicalObject::number(std::string_view k, long long value) {
  key(k);
  out_ += std::to_string(value);
  return *this;
}

CanonicalObject& CanonicalObject::raw(std::string_view k, std::string_view canonical_json) {
  key(k);
  out_ += canonical_json;
  return *this;
}

std::string seal_to_text(domain::RecordedEvent& e, std::string_view source) {
  e.id = e.subject + "." + std::to_string(e.seq);
  const std::string data = canonical(e.data);
  std::string out;
  out.reserve(data.size() + 640);
  // Written once: the hash is of the text without it, then goes in at its place.
  const std::size_t hash_at = write_envelope(out, e, source, data);
  e.hash = crypto::sha256_hex(out);
  std::string field = ",\"hash\":";
  append_json_string(field, e.hash);
  out.insert(hash_at, field);
  return out;
}

}  // namespace parcours::events
