// JOURNEY §3.1: joining a journey. An organisation that works with the person, but is not yet
// involved, proves that it knows who the person is (as les-emplois finds a job seeker by NIR,
// or by name and birth date). A wrong proof, an erased identity and an unknown journey all get
// the same 404, so that a proof cannot be tested against a journey it does not fit, and
// nothing of the proof is recorded.
#include "domain/command_spec.h"
#include "domain/deciders/common.h"
#include "domain/proof.h"

namespace parcours::domain {

Result<Decision> decide_join_journey(const JourneyState& state, const Command& cmd,
                                     const DecisionContext& ctx) {
  FieldReader f(cmd.data);
  std::optional<Proof> proof;
  if (auto p = f.object("proof")) proof = read_proof(*p);
  if (auto err = f.finish()) return *err;
  if (!proof)
    return malformed("field 'proof' must be {nir} or {last_name, first_name, birth_date}");

  if (state.erased || !ctx.proof_matches || !ctx.proof_matches(*proof)) {
    return journey_not_found();
  }
  // Already involved: nothing to record (the proof held, so the answer may say so).
  if (is_involved(state, actor_org(ctx))) {
    Decision none;
    none.ruleset = ctx.rules->in_force_on(ctx.today).id;
    return none;
  }
  return single(ctx, ctx.today, "journey.joined",
                {{"org", actor_org(ctx)},
                 {"proof_kind", std::string(to_string(proof->kind))},
                 {"date", ctx.today}});
}

}  // namespace parcours::domain
