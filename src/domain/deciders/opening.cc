// JOURNEY §3.1: opening a journey.
#include <regex>

#include "domain/command_spec.h"
#include "domain/deciders/common.h"
#include "domain/fields.h"
#include "domain/identity.h"

namespace parcours::domain {

Result<Decision> decide_open_journey(const JourneyState&, const Command& cmd,
                                     const DecisionContext& ctx) {
  FieldReader f(cmd.data);
  const std::string department = f.text("department", 3);
  auto person_reader = f.object("person");
  Person person;
  if (person_reader) person = read_person(*person_reader);
  if (auto err = f.finish()) return *err;
  if (!is_department_code(department)) {
    return malformed(
        "field 'department' must be a French department code (01-95, 2A, 2B, 971-976)");
  }

  const Ruleset& rules = ctx.rules->in_force_on(ctx.today);
  // journey.too_young (JOURNEY §3.1): age on the opening day, i.e. the server's UTC date.
  if (age_on(person.birth_date, ctx.today) < rules.min_age_at_opening) {
    return rule("journey.too_young",
                "the person is under " + std::to_string(rules.min_age_at_opening) + " today");
  }

  nlohmann::json data = {
      {"department", department},
      {"opened_on", ctx.today},
      {"opened_by_kind", ctx.actor.org ? to_string(ctx.actor.org->kind) : "admin"},
      // In clear only until the processor seals it (ARCHITECTURE §5).
      {"identity", to_json(person)}};
  Decision d;
  d.ruleset = rules.id;
  d.events.push_back({"journey.opened", std::move(data)});
  return d;
}

}  // namespace parcours::domain
