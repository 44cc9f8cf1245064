#include "domain/exit_category.h"

#include <algorithm>

namespace parcours::domain {

std::string exit_category(const nlohmann::json& destination, const Ruleset& rules) {
  if (!destination.is_object() || !destination.contains("kind") ||
      !destination["kind"].is_string()) {
    return "";
  }
  const ExitDestinationRule* d = rules.exit_destination(destination["kind"].get<std::string>());
  if (!d) return "";
  if (d->months_threshold > 0 && destination.contains("contract_months") &&
      destination["contract_months"].is_number_integer() &&
      destination["contract_months"].get<long>() >= d->months_threshold) {
    return d->category_at_or_above;
  }
  return d->category;
}

bool exit_counted(Date contract_start, Date exit_date, const nlohmann::json& destination,
                  const Ruleset& rules) {
  const std::string category = exit_category(destination, rules);
  if (category.empty()) return false;
  const auto& uncounted = rules.uncounted_exit_categories;
  if (std::find(uncounted.begin(), uncounted.end(), category) != uncounted.end()) return false;
  const Date three_months =
      contract_start.plus_months(rules.exit_counted_min_presence_months).plus_days(-1);
  return exit_date >= three_months;
}

bool exit_counted(const Exit& exit, const Ruleset& rules) {
  return exit_counted(exit.contract_start, exit.date, exit.destination, rules);
}

bool is_dynamic_exit_category(const std::string& category, const Ruleset& rules) {
  const auto& dyn = rules.dynamic_exit_categories;
  return std::find(dyn.begin(), dyn.end(), category) != dyn.end();
}

const Ruleset& exit_ruleset(const Exit& exit, const RulesetBook& book) {
  return book.in_force_on(exit.date);
}

}  // namespace parcours::domain
