// Where a journey event stands against the state it would be applied to, for every reader that
// folds the log into states (the processor's catch-up, the projector, rebuild), and what a
// broken invariant is when one is found (ARCHITECTURE §3-§5).
//
// The log is the source of truth and only Parcours writes it, one writer per partition: an
// event that does not follow its journey's state (a seq that skips, a prevhash that is not the
// previous event's hash, a record that is not an event, an event evolve refuses) means the log
// or the reader is broken. Readers then stop that partition at that record, loudly, instead of
// skipping it: skipping would build states that the log does not say.
#pragma once

#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "domain/command.h"
#include "domain/journey_state.h"

namespace parcours::projections {

enum class Link {
  next,             // seq == version + 1 and prevhash == the state's last hash: apply it
  already_applied,  // seq <= version: a record read again after a crash, skip it
  seq_gap,          // seq > version + 1
  hash_mismatch,    // the right seq, but prevhash is not the hash of the state's last event
};

Link link_of(const domain::JourneyState& state, const domain::RecordedEvent& event);
const char* to_string(Link l);

// A record at which a reader stopped a partition.
struct BrokenInvariant {
  std::string kind;  // "undecodable", "seq_gap", "hash_mismatch", "unappliable"
  std::string topic;
  int32_t partition = 0;
  int64_t offset = 0;
  std::string journey;  // "" if the record did not decode
  long expected_seq = 0;
  long found_seq = 0;
  std::string detail;
  // For logs: every field above (ids, numbers, codes: no personal data).
  nlohmann::json to_json() const;
};

}  // namespace parcours::projections
