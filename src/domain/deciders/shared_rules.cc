#include "domain/deciders/shared_rules.h"

#include "domain/deciders/common.h"

namespace parcours::domain {

Result<const Candidature*> candidature_for_target(const JourneyState& state, const std::string& id,
                                                  const std::string& transition,
                                                  const Ruleset& rules,
                                                  const DecisionContext& ctx) {
  const Candidature* c = state.candidature(id);
  if (!c) return not_found("no candidature '" + id + "' in this journey");
  if (c->siae_org != actor_org(ctx)) {
    return forbidden("only the SIAE the candidature was sent to may act on it");
  }
  // candidature.invalid_transition: the state machine of JOURNEY §3.3 (les-emplois).
  if (!rules.transition_allowed(transition, c->state)) {
    return rule("candidature.invalid_transition",
                "cannot " + transition + " a candidature that is " + c->state);
  }
  return c;
}

bool in_waiting_period(const JourneyState& state, Date day, const Ruleset& rules) {
  const auto last = state.last_pass_end();
  return last && *last < day && day <= last->plus_years(rules.waiting_period_years);
}

std::optional<Rejection> check_waiting_period(const JourneyState& state, Date day,
                                              const Ruleset& rules,
                                              bool by_habilitated_prescriber) {
  if (!in_waiting_period(state, day, rules)) return std::nullopt;
  if (by_habilitated_prescriber || prescriber_diagnosis_on(state, day)) return std::nullopt;
  // pass.waiting_period (les-emplois WAITING_PERIOD_YEARS)
  return rule("pass.waiting_period",
              "the person's last PASS IAE ended less than " +
                  std::to_string(rules.waiting_period_years) + " years ago; for " +
                  std::to_string(rules.waiting_period_years) +
                  " years a new PASS needs a habilitated prescriber's candidature or a valid "
                  "prescriber diagnosis");
}

const Diagnosis* prescriber_diagnosis_on(const JourneyState& state, Date day) {
  for (const auto& d : state.diagnoses) {
    if (d.author_kind == "prescriber" && d.in_force_on(day)) return &d;
  }
  return nullptr;
}

const Diagnosis* siae_diagnosis_on(const JourneyState& state, Date day,
                                   const std::string& siae_org) {
  for (const auto& d : state.diagnoses) {
    if (d.author_kind == "siae" && d.author_org == siae_org && d.in_force_on(day)) return &d;
  }
  return nullptr;
}

const Contract* last_hire_on_pass(const JourneyState& state, const std::string& number) {
  const Contract* last = nullptr;
  for (const auto& c : state.contracts) {
    if (c.status == "cancelled" || c.pass_number != number) continue;
    if (!last || last->start <= c.start) last = &c;
  }
  return last;
}

}  // namespace parcours::domain

namespace parcours::domain {

std::optional<Rejection> check_contract_period(const ContractTypeRule& type, Date start, Date end,
                                               bool max_lifted, std::optional<Date> pass_end) {
  // contract.too_short: a CDDI lasts at least 4 months (seed004:L2375).
  if (type.min_months > 0 && end < last_day_of_months(start, type.min_months)) {
    return rule("contract.too_short", "a " + type.type + " lasts at least " +
                                          std::to_string(type.min_months) + " months (until " +
                                          last_day_of_months(start, type.min_months).str() + ")");
  }
  // contract.too_long: a CDDI or a mission lasts at most 24 months, renewals included
  // (seed004:L2376, L2410), unless the PASS was prolonged (CDDI); never beyond the PASS end.
  std::optional<Date> limit;
  std::string why;
  if (type.max_months > 0 && !(max_lifted && type.pass_prolongation_lifts_max)) {
    limit = last_day_of_months(start, type.max_months);
    why = "a " + type.type + " lasts at most " + std::to_string(type.max_months) + " months";
  }
  if (pass_end && (!limit || *pass_end < *limit)) {
    limit = pass_end;
    why = "the contract may not run beyond the PASS IAE end";
  }
  // The PASS end is not told (JOURNEY §6); a limit of the contract's own length is.
  if (limit && end > *limit) {
    return rule("contract.too_long",
                limit == pass_end ? why : why + " (until " + limit->str() + ")");
  }
  return std::nullopt;
}

}  // namespace parcours::domain

namespace parcours::domain {

Rejection pass_not_valid(Date day) {
  return rule("pass.not_valid", "the person holds no PASS IAE valid on " + day.str());
}

}  // namespace parcours::domain
