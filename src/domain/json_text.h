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

#include <nlohmann/json.hpp>

namespace parcours::domain {

void append_json_text(std::string& out, const nlohmann::json& value);

}  // namespace parcours::domain
