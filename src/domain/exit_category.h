// How an exit counts in the indicators (JOURNEY §3.8; seed004:L2287-2318).
//
// The category of an exit is derived, never stored: read models call these pure functions
// with the ruleset in force on the exit date (exit_ruleset), so a change of the rules is a new
// ruleset entry and old exits keep the category of their time.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "domain/date.h"
#include "domain/journey_state.h"
#include "domain/ruleset.h"

namespace parcours::domain {

// The category of a destination {kind, contract_months?}: durable | transition | positive |
// negative | neutralised; "" when the kind is unknown to the ruleset.
std::string exit_category(const nlohmann::json& destination, const Ruleset& rules);

// Does an exit count in the indicators? After at least 3 months of presence (the period
// [contract_start, exit_date], both ends included, covers 3 months), and never when its
// category is neutralised.
bool exit_counted(Date contract_start, Date exit_date, const nlohmann::json& destination,
                  const Ruleset& rules);
bool exit_counted(const Exit& exit, const Ruleset& rules);

// Is the category in the numerator of the dynamic exit rate (durable, transition, positive)?
bool is_dynamic_exit_category(const std::string& category, const Ruleset& rules);

// The ruleset that categorises an exit: the one in force on its date.
const Ruleset& exit_ruleset(const Exit& exit, const RulesetBook& book = RulesetBook::standard());

}  // namespace parcours::domain
