#include "events/envelope_writer.h"

#include "crypto/sha256.h"
#include "events/envelope.h"

namespace parcours::events {

namespace {

// True when every byte may be written as it is: printable ASCII other than '"' and '\'.
bool plain(std::string_view s) {
  for (const unsigned char c : s) {
    if (c < 0x20 || c >= 0x80 || c == '"' || c == '\\') return false;
  }
  return true;
}

void member(std::string& out, std::string_view key, std::string_view value) {
  out += '"';
  out += key;
  out += "\":";
  append_json_string(out, value);
  out += ',';
}

// The envelope's text, "hash" included when `hash` is not empty. `data` is canonical(data).
void write_envelope(std::string& out, const domain::RecordedEvent& e, std::string_view source,
                    std::string_view data, std::string_view hash) {
  out.clear();
  out += '{';
  member(out, "actor", e.actor);
  member(out, "actororg", e.actor_org);
  member(out, "commandid", e.command_id);
  out += "\"data\":";
  out += data;
  out += ',';
  member(out, "datacontenttype", "application/json");
  member(out, "dataschema", dataschema_of(e.type));
  if (!hash.empty()) member(out, "hash", hash);
  member(out, "id", e.id);
  member(out, "prevhash", e.prevhash);
  member(out, "ruleset", e.ruleset);
  out += "\"seq\":";
  out += std::to_string(e.seq);
  out += ',';
  member(out, "source", source);
  member(out, "specversion", "1.0");
  member(out, "subject", e.subject);
  member(out, "time", e.time);
  out += "\"type\":";
  append_json_string(out, e.type);
  out += '}';
}

}  // namespace

void append_json_string(std::string& out, std::string_view s) {
  if (plain(s)) {
    out += '"';
    out += s;
    out += '"';
    return;
  }
  // Anything to escape or to check: nlohmann's own serialiser, so the bytes are canonical()'s.
  out += canonical(nlohmann::json(std::string(s)));
}

std::string seal_to_text(domain::RecordedEvent& e, std::string_view source) {
  e.id = e.subject + "." + std::to_string(e.seq);
  const std::string data = canonical(e.data);
  std::string out;
  out.reserve(data.size() + 640);
  write_envelope(out, e, source, data, {});
  e.hash = crypto::sha256_hex(out);
  write_envelope(out, e, source, data, e.hash);
  return out;
}

}  // namespace parcours::events
