// JOURNEY §3.3: candidatures (orientation to an SIAE; seed004:L1508-1769, les-emplois) up to
// the SIAE's answer. Hiring is in hire.cc.
#include "domain/command_spec.h"
#include "domain/deciders/common.h"
#include "domain/deciders/shared_rules.h"

namespace parcours::domain {

Result<Decision> decide_submit_candidature(const JourneyState& state, const Command& cmd,
                                           const DecisionContext& ctx) {
  FieldReader f(cmd.data);
  const std::string id = f.id("candidature_id");
  const std::string siae_org = f.id("siae_org");
  const Date date = f.date("date");
  const auto job_title = f.opt_text("job_title", kMaxShortText);
  const auto message = f.opt_text("message", kMaxLongText);
  if (auto err = f.finish()) return *err;

  if (state.candidature(id)) return id_taken("candidature", id);
  if (auto err = not_in_future(date, "date", ctx)) return *err;
  const Ruleset& r = rules_on(ctx, date);
  // candidature.target_not_siae: the target must be a registered, active SIAE.
  const Organization* target = ctx.orgs->find(siae_org);
  if (!target || target->kind != OrgKind::siae || !target->active) {
    return rule("candidature.target_not_siae", "'" + siae_org + "' is not an active SIAE");
  }
  // candidature.duplicate: no second pending candidature to the same SIAE.
  for (const auto& c : state.candidatures) {
    if (c.siae_org == siae_org && r.is_pending_candidature_state(c.state)) {
      return rule("candidature.duplicate",
                  "candidature '" + c.candidature_id + "' to this SIAE is still pending");
    }
  }
  const Organization* sender = ctx.actor.org;
  const bool habilitated = sender && sender->habilitated_on(date);
  if (auto err = check_waiting_period(state, date, r, habilitated)) return *err;

  nlohmann::json data = {{"candidature_id", id},
                         {"siae_org", siae_org},
                         {"date", date},
                         {"sender_org", actor_org(ctx)},
                         {"sender_kind", actor_kind(ctx)},
                         {"sender_habilitated", habilitated}};
  if (job_title) data["job_title"] = *job_title;
  if (message) data["message"] = *message;
  return single(ctx, date, "candidature.submitted", std::move(data));
}

Result<Decision> decide_process_candidature(const JourneyState& state, const Command& cmd,
                                            const DecisionContext& ctx) {
  FieldReader f(cmd.data);
  const std::string id = f.id("candidature_id");
  if (auto err = f.finish()) return *err;
  const Ruleset& r = rules_on(ctx, ctx.today);
  auto c = candidature_for_target(state, id, "process", r, ctx);
  if (!c) return c.rejection();
  return single(ctx, ctx.today, "candidature.processing_started",
                {{"candidature_id", id}, {"date", ctx.today}});
}

Result<Decision> decide_postpone_candidature(const JourneyState& state, const Command& cmd,
                                             const DecisionContext& ctx) {
  FieldReader f(cmd.data);
  const std::string id = f.id("candidature_id");
  const std::string message = f.text("message", kMaxLongText);
  if (auto err = f.finish()) return *err;
  const Ruleset& r = rules_on(ctx, ctx.today);
  auto c = candidature_for_target(state, id, "postpone", r, ctx);
  if (!c) return c.rejection();
  return single(ctx, ctx.today, "candidature.postponed",
                {{"candidature_id", id}, {"message", message}, {"date", ctx.today}});
}

Result<Decision> decide_refuse_candidature(const JourneyState& state, const Command& cmd,
                                           const DecisionContext& ctx) {
  const Ruleset& r = rules_on(ctx, ctx.today);
  FieldReader f(cmd.data);
  const std::string id = f.id("candidature_id");
  const std::string reason = f.one_of("reason", r.refusal_reasons);
  const auto detail = f.opt_text("detail", kMaxLongText);
  const bool shared = f.boolean("shared_with_job_seeker");
  if (auto err = f.finish()) return *err;
  auto c = candidature_for_target(state, id, "refuse", r, ctx);
  if (!c) return c.rejection();
  // candidature.detail_required: the reason `other` needs a detail.
  if (reason == r.detail_required_reason && (!detail || detail->empty())) {
    return rule("candidature.detail_required", "the reason '" + reason + "' needs a detail");
  }
  nlohmann::json data = {{"candidature_id", id},
                         {"reason", reason},
                         {"shared_with_job_seeker", shared},
                         {"date", ctx.today}};
  if (detail) data["detail"] = *detail;
  return single(ctx, ctx.today, "candidature.refused", std::move(data));
}

}  // namespace parcours::domain
