// A JSON value's text without nlohmann's serialiser on the common path: the same bytes as
// value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace), which is the canonical
// form of events/envelope.h (members in key order, the minimal escapes, invalid UTF-8 as
// U+FFFD). Plain ASCII strings, integers, booleans and nulls are written here; anything else
// (a string to escape or to check as UTF-8, a float) goes through nlohmann's own serialiser, so
// the two agree on every input. The processors write the events' data, the journeys' sealed
// identities and the keys this way, a few per command.
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace parcours::domain {

void append_json_text(std::string& out, const nlohmann::json& value);

// Appends `s` as a JSON string, as append_json_text writes a string value.
void append_json_text_string(std::string& out, std::string_view s);

// True when every byte of `s` goes into a JSON string as it is: printable ASCII (DEL included,
// as dump() writes it without ensure_ascii) other than '"' and '\'. Sixteen bytes at a time:
// the strings checked are mostly long base64 (sealed identities and texts).
bool json_plain(std::string_view s);

}  // namespace parcours::domain
