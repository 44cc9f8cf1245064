// The journey as queries return it (JOURNEY §4): a rendering of the JourneyState for one
// reader. Fields may be added, none renamed.
//
// Derived values (status of the journey and of its PASS, exit categories) are computed here at
// read time from the state and `today`; they are never stored as facts.
#pragma once

#include <functional>
#include <string>

#include <nlohmann/json.hpp>

#include "domain/date.h"
#include "domain/journey_state.h"

namespace parcours::projections {

struct RenderOptions {
  domain::Date today;
  nlohmann::json person;          // the clear identity, or null (not allowed, or erased)
  bool diagnosis_details = true;  // criteria and barriers of diagnoses
  std::string reader_org;         // "" for admin
  // Masks an organisation id for this reader (sensitive prescriber kinds become "OTHER").
  std::function<std::string(const std::string& org)> org_label;
  // Opens a sealed free text of the journey (JourneyState::sealed_texts); null when it cannot
  // (no key: erased, or not given). Free text is shown under the rules of its part: diagnosis
  // notes like the diagnosis's details, the rest to whoever reads the journey.
  std::function<nlohmann::json(const nlohmann::json& sealed)> open_text;
};

nlohmann::json render_journey(const domain::JourneyState& s, const RenderOptions& o);

// "open" | "in_parcours" | "exited" | "erased"
std::string journey_status(const domain::JourneyState& s, domain::Date today);
// "valid" | "suspended" | "expired" | "cancelled" | "future"
std::string pass_status(const domain::Pass& p, domain::Date today);

}  // namespace parcours::projections
