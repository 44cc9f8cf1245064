// JOURNEY §3.8: the exit from an SIAE (seed004:L2287-2318). The category of the destination
// is never stored: read models derive it with exit_category() (domain/exit_category.h) under
// the ruleset of the exit date.
#include "domain/command_spec.h"
#include "domain/deciders/common.h"

namespace parcours::domain {

Result<Decision> decide_record_exit(const JourneyState& state, const Command& cmd,
                                    const DecisionContext& ctx) {
  FieldReader f(cmd.data);
  const std::string id = f.id("contract_id");
  const Date date = f.date("date");
  std::string kind;
  std::optional<long> months;
  if (auto d = f.object("destination")) {
    kind = d->text("kind", 64);
    months = d->opt_integer("contract_months", 1, 600);
    if (auto err = d->finish()) return *err;
  }
  if (auto err = f.finish()) return *err;

  const Ruleset& r = rules_on(ctx, date);
  const ExitDestinationRule* destination = r.exit_destination(kind);
  if (!destination) return malformed("field 'destination.kind' is not an exit destination");
  if (destination->months_threshold > 0 && !months) {
    return malformed("field 'destination.contract_months' is required for '" + kind + "'");
  }
  const Contract* c = state.contract(id);
  if (!c || c->status == "cancelled") return not_found("no contract '" + id + "' in this journey");
  if (c->siae_org != actor_org(ctx)) return forbidden("only the contract's SIAE records its exit");
  // exit.already_recorded: one exit per contract.
  if (c->exit_recorded) return rule("exit.already_recorded", "the exit is already recorded");
  if (auto err = not_in_future(date, "date", ctx)) return *err;
  // exit.invalid: a running contract, left on or after its start and no later than its planned
  // end; or a contract ended without exit, left on the day it ended.
  const bool running = c->status == "active";
  const bool ok = running ? (c->start <= date && (!c->end || date <= *c->end))
                          : (c->ended_on && date == *c->ended_on);
  if (!ok) {
    return rule("exit.invalid", running
                                    ? "the contract runs " + c->start.str() + ".." +
                                          (c->end ? c->end->str() : std::string("open-ended"))
                                    : "the contract ended on " +
                                          (c->ended_on ? c->ended_on->str() : std::string("?")));
  }
  Decision d;
  d.ruleset = r.id;
  if (running) {
    d.events.push_back(
        {"contract.ended", {{"contract_id", id}, {"date", date}, {"reason", "exit"}}});
  }
  nlohmann::json dest = {{"kind", kind}};
  if (months) dest["contract_months"] = *months;
  d.events.push_back({"exit.recorded",
                      {{"contract_id", id},
                       {"siae_org", c->siae_org},
                       {"date", date},
                       {"contract_start", c->start},
                       {"destination", dest},
                       {"presence_days", days_inclusive(c->start, date)}}});
  return d;
}

}  // namespace parcours::domain
