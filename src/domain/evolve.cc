// evolve(state, event): the fold of a journey's events (ARCHITECTURE §6).
// One applier per event type; unknown types only advance the version.
#include <functional>
#include <string_view>
#include <unordered_map>

#include "domain/decide.h"
#include "domain/json_types.h"

namespace parcours::domain {

namespace {

using Applier = void (*)(JourneyState&, const RecordedEvent&);

void opened(JourneyState& s, const RecordedEvent& e) {
  s.journey_id = e.subject;
  s.department = e.data.at("department").get<std::string>();
  s.opened_on = e.data.at("opened_on").get<Date>();
  s.opened_by_org = e.actor_org;
  s.identity = e.data.at("identity");
}

void identity_erased(JourneyState& s, const RecordedEvent&) {
  s.identity = nullptr;
  s.erased = true;
}

void candidature_submitted(JourneyState& s, const RecordedEvent& e) {
  Candidature c;
  c.candidature_id = e.data.at("candidature_id").get<std::string>();
  c.siae_org = e.data.at("siae_org").get<std::string>();
  c.sender_org = e.data.at("sender_org").get<std::string>();
  c.sender_kind = e.data.at("sender_kind").get<std::string>();
  c.sender_habilitated = e.data.value("sender_habilitated", false);
  c.date = e.data.at("date").get<Date>();
  c.job_title = e.data.value("job_title", "");
  s.involved_orgs.insert(c.siae_org);
  s.candidatures.push_back(std::move(c));
}

void followup_recorded(JourneyState& s, const RecordedEvent&) {
  ++s.followups;
}

const std::unordered_map<std::string_view, Applier>& appliers() {
  static const std::unordered_map<std::string_view, Applier> table = {
      {"journey.opened", opened},
      {"journey.identity_erased", identity_erased},
      {"candidature.submitted", candidature_submitted},
      {"followup.recorded", followup_recorded},
  };
  return table;
}

}  // namespace

void evolve(JourneyState& state, const RecordedEvent& event) {
  auto it = appliers().find(event.type);
  if (it != appliers().end()) it->second(state, event);
  if (!event.actor_org.empty()) state.involved_orgs.insert(event.actor_org);
  state.version = event.seq;
  state.last_hash = event.hash;
}

}  // namespace parcours::domain
