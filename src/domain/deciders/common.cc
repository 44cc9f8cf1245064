#include "domain/deciders/common.h"

#include <algorithm>

namespace parcours::domain {

Rejection id_taken(const std::string& what, const std::string& id) {
  return conflict("id_taken", what + " '" + id + "' already exists in this journey");
}

std::optional<Rejection> not_in_future(Date day, const char* field, const DecisionContext& ctx) {
  if (day <= ctx.today) return std::nullopt;
  return rule("date.in_future", std::string("'") + field + "' (" + day.str() +
                                    ") is after today (" + ctx.today.str() + ")");
}

Rejection identity_unavailable(const std::string& rule_needing_age) {
  return rule("identity.unavailable", rule_needing_age +
                                          " needs the person's birth date, which is no longer "
                                          "available (identity erased)");
}

long read_weekly_minutes(FieldReader& f) {
  const bool hours = f.has("weekly_hours");
  const bool minutes = f.has("weekly_minutes");
  if (hours && minutes) {
    f.fail("weekly_minutes", "cannot be given together with weekly_hours");
    return 0;
  }
  if (minutes) return f.integer("weekly_minutes", 1, 7 * 24 * 60);
  return f.integer("weekly_hours", 1, 7 * 24) * 60;
}

bool contains(const std::vector<std::string>& list, const std::string& value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

}  // namespace parcours::domain
