#include "domain/decide.h"

#include "domain/access.h"
#include "domain/command_spec.h"
#include "domain/ruleset.h"

namespace parcours::domain {

bool is_journey_command(std::string_view type) {
  return find_command_spec(type) != nullptr;
}

std::vector<std::string_view> journey_command_types() {
  std::vector<std::string_view> out;
  for (const auto& s : command_specs()) out.push_back(s.type);
  return out;
}

Result<Decision> decide(const JourneyState& state, const Command& cmd, const DecisionContext& ctx) {
  const CommandSpec* spec = find_command_spec(cmd.type);
  if (!spec) return malformed("unknown command type");

  const Actor& actor = ctx.actor;
  if (!actor.system && !actor.admin) {
    if (!actor.org) return forbidden("organisation '" + actor.org_id + "' is not registered");
    if (!actor.org->active) return forbidden("organisation '" + actor.org_id + "' is deactivated");
    // JOURNEY §2: an organisation whose prefectoral habilitation has expired can no longer act.
    if (actor.org->kind == OrgKind::prescriber && !actor.org->habilitated_on(ctx.today)) {
      return not_habilitated("the habilitation of '" + actor.org_id + "' ended on " +
                             (actor.org->habilitation_valid_until
                                  ? actor.org->habilitation_valid_until->str()
                                  : std::string("an unknown date")));
    }
  }

  if (!spec->senders.allows(actor)) {
    return forbidden(std::string(cmd.type) + " may not be sent by this organisation's kind");
  }

  switch (spec->reach) {
    case Reach::opens:
      if (state.exists()) return conflict("journey_exists", "journey already exists");
      break;
    case Reach::joins:
      if (!state.exists()) return journey_not_found();
      break;
    case Reach::involved:
      // JOURNEY §6: to an organisation that is not involved, the journey does not exist; the
      // answer is byte for byte that of an unknown id, before any look at the fields.
      if (!state.exists()) return journey_not_found();
      if (!actor.system && !actor.admin && !is_involved(state, actor.org_id)) {
        return journey_not_found();
      }
      break;
  }
  if (cmd.expected_version && *cmd.expected_version != state.version) {
    return version_conflict(state.version, *cmd.expected_version);
  }

  Result<Decision> result = spec->decide(state, cmd, ctx);
  if (result.ok() && result->ruleset.empty()) {
    result->ruleset = ctx.rules->in_force_on(ctx.today).id;
  }
  return result;
}

}  // namespace parcours::domain
