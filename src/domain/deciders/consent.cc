// JOURNEY §3.1: consent. The person decides what is shared, with whom and when
// (seed004:L1618-1631). decide() has checked that the organisation recording it is involved;
// it must also hold what the consent hands over (you cannot hand over what you do not hold).
#include "domain/command_spec.h"
#include "domain/deciders/common.h"

namespace parcours::domain {

namespace {

// Does the sender hold what a consent of `scope` shares? Admins hold everything.
bool holds(const JourneyState& state, const std::string& scope, const DecisionContext& ctx) {
  if (ctx.actor.admin) return true;
  if (!ctx.actor.org) return false;
  if (scope == "share_identity") return reads_identity(state, actor_org(ctx));
  for (const auto& d : state.diagnoses) {
    if (d.author_org == actor_org(ctx)) return true;
  }
  return reads_diagnosis_details(state, *ctx.actor.org);
}

}  // namespace

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

  if (!holds(state, scope, ctx)) {
    return forbidden(scope == "share_identity"
                         ? "only an organisation that reads the identity may record this consent"
                         : "only the author of a diagnosis, or an organisation that reads its "
                           "details, may record this consent");
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
