// Decoding record values fast, for the paths that read the whole log (projector, rebuild,
// catch-up): simdjson parses the envelope, and only `data` becomes an nlohmann::json for
// evolve. Gives exactly what events::decode_record gives (tested on every event type).
//
// Thread-safety: each thread uses its own parser (thread_local).
#pragma once

#include <optional>
#include <string_view>

#include "domain/command.h"
#include "events/envelope.h"

namespace parcours::events {

std::optional<domain::RecordedEvent> decode_record_fast(std::string_view value,
                                                        DecodeError* error = nullptr);

}  // namespace parcours::events
