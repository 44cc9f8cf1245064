// JOURNEY §3.4: suspending a PASS IAE (seed004:L1906-1915; les-emplois approvals).
//
// A suspension keeps the remaining parcours while the person is out of work: the PASS end
// moves later by the suspension's length, both ends included (JOURNEY §8).
#include <algorithm>

#include "domain/command_spec.h"
#include "domain/deciders/common.h"
#include "domain/deciders/shared_rules.h"

namespace parcours::domain {

namespace {

// Who may suspend, or end a suspension: the SIAE of the person's last hire on the PASS, or a
// habilitated prescriber (JOURNEY §3.4, §8). Others: 403.
std::optional<Rejection> check_suspender(const Pass& p, const JourneyState& state, Date on,
                                         const DecisionContext& ctx) {
  if (actor_is(ctx, OrgKind::siae)) {
    const Contract* last = last_hire_on_pass(state, p.number);
    if (!last || last->siae_org != actor_org(ctx)) {
      return forbidden("only the SIAE of the person's last hire may suspend the PASS IAE");
    }
    return std::nullopt;
  }
  if (!ctx.actor.org || !ctx.actor.org->habilitated_on(on)) {
    return not_habilitated("the prescriber is not habilitated on " + on.str());
  }
  return std::nullopt;
}

}  // namespace

Result<Decision> decide_suspend_pass(const JourneyState& state, const Command& cmd,
                                     const DecisionContext& ctx) {
  FieldReader f(cmd.data);
  const std::string id = f.id("suspension_id");
  const Date start = f.date("start");
  const Date end = f.date("end");
  const std::string reason = f.text("reason", 64);
  if (auto err = f.finish()) return *err;
  if (!ctx.rules->known_in_any(reason,
                               [](const Ruleset& x) { return codes_of(x.suspension_reasons); })) {
    return malformed("field 'reason' is not a suspension reason");
  }
  if (end < start) return malformed("field 'end' is before 'start'");

  const Ruleset& r = rules_on(ctx, start);
  const Pass* p = state.live_pass();
  if (!p || !p->valid_on(start)) return pass_not_valid(start);
  if (auto err = check_suspender(*p, state, start, ctx)) return *err;
  if (p->suspension(id)) return id_taken("suspension", id);
  if (actor_is(ctx, OrgKind::prescriber)) {
    // pass.contract_active: a prescriber suspends only when the person has no contract on
    // `start` (seed004:L1906-1915: "n'a plus de contrat de travail").
    for (const auto& c : state.contracts) {
      if (c.active_on(start)) {
        return rule("pass.contract_active", "contract '" + c.contract_id + "' is active on " +
                                                start.str() + "; its SIAE may suspend the PASS");
      }
    }
  }
  const Contract* last = last_hire_on_pass(state, p->number);
  // pass.suspension_before_hire: not before the last hire's first day.
  if (last && start < last->start) {
    return rule("pass.suspension_before_hire",
                "the suspension starts before the last hire (" + last->start.str() + ")");
  }
  // pass.suspension_in_future / pass.suspension_too_retroactive: today - 365 days <= start <=
  // today (les-emplois MAX_RETROACTIVITY_DURATION_DAYS).
  if (start > ctx.today) {
    return rule("pass.suspension_in_future", "a suspension cannot start after today");
  }
  const Date earliest = ctx.today.plus_days(-r.suspension_max_retroactive_days);
  if (start < earliest) {
    return rule("pass.suspension_too_retroactive",
                "a suspension starts on " + earliest.str() + " at the earliest");
  }
  const SuspensionReasonRule* why = r.suspension_reason(reason);
  const bool kind_ok =
      why && (why->siae_kinds.empty() || (actor_is(ctx, OrgKind::siae) &&
                                          contains(why->siae_kinds, ctx.actor.org->siae_kind)));
  // pass.suspension_reason_not_allowed: a reason of the ruleset in force on `start`;
  // CONTRAT_PASSERELLE only for an EI or ACI (JOURNEY §3.4), after 4 months of parcours
  // (seed004:L2443-2445), and only while its experiment lasts (2021-2023, rulesets.cc).
  if (!kind_ok || start < p->start.plus_months(why->min_parcours_months)) {
    return rule("pass.suspension_reason_not_allowed", "the reason '" + reason +
                                                          "' is not open to this sender on " +
                                                          start.str() + " (" + r.id + ")");
  }
  const int max_months = why->max_months > 0 ? std::min(why->max_months, r.suspension_max_months)
                                             : r.suspension_max_months;
  // pass.suspension_too_long: at most 36 months, end <= start + 36 months - 1 day (les-emplois
  // Suspension.MAX_DURATION_MONTHS); 6 months for a contrat passerelle (seed004:L2454).
  if (end > last_day_of_months(start, max_months)) {
    return rule("pass.suspension_too_long", "a suspension for '" + reason + "' ends on " +
                                                last_day_of_months(start, max_months).str() +
                                                " at the latest");
  }
  for (const auto& s : p->suspensions) {
    // pass.suspension_overlap: suspensions never share a day.
    if (s.start <= end && start <= s.end) {
      return rule("pass.suspension_overlap", "suspension '" + s.suspension_id + "' covers " +
                                                 s.start.str() + ".." + s.end.str());
    }
  }
  const Date pass_end = p->end.plus_days(days_inclusive(start, end));
  return single(ctx, start, "pass.suspended",
                {{"suspension_id", id},
                 {"number", p->number},
                 {"start", start},
                 {"end", end},
                 {"reason", reason},
                 {"pass_end", pass_end}});
}

Result<Decision> decide_end_pass_suspension(const JourneyState& state, const Command& cmd,
                                            const DecisionContext& ctx) {
  FieldReader f(cmd.data);
  const std::string id = f.id("suspension_id");
  const Date back = f.date("first_day_back");
  if (auto err = f.finish()) return *err;

  const Pass* p = state.live_pass();
  const Suspension* s = p ? p->suspension(id) : nullptr;
  if (!s) return not_found("no suspension '" + id + "' on the person's PASS IAE");
  if (auto err = check_suspender(*p, state, ctx.today, ctx)) return *err;
  // pass.suspension_end_invalid: start < first_day_back <= end.
  if (!(s->start < back && back <= s->end)) {
    return rule("pass.suspension_end_invalid", "the first day back must be after " +
                                                   s->start.str() + " and no later than " +
                                                   s->end.str());
  }
  const Date pass_end = p->end.plus_days(-days_inclusive(back, s->end));
  return single(ctx, ctx.today, "pass.suspension_ended",
                {{"suspension_id", id},
                 {"end", back.plus_days(-1)},
                 {"pass_end", pass_end},
                 {"cause", "ended"}});
}

}  // namespace parcours::domain
