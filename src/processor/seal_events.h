// Stage 5 of deciding a command (batch_decider.h): the decision's events take their place in
// their stream (seq, previous hash, recorded time, command, actor, ruleset), are sealed (free
// text and identity encrypted, hash chained; events/envelope_writer.h) and encoded as the
// records of the batch's transaction, with the reply's body.
//
// Works on copies: nothing of the batch changes here, so an exception drops this command alone
// (BatchDecider::decide).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "domain/command.h"
#include "domain/journey_state.h"
#include "domain/organization.h"
#include "processor/batch_records.h"
#include "processor/command_record.h"
#include "processor/open_for_rules.h"
#include "projections/org_registry.h"

namespace parcours::processor {

// Where the events go and what every one of them carries besides its data.
struct StreamStamp {
  const std::string& events_topic;
  const std::string& recorded_time;  // RFC 3339 UTC, the batch's
};

struct SealedJourney {
  domain::JourneyState next;       // the journey after the events
  std::vector<OutRecord> records;  // the events, then the keys topic's record or tombstone
  std::string body;                // the reply's, canonical JSON: events, journey_id, version
  std::size_t events = 0;          // how many of the records are events
  int64_t passes_issued = 0;       // pass.issued events: the partition's PASS counter moves on
  bool erased = false;             // journey.identity_erased: the data key is shredded
  std::string wrapped_key;         // OpenJourney: the keys topic's record, canonical JSON
};

// `keys_topic` receives OpenJourney's wrapped key and the erasure's tombstone. Throws if free
// text would have to be sealed for a live journey whose data key is not here: a 500 the client
// retries is better than text sealed with a key nobody keeps.
// The decision's events' data move into the sealed events.
SealedJourney seal_journey(const CommandRecord& cmd, domain::Decision decision,
                           const domain::JourneyState& state, const Opened& opened,
                           int32_t partition, const StreamStamp& stamp,
                           const std::string& keys_topic);

struct SealedOrg {
  std::optional<domain::Organization> next;  // the organisation after the events
  projections::OrgChain chain;               // its chain, with this command's version
  std::vector<OutRecord> records;
  std::string body;  // the reply's, canonical JSON: events, org_id, version
};

SealedOrg seal_org(const CommandRecord& cmd, const domain::Decision& decision,
                   const domain::Organization* current, const projections::OrgChain& chain,
                   const StreamStamp& stamp);

}  // namespace parcours::processor
