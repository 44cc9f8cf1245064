// The table of journey commands: who may send each one, and which decider handles it.
// Deciders live in deciders/*.cc, one file per area of JOURNEY §3.
#pragma once

#include <initializer_list>
#include <string_view>
#include <vector>

#include "domain/command.h"
#include "domain/journey_state.h"
#include "domain/organization.h"
#include "domain/result.h"

namespace parcours::domain {

using Decider = Result<Decision> (*)(const JourneyState&, const Command&, const DecisionContext&);

// Who may send a command, by the sender's registry kind. Finer rules (the target SIAE only,
// habilitation, involvement) are checked by the decider itself.
struct Senders {
  bool prescriber = false;
  bool orienteur = false;
  bool siae = false;
  bool admin = false;   // the admin role, with or without organisation
  bool system = false;  // the service's own deadline commands (JOURNEY §3.9)
  bool allows(const Actor& a) const;
};

struct CommandSpec {
  std::string_view type;
  Senders senders;
  bool opens_journey = false;  // OpenJourney: the journey must not exist yet
  Decider decide = nullptr;
};

const std::vector<CommandSpec>& command_specs();
const CommandSpec* find_command_spec(std::string_view type);

// Deciders, by area.
Result<Decision> decide_open_journey(const JourneyState&, const Command&, const DecisionContext&);
Result<Decision> decide_submit_candidature(const JourneyState&, const Command&,
                                           const DecisionContext&);
Result<Decision> decide_record_followup(const JourneyState&, const Command&,
                                        const DecisionContext&);

}  // namespace parcours::domain
