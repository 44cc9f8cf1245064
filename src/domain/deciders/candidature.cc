// JOURNEY §3.3: candidatures (orientation to an SIAE).
#include "domain/command_spec.h"
#include "domain/deciders/common.h"
#include "domain/fields.h"

namespace parcours::domain {

namespace {
bool is_pending(const Candidature& c) {
  return c.state == "new" || c.state == "processing" || c.state == "postponed";
}
}  // namespace

Result<Decision> decide_submit_candidature(const JourneyState& state, const Command& cmd,
                                           const DecisionContext& ctx) {
  FieldReader f(cmd.data);
  const std::string id = f.id("candidature_id");
  const std::string siae_org = f.id("siae_org");
  const Date date = f.date("date");
  const auto job_title = f.opt_text("job_title", kMaxShortText);
  const auto message = f.opt_text("message", kMaxLongText);
  if (auto err = f.finish()) return *err;

  if (state.candidature(id)) {
    return conflict("id_taken", "candidature '" + id + "' already exists in this journey");
  }
  // candidature.target_not_siae: the target must be a registered, active SIAE.
  const Organization* target = ctx.orgs->find(siae_org);
  if (!target || target->kind != OrgKind::siae || !target->active) {
    return rule("candidature.target_not_siae", "'" + siae_org + "' is not an active SIAE");
  }
  // candidature.duplicate: no second pending candidature to the same SIAE.
  for (const auto& c : state.candidatures) {
    if (c.siae_org == siae_org && is_pending(c)) {
      return rule("candidature.duplicate",
                  "candidature '" + c.candidature_id + "' to this SIAE is still pending");
    }
  }

  const Organization* sender = ctx.actor.org;
  nlohmann::json data = {{"candidature_id", id},
                         {"siae_org", siae_org},
                         {"date", date},
                         {"sender_org", actor_org(ctx)},
                         {"sender_kind", sender ? to_string(sender->kind) : "admin"},
                         {"sender_habilitated", sender && sender->habilitated_on(date)}};
  if (job_title) data["job_title"] = *job_title;
  if (message) data["message"] = *message;
  return single(ctx, date, "candidature.submitted", std::move(data));
}

}  // namespace parcours::domain
