// JOURNEY §3.7: training, recorded by the employing SIAE or a prescriber.
#include <algorithm>

#include "domain/command_spec.h"
#include "domain/deciders/common.h"

namespace parcours::domain {

Result<Decision> decide_start_training(const JourneyState& state, const Command& cmd,
                                       const DecisionContext& ctx) {
  FieldReader f(cmd.data);
  const std::string id = f.id("training_id");
  const std::string kind =
      f.one_of("kind", {"pre_qualifying", "qualifying", "basic_skills", "french_language",
                        "driving_licence", "safety_certificate", "other"});
  const std::string title = f.text("title", kMaxShortText);
  const std::string provider = f.text("provider", kMaxShortText);
  const Date start = f.date("start");
  const Date planned_end = f.date("planned_end");
  // Whole hours, or minutes for a fractional total (no floating point).
  long minutes = 0;
  if (f.has("minutes")) {
    if (f.has("hours")) f.fail("minutes", "cannot be given together with hours");
    minutes = f.integer("minutes", 1, 10000L * 60);
  } else {
    minutes = f.integer("hours", 1, 10000) * 60;
  }
  if (auto err = f.finish()) return *err;
  if (planned_end < start) return malformed("field 'planned_end' is before 'start'");

  if (actor_is(ctx, OrgKind::siae)) {
    const bool employs = std::any_of(
        state.contracts.begin(), state.contracts.end(),
        [&](const Contract& c) { return c.siae_org == actor_org(ctx) && c.active_on(start); });
    if (!employs) {
      return forbidden("only the SIAE employing the person on " + start.str() +
                       " (or a prescriber) records a training");
    }
  }
  if (state.training(id)) return id_taken("training", id);
  return single(ctx, start, "training.started",
                {{"training_id", id},
                 {"kind", kind},
                 {"title", title},
                 {"provider", provider},
                 {"start", start},
                 {"planned_end", planned_end},
                 {"minutes", minutes}});
}

Result<Decision> decide_end_training(const JourneyState& state, const Command& cmd,
                                     const DecisionContext& ctx) {
  FieldReader f(cmd.data);
  const std::string id = f.id("training_id");
  const Date date = f.date("date");
  const std::string outcome = f.one_of("outcome", {"completed", "certified", "abandoned"});
  const auto certification = f.opt_text("certification", kMaxShortText);
  if (auto err = f.finish()) return *err;
  if (certification && outcome != "certified") {
    return malformed("field 'certification' applies only to the outcome 'certified'");
  }
  const Training* t = state.training(id);
  if (!t) return not_found("no training '" + id + "' in this journey");
  if (t->started_by_org != actor_org(ctx)) {
    return forbidden("only the organisation that recorded the training may end it");
  }
  // training.already_ended
  if (t->status == "ended") return rule("training.already_ended", "the training has ended");
  if (auto err = not_in_future(date, "date", ctx)) return *err;
  // training.end_invalid: not before its start.
  if (date < t->start) {
    return rule("training.end_invalid", "the training started on " + t->start.str());
  }
  nlohmann::json data = {{"training_id", id}, {"date", date}, {"outcome", outcome}};
  if (certification) data["certification"] = *certification;
  return single(ctx, date, "training.ended", std::move(data));
}

}  // namespace parcours::domain
