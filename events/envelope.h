// The event envelope: structured-mode CloudEvents 1.0 JSON (ARCHITECTURE §5).
//
// Layout of a record value on parcours.journey-events.v1 / parcours.org-events.v1:
//
//   {
//     "specversion": "1.0",
//     "id":          "<subject>.<seq>"            unique: one writer per stream, seq increases
//     "source":      "/parcours/journeys" | "/parcours/organizations"
//     "type":        "journey.opened" | ...       stable name, never reused
//     "subject":     "<journey id or org id>"     also the record key
//     "time":        "2026-11-23T10:15:30.123Z"   recorded time (valid time is in data)
//     "datacontenttype": "application/json",
//     "dataschema":  "urn:parcours:event:<type>:v1"
//     "seq":         1, 2, 3 ...                  the stream's version after this event
//     "prevhash":    64 hex                       hash of seq-1; 64 zeros for seq 1
//     "hash":        64 hex                       SHA-256 of canonical(envelope without "hash")
//     "commandid":   "<Idempotency-Key>"
//     "actor":       "<token sub>" | "system"
//     "actororg":    "<org id>" | ""
//     "ruleset":     "<ruleset id>"
//     "data":        { ... }                      the event's fields, schema events/schemas/
//   }
//
// Canonical JSON: object keys sorted by byte value, no insignificant white space, strings in
// UTF-8 with the minimal escapes of RFC 8259, integers only (no floating point in events).
// This is what nlohmann::json::dump() produces for a std::map-backed object.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "domain/command.h"

namespace parcours::events {

inline constexpr std::string_view kZeroHash =
    "0000000000000000000000000000000000000000000000000000000000000000";
inline constexpr std::string_view kJourneySource = "/parcours/journeys";
inline constexpr std::string_view kOrgSource = "/parcours/organizations";

// The canonical JSON text of a value (see above). Never throws: invalid UTF-8 in a string is
// written as U+FFFD. Every encoder of a record value uses it.
std::string canonical(const nlohmann::json& value);
// "urn:parcours:event:<type>:v1"
std::string dataschema_of(std::string_view type, int version = 1);

// Builds the envelope of `event` (fills id, hash; prevhash and seq must be set by the caller)
// and returns it with event.id and event.hash updated.
nlohmann::json seal(domain::RecordedEvent& event, std::string_view source);

// Recomputes the hash of an envelope (without its "hash" member).
std::string compute_hash(const nlohmann::json& envelope);

struct DecodeError {
  std::string what;
};

// Decodes a record value into a RecordedEvent. Checks the CloudEvents members and their
// types, but not the hash (see verify_chain in hash_chain.h). Never throws.
std::optional<domain::RecordedEvent> decode_record(std::string_view value,
                                                   DecodeError* error = nullptr);
// Same, from an already parsed envelope.
std::optional<domain::RecordedEvent> decode(const nlohmann::json& envelope,
                                            DecodeError* error = nullptr);
// The envelope of a decoded event (inverse of decode).
nlohmann::json to_envelope(const domain::RecordedEvent& event, std::string_view source);

}  // namespace parcours::events
