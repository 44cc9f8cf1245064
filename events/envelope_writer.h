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

}  // namespace parcours::events
