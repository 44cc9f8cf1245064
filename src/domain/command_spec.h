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

// How a command relates to the journey's existence and to involvement (JOURNEY §6).
enum class Reach {
  involved,  // the sender must be involved (or admin, or the system); else 404 like no journey
  opens,     // OpenJourney: the journey must not exist yet; the sender becomes involved
  joins,     // JoinJourney: any sender of the allowed kinds; its proof decides (404 if wrong)
};

struct CommandSpec {
  std::string_view type;
  Senders senders;
  Reach reach = Reach::involved;
  Decider decide = nullptr;
};

const std::vector<CommandSpec>& command_specs();
const CommandSpec* find_command_spec(std::string_view type);

// Deciders, by area (deciders/<area>.cc). Each reads its fields strictly (400 malformed),
// checks who may act (403), then the rules of JOURNEY §3 (422 with the rule code).
#define PARCOURS_DECIDER(name) \
  Result<Decision> name(const JourneyState&, const Command&, const DecisionContext&)
PARCOURS_DECIDER(decide_open_journey);             // opening.cc
PARCOURS_DECIDER(decide_record_consent);           // consent.cc
PARCOURS_DECIDER(decide_join_journey);             // joining.cc
PARCOURS_DECIDER(decide_accompaniment_diagnosis);  // diagnosis.cc
PARCOURS_DECIDER(decide_eligibility_diagnosis);    // diagnosis.cc
PARCOURS_DECIDER(decide_submit_candidature);       // candidature.cc
PARCOURS_DECIDER(decide_process_candidature);      // candidature.cc
PARCOURS_DECIDER(decide_postpone_candidature);     // candidature.cc
PARCOURS_DECIDER(decide_refuse_candidature);       // candidature.cc
PARCOURS_DECIDER(decide_accept_candidature);       // hire.cc
PARCOURS_DECIDER(decide_cancel_hire);              // hire.cc
PARCOURS_DECIDER(decide_suspend_pass);             // pass.cc
PARCOURS_DECIDER(decide_end_pass_suspension);      // pass.cc
PARCOURS_DECIDER(decide_prolong_pass);             // prolongation.cc
PARCOURS_DECIDER(decide_prolongation);             // prolongation.cc
PARCOURS_DECIDER(decide_renew_contract);           // contract.cc
PARCOURS_DECIDER(decide_suspend_contract);         // contract.cc
PARCOURS_DECIDER(decide_end_contract);             // contract.cc
PARCOURS_DECIDER(decide_start_pmsmp);              // pmsmp.cc
PARCOURS_DECIDER(decide_end_pmsmp);                // pmsmp.cc
PARCOURS_DECIDER(decide_start_training);           // training.cc
PARCOURS_DECIDER(decide_end_training);             // training.cc
PARCOURS_DECIDER(decide_record_exit);              // exit.cc
PARCOURS_DECIDER(decide_record_followup);          // followup.cc
PARCOURS_DECIDER(decide_erase_identity);           // erasure.cc
PARCOURS_DECIDER(decide_apply_deadlines);          // deadlines.cc
#undef PARCOURS_DECIDER

}  // namespace parcours::domain
