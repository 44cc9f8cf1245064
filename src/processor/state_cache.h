// Committed journey states and unwrapped data keys, kept in memory by the processor so that a
// hot journey is not re-read and re-parsed from RocksDB for every command.
//
// Only states that are in the log AND in the store enter the cache (after the batch's
// WriteBatch), so dropping the cache at any time is safe.
//
// Thread-safety: processor thread only.
#pragma once

#include <optional>
#include <string>

#include "common/lru.h"
#include "crypto/identity_cipher.h"
#include "domain/journey_state.h"

namespace parcours::processor {

struct StateCache {
  explicit StateCache(std::size_t states = 100000, std::size_t keys = 100000)
      : journeys(states), data_keys(keys) {}
  common::Lru<domain::JourneyState> journeys;
  common::Lru<crypto::DataKey> data_keys;
  void clear() {
    journeys.clear();
    data_keys.clear();
  }
};

}  // namespace parcours::processor
