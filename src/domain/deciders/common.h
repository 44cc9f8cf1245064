// Small helpers shared by the deciders.
#pragma once

#include <string>

#include "domain/command.h"
#include "domain/journey_state.h"
#include "domain/ruleset.h"

namespace parcours::domain {

// The actor's organisation id as recorded in events ("" for admin or system).
inline const std::string& actor_org(const DecisionContext& ctx) {
  return ctx.actor.org_id;
}

// Has this organisation authored an event of the journey or received one of its
// candidatures (JOURNEY §3, "involved")?
inline bool is_involved(const JourneyState& s, const std::string& org) {
  return !org.empty() && s.involved_orgs.count(org) > 0;
}

// One event, decided by the ruleset in force on `effective`.
inline Decision single(const DecisionContext& ctx, Date effective, std::string type,
                       nlohmann::json data) {
  Decision d;
  d.ruleset = ctx.rules->in_force_on(effective).id;
  d.events.push_back({std::move(type), std::move(data)});
  return d;
}

}  // namespace parcours::domain
