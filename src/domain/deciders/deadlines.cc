// JOURNEY §3.9: deadlines kept by the system. The scheduler sends ApplyDeadlines{day} as the
// actor `system`; the day is a field of the command, so a replay never needs the clock, and
// running the same day twice appends nothing the second time.
#include "domain/command_spec.h"
#include "domain/decide.h"
#include "domain/deciders/common.h"

namespace parcours::domain {

namespace {

// What ApplyDeadlines{day} would append, as events.
std::vector<NewEvent> due_on(const JourneyState& state, Date day, const Ruleset& r) {
  std::vector<NewEvent> out;
  // Candidatures left new or processing for 60 days are refused with reason `auto`
  // (les-emplois AUTO_REJECT_JOB_APPLICATION_DELAY). A missed day is caught up the next day.
  for (const auto& c : state.candidatures) {
    if (!contains(r.auto_refusal_states, c.state)) continue;
    const long pending = day.days() - c.state_since.days();
    if (pending < r.auto_refusal_after_days) continue;
    out.push_back({"candidature.refused",
                   {{"candidature_id", c.candidature_id},
                    {"reason", r.auto_refusal_reason},
                    {"shared_with_job_seeker", true},
                    {"date", day},
                    {"days_pending", pending}}});
  }
  // A prolongation request pending for 10, 20, 30 days raises a reminder; when days were
  // missed, one reminder for the highest threshold reached.
  if (state.live_pass()) {
    if (const Prolongation* pr = state.live_pass()->pending_prolongation()) {
      const long pending = day.days() - pr->requested_on.days();
      int due = 0;
      for (int t : r.prolongation_reminder_days) {
        if (t <= pending && t > pr->reminders_sent) due = t;
      }
      if (due > 0) {
        out.push_back({"pass.prolongation_reminder",
                       {{"prolongation_id", pr->prolongation_id},
                        {"prescriber_org", pr->prescriber_org},
                        {"days_pending", due},
                        {"date", day}}});
      }
    }
  }
  return out;
}

}  // namespace

bool has_pending_deadlines(const JourneyState& state, Date day) {
  return state.exists() && !due_on(state, day, RulesetBook::standard().in_force_on(day)).empty();
}

Result<Decision> decide_apply_deadlines(const JourneyState& state, const Command& cmd,
                                        const DecisionContext& ctx) {
  FieldReader f(cmd.data);
  const Date day = f.date("day");
  if (auto err = f.finish()) return *err;
  if (auto err = not_in_future(day, "day", ctx)) return *err;
  const Ruleset& r = rules_on(ctx, day);
  Decision d;
  d.ruleset = r.id;
  d.events = due_on(state, day, r);
  // deadlines.nothing_due: the scheduler treats it as a no-op.
  if (d.events.empty()) return rule("deadlines.nothing_due", "nothing is due on " + day.str());
  return d;
}

}  // namespace parcours::domain
