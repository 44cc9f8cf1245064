// Realistic journeys for benchmarks: one journey is decided by the real domain (orientation,
// diagnoses, two candidatures with a refusal, a hire with a PASS, PMSMP, training, follow-ups,
// consent, exit), and its events are then re-sealed for as many journeys as needed, each with
// its own id, PASS number, data key and hash chain.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "crypto/identity_cipher.h"
#include "domain/command.h"

namespace parcours::cli {

class JourneyGenerator {
 public:
  // Decides the template journey; throws std::runtime_error if the domain refuses a step.
  JourneyGenerator();
  std::size_t events_per_journey() const { return template_.size(); }

  struct Record {
    std::string topic_kind;  // "event" | "key"
    std::string key;         // journey id
    std::string value;
  };
  // The records of journey number `n` (its events, then its wrapped key).
  void journey(long n, const crypto::MasterKeyRing& ring, std::vector<Record>& out,
               int extra_followups = 0) const;

 private:
  std::vector<domain::RecordedEvent> template_;
  nlohmann::json identity_;
};

}  // namespace parcours::cli
