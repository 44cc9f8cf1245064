// JOURNEY §3.4: prolonging a PASS IAE beyond its 24 months (seed004:L1925-1936,
// L3004-3053; les-emplois approvals).
//
// Some reasons are declared by the SIAE and take effect at once; the others are requested
// from a habilitated prescriber, who grants or denies them. A prolongation starts on the PASS
// end it extends and lasts `end - start` days (les-emplois), so its first day is the last
// day of the PASS before it.
#include <algorithm>

#include "domain/command_spec.h"
#include "domain/deciders/common.h"
#include "domain/deciders/shared_rules.h"

namespace parcours::domain {

Result<Decision> decide_prolong_pass(const JourneyState& state, const Command& cmd,
                                     const DecisionContext& ctx) {
  FieldReader f(cmd.data);
  const std::string id = f.id("prolongation_id");
  const std::string reason = f.text("reason", 64);
  const Date end = f.date("end");
  const auto prescriber_org = f.opt_id("prescriber_org");
  const auto report = f.opt_text("report", kMaxLongText);
  if (auto err = f.finish()) return *err;
  if (!ctx.rules->known_in_any(reason,
                               [](const Ruleset& x) { return codes_of(x.prolongation_reasons); })) {
    return malformed("field 'reason' is not a prolongation reason");
  }

  const Date today = ctx.today;
  const Ruleset& r = rules_on(ctx, today);
  const Pass* p = state.live_pass();
  if (!p) return pass_not_valid(today);
  // Who: an SIAE with a hire on this PASS (les-emplois).
  const bool hired_on_pass =
      std::any_of(state.contracts.begin(), state.contracts.end(), [&](const Contract& c) {
        return c.status != "cancelled" && c.pass_number == p->number &&
               c.siae_org == actor_org(ctx);
      });
  if (!hired_on_pass) return forbidden("only an SIAE that hired on this PASS IAE may prolong it");
  if (p->prolongation(id)) return id_taken("prolongation", id);

  const Date opens = p->end.plus_months(-r.prolongation_window_months_before_end);
  const Date closes = p->end.plus_months(r.prolongation_window_months_after_end);
  // pass.prolongation_window: asked between PASS end - 12 months and PASS end + 6 months.
  if (today < opens || closes < today) {
    // JOURNEY §6: the window is told in months, not in dates derived from the PASS end.
    return rule("pass.prolongation_window",
                "a prolongation is asked from " +
                    std::to_string(r.prolongation_window_months_before_end) +
                    " months before the PASS IAE ends to " +
                    std::to_string(r.prolongation_window_months_after_end) + " months after");
  }
  // pass.currently_suspended: not while the PASS is suspended.
  if (const Suspension* s = p->suspension_on(today)) {
    return rule("pass.currently_suspended", "the PASS IAE is suspended until " + s->end.str() +
                                                " ('" + s->suspension_id + "')");
  }
  // pass.prolongation_pending: one pending request at a time.
  if (const Prolongation* pending = p->pending_prolongation()) {
    return rule("pass.prolongation_pending",
                "prolongation '" + pending->prolongation_id + "' is still pending");
  }
  const ProlongationReasonRule* why = r.prolongation_reason(reason);
  // pass.prolongation_reason_not_allowed: a reason of the ruleset in force today (HEALTH_CONTEXT
  // until 2021-11-30), and PARTICULAR_DIFFICULTIES only in AI and ACI.
  if (!why || (!why->siae_kinds.empty() && !contains(why->siae_kinds, ctx.actor.org->siae_kind))) {
    return rule("pass.prolongation_reason_not_allowed",
                "an " + ctx.actor.org->siae_kind + " may not prolong for '" + reason + "' on " +
                    today.str() + " (" + r.id + ")");
  }
  const Date start = p->end;
  const long days = end.days() - start.days();
  // pass.prolongation_too_short: it starts at the current PASS end and lasts at least a day.
  if (days < 1) {
    return rule("pass.prolongation_too_short",
                "the new end must be after the current end of the PASS IAE");
  }
  // pass.prolongation_too_long: the reason's maximum for one prolongation.
  if (days > why->max_days) {
    return rule("pass.prolongation_too_long", "a prolongation for '" + reason + "' lasts at most " +
                                                  std::to_string(why->max_days) + " days");
  }
  long earlier = 0;
  for (const auto& pr : p->prolongations) earlier += pr.counts() ? pr.days : 0;
  // pass.prolongation_cap_exceeded: the cap counts every earlier prolongation of the PASS,
  // whatever its reason (les-emplois).
  if (why->cap_days > 0 && earlier + days > why->cap_days) {
    return rule("pass.prolongation_cap_exceeded", "prolongations for '" + reason +
                                                      "' total at most " +
                                                      std::to_string(why->cap_days) + " days; " +
                                                      std::to_string(earlier) + " already used");
  }
  if (why->min_age > 0) {
    if (!ctx.birth_date) return identity_unavailable("a prolongation for " + reason);
    // pass.prolongation_age: SENIOR from 50, SENIOR_CDI from 57, on the day of the request.
    if (age_on(*ctx.birth_date, today) < why->min_age) {
      return rule("pass.prolongation_age", "a prolongation for '" + reason +
                                               "' needs a person aged " +
                                               std::to_string(why->min_age) + " or more");
    }
  }
  // pass.cdi_inclusion_too_early: SENIOR_CDI after 12 months of parcours (seed004:L3009).
  if (why->min_parcours_months > 0 && today < p->start.plus_months(why->min_parcours_months)) {
    return rule("pass.cdi_inclusion_too_early",
                "a prolongation for '" + reason + "' is possible after " +
                    std::to_string(why->min_parcours_months) + " months of parcours");
  }

  nlohmann::json data = {{"prolongation_id", id}, {"number", p->number}, {"reason", reason},
                         {"start", start},        {"end", end},          {"days", days}};
  if (report) data["report"] = *report;
  if (why->declared) {
    if (prescriber_org) {
      return malformed("field 'prescriber_org' applies only to reasons a prescriber decides");
    }
    data["decided_by"] = "siae";
    data["date"] = today;
    return single(ctx, today, "pass.prolonged", std::move(data));
  }
  if (!prescriber_org) {
    return malformed("field 'prescriber_org' is required for the reason '" + reason + "'");
  }
  const Organization* prescriber = ctx.orgs->find(*prescriber_org);
  // pass.prolongation_prescriber_not_habilitated: the request goes to a prescriber
  // habilitated today (seed004:L3030-3032).
  if (!prescriber || prescriber->kind != OrgKind::prescriber ||
      !prescriber->habilitated_on(today)) {
    return rule("pass.prolongation_prescriber_not_habilitated",
                "'" + *prescriber_org + "' is not a habilitated prescriber today");
  }
  data["prescriber_org"] = *prescriber_org;
  data["requested_on"] = today;
  return single(ctx, today, "pass.prolongation_requested", std::move(data));
}

Result<Decision> decide_prolongation(const JourneyState& state, const Command& cmd,
                                     const DecisionContext& ctx) {
  const Ruleset& r = rules_on(ctx, ctx.today);
  FieldReader f(cmd.data);
  const std::string id = f.id("prolongation_id");
  const std::string decision = f.one_of("decision", {"granted", "denied"});
  const auto deny_reason = f.opt_one_of("deny_reason", r.prolongation_deny_reasons);
  const auto explanation = f.opt_text("explanation", kMaxLongText);
  const bool has_actions = f.has("proposed_actions");
  const auto actions = f.list_of("proposed_actions", r.prolongation_proposed_actions, false);
  if (auto err = f.finish()) return *err;
  if (decision == "granted" && (deny_reason || explanation || has_actions)) {
    return malformed("a grant takes no deny_reason, explanation or proposed_actions");
  }
  if (decision == "denied") {
    // A denial is motivated in writing to the employee and the SIAE (seed004:L3047-3049).
    if (!deny_reason) return malformed("field 'deny_reason' is required for a denial");
    if (!explanation || explanation->empty()) {
      return malformed("field 'explanation' is required for a denial");
    }
    const bool needs_actions = *deny_reason == r.deny_reason_needing_actions;
    if (needs_actions && actions.empty()) {
      return malformed("field 'proposed_actions' is required (non-empty) for the reason '" +
                       *deny_reason + "'");
    }
    if (!needs_actions && has_actions) {
      return malformed("field 'proposed_actions' applies only to the reason '" +
                       r.deny_reason_needing_actions + "'");
    }
  }

  const Pass* p = state.live_pass();
  const Prolongation* pr = p ? p->prolongation(id) : nullptr;
  if (!pr) return not_found("no prolongation '" + id + "' on the person's PASS IAE");
  if (pr->prescriber_org != actor_org(ctx)) {
    return forbidden("only the prescriber the request was sent to may decide it");
  }
  // pass.prolongation_not_pending: a request is decided once.
  if (pr->status != "pending") {
    return rule("pass.prolongation_not_pending", "prolongation '" + id + "' is " + pr->status);
  }
  if (decision == "granted") {
    // A grant starts at the PASS end of the day of the grant and keeps the requested length.
    return single(ctx, ctx.today, "pass.prolonged",
                  {{"prolongation_id", id},
                   {"number", p->number},
                   {"reason", pr->reason},
                   {"start", p->end},
                   {"end", p->end.plus_days(pr->days)},
                   {"days", pr->days},
                   {"decided_by", "prescriber"},
                   {"date", ctx.today}});
  }
  nlohmann::json data = {{"prolongation_id", id},
                         {"deny_reason", *deny_reason},
                         {"explanation", *explanation},
                         {"date", ctx.today}};
  if (has_actions) data["proposed_actions"] = actions;
  return single(ctx, ctx.today, "pass.prolongation_denied", std::move(data));
}

}  // namespace parcours::domain
