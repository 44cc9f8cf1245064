#include "domain/journey_state.h"

#include <algorithm>

namespace parcours::domain {

namespace {
template <class T>
T* find_by(std::vector<T>& v, std::string T::*key, const std::string& id) {
  for (auto& x : v) {
    if (x.*key == id) return &x;
  }
  return nullptr;
}
template <class T>
const T* find_by(const std::vector<T>& v, std::string T::*key, const std::string& id) {
  for (const auto& x : v) {
    if (x.*key == id) return &x;
  }
  return nullptr;
}
}  // namespace

bool Diagnosis::in_force_on(Date day) const {
  if (kind != "eligibility" || !valid_until) return false;
  if (day < date || *valid_until < day) return false;
  return !superseded_on || day < *superseded_on;
}

const Suspension* Pass::suspension_on(Date day) const {
  for (const auto& s : suspensions) {
    if (s.start <= day && day <= s.end) return &s;
  }
  return nullptr;
}

const Prolongation* Pass::pending_prolongation() const {
  for (const auto& p : prolongations) {
    if (p.status == "pending") return &p;
  }
  return nullptr;
}

Prolongation* Pass::prolongation(const std::string& id) {
  return find_by(prolongations, &Prolongation::prolongation_id, id);
}
const Prolongation* Pass::prolongation(const std::string& id) const {
  return find_by(prolongations, &Prolongation::prolongation_id, id);
}
const Suspension* Pass::suspension(const std::string& id) const {
  return find_by(suspensions, &Suspension::suspension_id, id);
}

bool Pass::was_prolonged() const {
  return std::any_of(prolongations.begin(), prolongations.end(),
                     [](const Prolongation& p) { return p.counts(); });
}

std::optional<Date> Contract::last_day() const {
  if (ended_on) return ended_on;
  return end;
}

bool Contract::active_on(Date day) const {
  if (status == "cancelled" || day < start) return false;
  const auto last = last_day();
  return !last || day <= *last;
}

const Candidature* JourneyState::candidature(const std::string& id) const {
  return find_by(candidatures, &Candidature::candidature_id, id);
}
Candidature* JourneyState::candidature(const std::string& id) {
  return find_by(candidatures, &Candidature::candidature_id, id);
}
const Diagnosis* JourneyState::diagnosis(const std::string& id) const {
  return find_by(diagnoses, &Diagnosis::diagnosis_id, id);
}
const Contract* JourneyState::contract(const std::string& id) const {
  return find_by(contracts, &Contract::contract_id, id);
}
Contract* JourneyState::contract(const std::string& id) {
  return find_by(contracts, &Contract::contract_id, id);
}
const Pmsmp* JourneyState::pmsmp(const std::string& id) const {
  return find_by(pmsmps, &Pmsmp::pmsmp_id, id);
}
const Training* JourneyState::training(const std::string& id) const {
  return find_by(trainings, &Training::training_id, id);
}
const Exit* JourneyState::exit_of(const std::string& contract_id) const {
  return find_by(exits, &Exit::contract_id, contract_id);
}

const Pass* JourneyState::live_pass() const {
  return pass && !pass->cancelled() ? &*pass : nullptr;
}

std::optional<Date> JourneyState::last_pass_end() const {
  std::optional<Date> last;
  auto consider = [&](const Pass& p) {
    if (!p.cancelled() && (!last || *last < p.end)) last = p.end;
  };
  if (pass) consider(*pass);
  for (const auto& p : past_passes) consider(p);
  return last;
}

}  // namespace parcours::domain
