// The domain core's entry points (ARCHITECTURE §6). Pure and deterministic: no clock, no I/O.
#pragma once

#include <string_view>
#include <vector>

#include "domain/command.h"
#include "domain/journey_state.h"
#include "domain/organization.h"
#include "domain/result.h"

namespace parcours::domain {

// Decides a journey command against the journey's current state.
// Returns the events to append (at least one, except JoinJourney by an organisation already
// involved, which appends nothing), or the rejection with its rule code.
// Checks common to every command, in this order: known type (400 malformed), the actor's
// organisation registered and active (403 forbidden), a prescriber's habilitation valid today
// (403 not_habilitated), the actor's kind allowed for the command (403 forbidden, before any
// look at the journey, so that nothing leaks to who may not act), the journey exists and the
// sender is involved in it (404 not_found, the same answer for both, JOURNEY §6; OpenJourney
// instead needs the id free, 409 journey_exists; JoinJourney needs only the journey), If-Match
// (409 version_conflict), then the command's own fields and rules.
// An erased journey goes on pseudonymously: only its identity is gone, and rules that need the
// birth date answer 422 identity.unavailable (docs/domain-notes.md).
// The Decision's ruleset is the one in force on the command's effective date (ruleset.h).
Result<Decision> decide(const JourneyState& state, const Command& cmd, const DecisionContext& ctx);

// Applies one recorded event to the state. Total: an unknown event type only advances the
// version (forward compatibility: a newer writer's events replay on an older reader).
void evolve(JourneyState& state, const RecordedEvent& event);

// Organisation commands (JOURNEY §2), admin only. `current` is the organisation's registry
// entry, or nullptr if it was never registered.
Result<Decision> decide_org(const Organization* current, const Command& cmd,
                            const DecisionContext& ctx);
// Applies one org event to the registry.
void evolve_org(OrgMap& registry, const RecordedEvent& event);

// §3.9: does ApplyDeadlines{day} have anything to do for this journey? Pure; lets the
// scheduler skip journeys. Uses the standard ruleset book, in force on `day`.
bool has_pending_deadlines(const JourneyState& state, Date day);

bool is_journey_command(std::string_view type);
bool is_org_command(std::string_view type);
// Every journey command type, for documentation and tests.
std::vector<std::string_view> journey_command_types();

}  // namespace parcours::domain
