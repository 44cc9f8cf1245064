// A simdjson DOM element as an nlohmann::json tree: the fast decoders (fast_decode.h, the
// command records of processor/command_record.h) parse with simdjson and build a tree only for
// the part the domain reads (an event's or a command's `data`).
//
// Numbers: integers become int64 (uint64 above its range), others double; nlohmann compares
// them by value, so a tree built here equals the one nlohmann's parser gives. A repeated member
// name keeps its last value, as nlohmann's parser does.
#pragma once

#include <simdjson.h>
#include <nlohmann/json.hpp>

namespace parcours::events {

nlohmann::json to_nlohmann(simdjson::dom::element e);

}  // namespace parcours::events
