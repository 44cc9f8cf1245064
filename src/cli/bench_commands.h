// The commands the write path's benches send: N/3 journeys, each OpenJourney (its person sealed
// and its key wrapped, as the API does), SubmitCandidature and RecordFollowUp, from the
// prescriber "ft-bench" to the SIAE "ei-bench".
#pragma once

#include <vector>

#include "crypto/identity_cipher.h"
#include "processor/command_record.h"

namespace parcours::cli {

// The commands of journey number i ("bench-<i>"), in order.
std::vector<processor::CommandRecord> journey_commands(long i, const crypto::MasterKeyRing& ring);

}  // namespace parcours::cli
