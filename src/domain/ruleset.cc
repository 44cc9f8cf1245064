#include "domain/ruleset.h"

#include <algorithm>
#include <stdexcept>

namespace parcours::domain {

namespace {
bool contains(const std::vector<std::string>& v, std::string_view x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

template <class Rule, class Key>
const Rule* find_rule(const std::vector<Rule>& rules, std::string_view wanted, Key key) {
  for (const auto& r : rules) {
    if (key(r) == wanted) return &r;
  }
  return nullptr;
}
}  // namespace

bool Ruleset::is_national_prescriber_kind(std::string_view k) const {
  return contains(national_prescriber_kinds, k);
}
bool Ruleset::is_prescriber_kind(std::string_view k) const {
  return is_national_prescriber_kind(k) || k == prefectoral_prescriber_kind;
}
bool Ruleset::is_siae_kind(std::string_view k) const {
  return contains(siae_kinds, k);
}

const Criterion* Ruleset::criterion(std::string_view code) const {
  return find_rule(criteria, code, [](const Criterion& c) -> const std::string& { return c.code; });
}

const ContractTypeRule* Ruleset::contract_type(std::string_view type) const {
  return find_rule(contract_types, type,
                   [](const ContractTypeRule& c) -> const std::string& { return c.type; });
}

bool Ruleset::contract_type_allowed(std::string_view siae_kind, std::string_view type) const {
  auto it = contract_types_by_siae_kind.find(std::string(siae_kind));
  return it != contract_types_by_siae_kind.end() && contains(it->second, type);
}

const SuspensionReasonRule* Ruleset::suspension_reason(std::string_view code) const {
  return find_rule(suspension_reasons, code,
                   [](const SuspensionReasonRule& r) -> const std::string& { return r.code; });
}

const ProlongationReasonRule* Ruleset::prolongation_reason(std::string_view code) const {
  return find_rule(prolongation_reasons, code,
                   [](const ProlongationReasonRule& r) -> const std::string& { return r.code; });
}

const ExitDestinationRule* Ruleset::exit_destination(std::string_view kind) const {
  return find_rule(exit_destinations, kind,
                   [](const ExitDestinationRule& r) -> const std::string& { return r.kind; });
}

bool Ruleset::transition_allowed(std::string_view transition, std::string_view state) const {
  auto it = candidature_transitions.find(std::string(transition));
  return it != candidature_transitions.end() && contains(it->second, state);
}

bool Ruleset::is_pending_candidature_state(std::string_view state) const {
  return contains(pending_candidature_states, state);
}

RulesetBook::RulesetBook(std::vector<Ruleset> entries) : entries_(std::move(entries)) {
  if (entries_.empty()) throw std::invalid_argument("a RulesetBook needs at least one ruleset");
  std::sort(entries_.begin(), entries_.end(),
            [](const Ruleset& a, const Ruleset& b) { return a.effective_from < b.effective_from; });
}

const Ruleset& RulesetBook::in_force_on(Date day) const {
  const Ruleset* found = &entries_.front();
  for (const auto& r : entries_) {
    if (r.effective_from <= day) found = &r;
  }
  return *found;
}

const Ruleset* RulesetBook::by_id(std::string_view id) const {
  for (const auto& r : entries_) {
    if (r.id == id) return &r;
  }
  return nullptr;
}

}  // namespace parcours::domain
