// Rules shared by several deciders. Each rule code below is decided here, in one place.
#pragma once

#include <optional>
#include <string>

#include "domain/command.h"
#include "domain/journey_state.h"
#include "domain/result.h"
#include "domain/ruleset.h"

namespace parcours::domain {

// The candidature `id` for a command of its target SIAE: 404 not_found if the journey has no
// such candidature, 403 forbidden if the actor is not its target SIAE, 422
// candidature.invalid_transition if `transition` is not allowed from its state.
Result<const Candidature*> candidature_for_target(const JourneyState& state, const std::string& id,
                                                  const std::string& transition,
                                                  const Ruleset& rules, const DecisionContext& ctx);

// Is `day` in the waiting period: after the end of the person's last PASS, within
// waiting_period_years of it (les-emplois WAITING_PERIOD_YEARS)?
bool in_waiting_period(const JourneyState& state, Date day, const Ruleset& rules);

// 422 pass.waiting_period: during the waiting period, only a habilitated prescriber's
// candidature or a prescriber diagnosis in force on `day` opens the way to a new PASS.
std::optional<Rejection> check_waiting_period(const JourneyState& state, Date day,
                                              const Ruleset& rules, bool by_habilitated_prescriber);

// The prescriber eligibility diagnosis in force on `day`, or nullptr.
const Diagnosis* prescriber_diagnosis_on(const JourneyState& state, Date day);
// The eligibility diagnosis of SIAE `siae_org` in force on `day`, or nullptr.
const Diagnosis* siae_diagnosis_on(const JourneyState& state, Date day,
                                   const std::string& siae_org);

// The latest non-cancelled contract (by start) on PASS `number`, or nullptr.
const Contract* last_hire_on_pass(const JourneyState& state, const std::string& number);

}  // namespace parcours::domain

namespace parcours::domain {

// 422 contract.too_short / contract.too_long: the period [start, end] of a contract of this
// type, renewals included. `max_lifted`: the PASS was prolonged (a CDDI may then run past its
// 24 months). `pass_end`: when set, the contract may not run beyond it (renewals, JOURNEY §3.5).
std::optional<Rejection> check_contract_period(const ContractTypeRule& type, Date start, Date end,
                                               bool max_lifted, std::optional<Date> pass_end);

}  // namespace parcours::domain

namespace parcours::domain {

// 422 pass.not_valid: the person holds no PASS IAE (or none valid on `day`).
Rejection pass_not_valid(Date day);

}  // namespace parcours::domain
