// JOURNEY §3.8: erasing the person's identity (admin). The processor destroys the journey's
// data key (crypto-shredding, ARCHITECTURE §5); the event says when and why. The journey goes
// on pseudonymously.
#include "domain/command_spec.h"
#include "domain/deciders/common.h"

namespace parcours::domain {

Result<Decision> decide_erase_identity(const JourneyState& state, const Command& cmd,
                                       const DecisionContext& ctx) {
  FieldReader f(cmd.data);
  const std::string reason = f.text("reason", kMaxShortText);
  if (auto err = f.finish()) return *err;
  // journey.already_erased (409): the key is already gone.
  if (state.erased) return conflict("journey.already_erased", "the identity is already erased");
  return single(ctx, ctx.today, "journey.identity_erased",
                {{"reason", reason}, {"date", ctx.today}});
}

}  // namespace parcours::domain
