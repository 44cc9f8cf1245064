#include "domain/journey_state.h"

namespace parcours::domain {

const Candidature* JourneyState::candidature(const std::string& id) const {
  for (const auto& c : candidatures) {
    if (c.candidature_id == id) return &c;
  }
  return nullptr;
}

Candidature* JourneyState::candidature(const std::string& id) {
  for (auto& c : candidatures) {
    if (c.candidature_id == id) return &c;
  }
  return nullptr;
}

}  // namespace parcours::domain
