// JOURNEY §3.1: consent. The person decides what is shared, with whom and when
// (seed004:L1618-1631); the organisation that records it must be involved in the journey.
#include "domain/command_spec.h"
#include "domain/deciders/common.h"

namespace parcours::domain {

Result<Decision> decide_record_consent(const JourneyState& state, const Command& cmd,
                                       const DecisionContext& ctx) {
  FieldReader f(cmd.data);
  const std::string scope = f.one_of("scope", {"share_diagnosis", "share_identity"});
  const std::string org = f.text("org", kMaxIdLength);
  const bool given = f.boolean("given");
  const Date date = f.date("date");
  if (auto err = f.finish()) return *err;
  if (org != "*" && !is_valid_id(org)) {
    return malformed("field 'org' must be an organisation id or \"*\"");
  }

  if (!is_involved(state, actor_org(ctx))) {
    return forbidden("only organisations involved in the journey may record a consent");
  }
  if (auto err = not_in_future(date, "date", ctx)) return *err;
  // consent.unknown_org: a consent names a registered organisation, or "*" for every one.
  if (org != "*" && !ctx.orgs->find(org)) {
    return rule("consent.unknown_org", "'" + org + "' is not a registered organisation");
  }
  return single(ctx, date, given ? "consent.given" : "consent.withdrawn",
                {{"scope", scope}, {"org", org}, {"date", date}});
}

}  // namespace parcours::domain
