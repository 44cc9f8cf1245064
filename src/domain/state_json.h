// JourneyState as JSON text without building an nlohmann::json tree: the same bytes as
// nlohmann::json(state).dump() (members in key order, the same string escapes), at a fraction
// of the cost. The projector writes one per changed journey per batch.
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>

#include "domain/journey_state.h"

namespace parcours::domain {

// Appends `s` as a JSON string, escaped as nlohmann::json::dump() escapes it.
void append_json_string(std::string& out, std::string_view s);

// The text nlohmann::json(s).dump() gives.
std::string state_json(const JourneyState& s);
void append_state_json(std::string& out, const JourneyState& s);

}  // namespace parcours::domain
