// Rules as data (JOURNEY §7): every number and list the deciders use lives in a Ruleset,
// and the RulesetBook holds them keyed by the date from which they apply.
//
// A decision picks the ruleset in force on the command's effective date and records its id
// in every event it appends, so that a replay of old events uses the rules of their time.
// A rule change is a new entry in rulesets.cc, never an edit of a decider.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "domain/date.h"

namespace parcours::domain {

struct Ruleset {
  std::string id;       // recorded in events, e.g. "iae-2021-09-03"
  Date effective_from;  // first day this ruleset applies

  // journey.too_young: nobody under this age on the opening day (JOURNEY §3.1).
  int min_age_at_opening = 16;

  // Prescriber kinds of the national list, habilitated with no end date (seed004:L604-648).
  std::vector<std::string> national_prescriber_kinds;
  // The prefectoral habilitation kind and its longest duration (seed004:L649-652, L775).
  std::string prefectoral_prescriber_kind = "OHPD";
  int prefectoral_habilitation_max_years = 5;
  // Prescriber kinds whose identity other organisations see as "OTHER" (seed004:L1641-1644).
  std::vector<std::string> sensitive_prescriber_kinds;
  // SIAE kinds (seed004:L295-464).
  std::vector<std::string> siae_kinds;

  bool is_national_prescriber_kind(std::string_view k) const;
  bool is_prescriber_kind(std::string_view k) const;
  bool is_siae_kind(std::string_view k) const;
};

class RulesetBook {
 public:
  explicit RulesetBook(std::vector<Ruleset> entries);

  // The ruleset in force on `day`: the last entry whose effective_from <= day (the first
  // entry for days before every entry).
  const Ruleset& in_force_on(Date day) const;
  // The entry with that id, or nullptr.
  const Ruleset* by_id(std::string_view id) const;
  const std::vector<Ruleset>& entries() const { return entries_; }

  // The rulesets of JOURNEY.md, with their sources (rulesets.cc).
  static const RulesetBook& standard();

 private:
  std::vector<Ruleset> entries_;  // sorted by effective_from
};

}  // namespace parcours::domain
