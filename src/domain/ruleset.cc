#include "domain/ruleset.h"

#include <algorithm>
#include <stdexcept>

namespace parcours::domain {

namespace {
bool contains(const std::vector<std::string>& v, std::string_view x) {
  return std::find(v.begin(), v.end(), x) != v.end();
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
