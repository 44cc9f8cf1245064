// Small helpers shared by the deciders. No rule code is decided here except the generic
// ones named below (id_taken, date.in_future, identity.unavailable), each in one place.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "domain/access.h"
#include "domain/command.h"
#include "domain/fields.h"
#include "domain/journey_state.h"
#include "domain/json_types.h"
#include "domain/result.h"
#include "domain/ruleset.h"

namespace parcours::domain {

// The actor's organisation id as recorded in events ("" for admin or system).
inline const std::string& actor_org(const DecisionContext& ctx) {
  return ctx.actor.org_id;
}

// The actor's kind as recorded in events: prescriber | orienteur | siae | admin | system.
inline std::string actor_kind(const DecisionContext& ctx) {
  if (ctx.actor.system) return "system";
  if (ctx.actor.org) return std::string(to_string(ctx.actor.org->kind));
  return "admin";
}

// Is the actor an organisation of this kind?
inline bool actor_is(const DecisionContext& ctx, OrgKind kind) {
  return ctx.actor.org && ctx.actor.org->kind == kind;
}

inline const Ruleset& rules_on(const DecisionContext& ctx, Date day) {
  return ctx.rules->in_force_on(day);
}

// One event, decided by the ruleset in force on `effective`.
inline Decision single(const DecisionContext& ctx, Date effective, std::string type,
                       nlohmann::json data) {
  Decision d;
  d.ruleset = ctx.rules->in_force_on(effective).id;
  d.events.push_back({std::move(type), std::move(data)});
  return d;
}

// The last day of a period of `months` months starting on `start` (JOURNEY §1: both ends
// included), e.g. 4 months from 2026-01-01 end on 2026-04-30.
inline Date last_day_of_months(Date start, int months) {
  return start.plus_months(months).plus_days(-1);
}

// 409 id_taken: a command creating something whose id the journey already holds.
Rejection id_taken(const std::string& what, const std::string& id);

// 422 date.in_future: a fact dated after today (a diagnosis, an exit...) cannot have happened.
std::optional<Rejection> not_in_future(Date day, const char* field, const DecisionContext& ctx);

// 422 identity.unavailable: an age rule needs the birth date, and the identity was erased
// (DecisionContext::birth_date is nullopt).
Rejection identity_unavailable(const std::string& rule_needing_age);

// Reads a weekly duration given either as integer `weekly_hours` or as integer
// `weekly_minutes` (exactly one), as minutes. No floating point: 26.5 h is sent as 1590
// minutes. Errors go to the reader.
long read_weekly_minutes(FieldReader& f);

bool contains(const std::vector<std::string>& list, const std::string& value);

}  // namespace parcours::domain
