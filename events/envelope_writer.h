// The sealed envelope's canonical text, written directly (envelope.h).
//
// seal() builds the envelope as a JSON tree, serialises it for the hash, adds the hash and is
// serialised again by its caller: three trees and two texts per event on the processor's hot
// path. The writer appends the members in canonical order (keys sorted by byte value, as
// canonical() does) into one buffer: once without "hash" for the hash, once with it for the
// record, and only the event's data goes through nlohmann::json. Its output is byte for byte
// canonical(seal(event)), which the unit tests check, invalid UTF-8 and escapes included.
#pragma once

#include <string>
#include <string_view>

#include "domain/command.h"

namespace parcours::events {

// Fills event.id and event.hash as seal() does and returns the record value: the canonical
// text of the sealed envelope.
std::string seal_to_text(domain::RecordedEvent& event, std::string_view source);

// Appends `s` as a JSON string, as canonical() writes it (minimal escapes, invalid UTF-8 as
// U+FFFD).
void append_json_string(std::string& out, std::string_view s);

// Appends a JSON object member by member. The caller gives the members in canonical order
// (keys sorted by byte value) and each value as canonical() would write it; then the text is
// canonical() of the same object, with no tree built.
class CanonicalObject {
 public:
  explicit CanonicalObject(std::string& out) : out_(out) { out_ += '{'; }
  CanonicalObject& string(std::string_view key, std::string_view value);
  CanonicalObject& number(std::string_view key, long long value);
  CanonicalObject& raw(std::string_view key, std::string_view canonical_json);
  void close() { out_ += '}'; }

 private:
  void key(std::string_view k);
  std::string& out_;
  bool first_ = true;
};

}  // namespace parcours::events
