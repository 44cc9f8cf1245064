// Committed journey states and unwrapped data keys, kept in memory by the processor so that a
// hot journey is not re-read and re-parsed from RocksDB for every command; and what the rules
// read of each journey's person, so that its identity is not decrypted for every command.
//
// Only states that are in the log AND in the store enter the cache (after the batch's
// WriteBatch), so dropping the cache at any time is safe. An identity entry counts only while
// the journey's sealed identity is the very text it was opened from (open_for_rules.cc): the
// same text under the same key opens to the same person, so it may enter at any time, and an
// erasure (which clears the sealed identity) leaves it unused until it is dropped.
//
// Thread-safety: processor thread only.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/lru.h"
#include "crypto/identity_cipher.h"
#include "domain/date.h"
#include "domain/journey_state.h"

namespace parcours::processor {

// What the rules read of a journey's person: its birth date and its proofs' texts (personal
// data, in memory only, like the data keys beside them), with the sealed identity they come
// from.
struct RulesIdentity {
  nlohmann::json sealed;
  domain::Date birth_date;
  std::vector<std::string> proof_texts;
};

struct StateCache {
  explicit StateCache(std::size_t states = 100000, std::size_t keys = 100000)
      : journeys(states), data_keys(keys), identities(keys) {}
  common::Lru<domain::JourneyState> journeys;
  common::Lru<crypto::DataKey> data_keys;
  common::Lru<RulesIdentity> identities;
  void clear() {
    journeys.clear();
    data_keys.clear();
    identities.clear();
  }
};

}  // namespace parcours::processor
