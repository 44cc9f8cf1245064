// Stage 3 of deciding a journey command (batch_decider.h): opening what the rules need, for this
// command alone.
//
// The API seals OpenJourney's person and every command's free text for their trip through
// Kafka; the journey keeps its person's identity sealed with its data key. The rules need the
// person of OpenJourney, the free text in clear (to seal it again with the journey's key) and,
// for the age rules and JoinJourney's proof, the birth date and proofs. What is opened here is
// sealed again (seal_events.h) before anything is produced, and never logged.
#pragma once

#include <functional>
#include <optional>

#include <nlohmann/json.hpp>

#include "common/lru.h"
#include "crypto/identity_cipher.h"
#include "domain/command.h"
#include "domain/journey_state.h"
#include "domain/result.h"
#include "processor/command_record.h"
#include "processor/state_cache.h"

namespace parcours::processor {

struct Opened {
  std::optional<crypto::DataKey> key;            // the journey's data key, if it has one here
  std::optional<nlohmann::json> wrapped_record;  // OpenJourney: the keys topic's record
  // OpenJourney: the person as the API sealed it and as it opened, so that an identity the
  // rules did not change is recorded in the API's sealed text rather than sealed again.
  std::optional<nlohmann::json> sealed_person;
  std::optional<nlohmann::json> clear_person;
};

// Opens the sealed parts of `dc.data` in place and gives `ctx` the person's birth date and proof
// matcher. `journey_key` finds an existing journey's data key (batch, cache, then store);
// `identities` (may be null) keeps what the rules read of each person, by journey.
// Rejects with 400 malformed a person or free text that cannot be opened.
domain::Result<Opened> open_for_rules(
    const CommandRecord& cmd, const domain::JourneyState& state,
    const crypto::MasterKeyRing& master,
    const std::function<std::optional<crypto::DataKey>()>& journey_key, domain::Command& dc,
    domain::DecisionContext& ctx, common::Lru<RulesIdentity>* identities = nullptr);

}  // namespace parcours::processor
