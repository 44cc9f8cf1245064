// Rules as data (JOURNEY §7): every number and list the deciders use lives in a Ruleset,
// and the RulesetBook holds them keyed by the date from which they apply.
//
// A decision picks the ruleset in force on the command's effective date and records its id
// in every event it appends, so that a replay of old events uses the rules of their time.
// A rule change is a new entry in rulesets.cc, never an edit of a decider.
//
// Effective dates, by command (the date whose ruleset decides):
//   OpenJourney, RecordConsent, follow-ups, EraseIdentity   the command's own date / today
//   MakeEligibilityDiagnosis                                the diagnosis date
//   AcceptCandidature                                       hiring_start
//   SuspendPass                                             the suspension start
//   ProlongPass, DecideProlongation                         today (the day of the request)
//   RecordExit, EndContract                                 the exit / end date
//   ApplyDeadlines                                          the day processed
//
// Thread-safety: a RulesetBook is immutable once built; standard() is built once.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "domain/date.h"

namespace parcours::domain {

// An administrative eligibility criterion (arrêté du 1er septembre 2021, seed004:L653-656).
struct Criterion {
  std::string code;  // e.g. "RSA"
  int level = 2;     // 1 or 2
};

// A criterion that states an age: its holder must be at least `min_age` (0: no minimum) and
// under `below_age` (0: no maximum) on the diagnosis date.
struct AgeCriterion {
  std::string code;
  int min_age = 0;
  int below_age = 0;
};

// What `hiring_end` must be for a contract type.
enum class ContractEnd { required, optional, forbidden };

// The guide's rules for one contract type (seed004:L2364-2468).
struct ContractTypeRule {
  std::string type;  // CDDI, CDDU, MISSION, MANDATE, CDI_INCLUSION
  ContractEnd end = ContractEnd::optional;
  int min_months = 0;  // contract.too_short below; 0: no minimum
  int max_months = 0;  // contract.too_long above, renewals included; 0: no maximum
  // A prolongation of the PASS lifts max_months on renewal (CDDI, JOURNEY §3.5).
  bool pass_prolongation_lifts_max = false;
  int min_weekly_hours = 0;  // contract.hours_too_low below; 0: no minimum
  std::vector<std::string> min_hours_exempt_siae_kinds;
};

// A reason to suspend a PASS IAE (les-emplois approvals/enums.py).
struct SuspensionReasonRule {
  std::string code;
  std::vector<std::string> siae_kinds;  // only these SIAE kinds may use it; empty: any sender
  int min_parcours_months = 0;          // months since the PASS start; 0: none
  int max_months = 0;                   // a shorter cap than the general one; 0: none
};

// A reason to prolong a PASS IAE (JOURNEY §3.4 table).
struct ProlongationReasonRule {
  std::string code;
  int max_days = 0;      // pass.prolongation_too_long above
  int cap_days = 0;      // all prolongations of the PASS, this one included; 0: no cap
  bool declared = true;  // declared by the SIAE; else decided by prescriber_org
  std::vector<std::string> siae_kinds;  // empty: every SIAE kind
  int min_age = 0;                      // pass.prolongation_age below
  int min_parcours_months = 0;          // pass.cdi_inclusion_too_early below
};

// How an exit destination counts in the indicators (seed004:L2287-2318).
struct ExitDestinationRule {
  std::string kind;      // e.g. "cdd"
  std::string category;  // durable | transition | positive | negative | neutralised
  // When > 0, a destination with contract_months >= this falls in `category_at_or_above`.
  int months_threshold = 0;
  std::string category_at_or_above;
};

struct Ruleset {
  std::string id;       // recorded in events, e.g. "iae-2021-09-03"
  Date effective_from;  // first day this ruleset applies

  // --- Opening (JOURNEY §3.1) ---------------------------------------------------------------
  // journey.too_young: nobody under this age on the opening day.
  int min_age_at_opening = 16;

  // --- Organisations (JOURNEY §2) -------------------------------------------------------------
  // Prescriber kinds of the national list, habilitated with no end date (seed004:L604-648).
  std::vector<std::string> national_prescriber_kinds;
  // The prefectoral habilitation kind and its longest duration (seed004:L649-652, L775).
  std::string prefectoral_prescriber_kind = "OHPD";
  int prefectoral_habilitation_max_years = 5;
  // Prescriber kinds whose identity other organisations see as "OTHER" (seed004:L1641-1644).
  std::vector<std::string> sensitive_prescriber_kinds;
  // SIAE kinds (seed004:L295-464).
  std::vector<std::string> siae_kinds;

  // --- Eligibility (JOURNEY §3.2) -------------------------------------------------------------
  int prescriber_diagnosis_validity_months = 6;  // valid through date + 6 months - 1 day
  int siae_diagnosis_validity_days = 92;         // valid through date + 91 days
  std::vector<Criterion> criteria;               // the catalogue in force
  int siae_min_level1 = 1;                       // auto-prescription: >= 1 level-1 criterion,
  std::map<std::string, int> siae_min_level2;    // or >= N level-2 criteria, by SIAE kind
  std::vector<std::pair<std::string, std::string>> exclusive_criteria;
  std::vector<AgeCriterion> age_criteria;

  // --- Candidatures (JOURNEY §3.3) ------------------------------------------------------------
  // States from which each transition is allowed (else candidature.invalid_transition).
  std::map<std::string, std::vector<std::string>> candidature_transitions;
  std::vector<std::string> pending_candidature_states;  // duplicates, obsolescence
  std::vector<std::string> refusal_reasons;             // sendable by an SIAE
  std::string detail_required_reason = "other";         // candidature.detail_required
  // §3.9: candidatures left in these states for this many days are refused with this reason.
  std::vector<std::string> auto_refusal_states;
  int auto_refusal_after_days = 60;
  std::string auto_refusal_reason = "auto";

  // --- Hire and PASS IAE (JOURNEY §3.3-§3.4) ---------------------------------------------------
  int hire_start_max_months_ahead = 6;  // hire.start_too_far
  int pass_length_days = 730;           // end = start + 730 days - 1
  int waiting_period_years = 2;         // pass.waiting_period
  int cancel_hire_max_days_after_start = 30;
  std::map<std::string, std::vector<std::string>> contract_types_by_siae_kind;
  std::vector<ContractTypeRule> contract_types;
  int max_weekly_hours = 48;  // contract.hours_too_high
  std::string cdi_inclusion_type = "CDI_INCLUSION";
  int cdi_inclusion_min_age = 57;
  int cdi_inclusion_min_parcours_months = 12;

  // --- PASS suspensions (JOURNEY §3.4) --------------------------------------------------------
  std::vector<SuspensionReasonRule> suspension_reasons;
  int suspension_max_months = 36;
  int suspension_max_retroactive_days = 365;

  // --- PASS prolongations (JOURNEY §3.4) ------------------------------------------------------
  int prolongation_window_months_before_end = 12;
  int prolongation_window_months_after_end = 6;
  std::vector<ProlongationReasonRule> prolongation_reasons;
  std::vector<std::string> prolongation_deny_reasons;
  std::string deny_reason_needing_actions = "IAE";
  std::vector<std::string> prolongation_proposed_actions;
  std::vector<int> prolongation_reminder_days;  // §3.9, ascending

  // --- Contracts (JOURNEY §3.5) -----------------------------------------------------------------
  std::vector<std::string> contract_suspension_reasons;

  // --- PMSMP (JOURNEY §3.6)
  // -----------------------------------------------------------------------
  int pmsmp_max_days = 30;
  int pmsmp_max_weekly_hours = 48;
  int pmsmp_cumulative_cap_percent = 25;
  std::vector<std::string> pmsmp_forbidden_siae_kinds;

  // --- Exits (JOURNEY §3.8)
  // -----------------------------------------------------------------------
  std::vector<ExitDestinationRule> exit_destinations;
  int exit_counted_min_presence_months = 3;
  std::vector<std::string> uncounted_exit_categories;  // never counted (neutralised)
  std::vector<std::string> dynamic_exit_categories;    // numerator of the dynamic exit rate
  int dynamic_exit_rate_target_percent = 60;

  bool is_national_prescriber_kind(std::string_view k) const;
  bool is_prescriber_kind(std::string_view k) const;
  bool is_siae_kind(std::string_view k) const;
  const Criterion* criterion(std::string_view code) const;
  const ContractTypeRule* contract_type(std::string_view type) const;
  bool contract_type_allowed(std::string_view siae_kind, std::string_view type) const;
  const SuspensionReasonRule* suspension_reason(std::string_view code) const;
  const ProlongationReasonRule* prolongation_reason(std::string_view code) const;
  const ExitDestinationRule* exit_destination(std::string_view kind) const;
  // May a candidature go through `transition` (process, postpone, refuse, accept,
  // cancel_hire) from `state`?
  bool transition_allowed(std::string_view transition, std::string_view state) const;
  bool is_pending_candidature_state(std::string_view state) const;
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

  // Did any ruleset ever know this value? Tells a value that the rules of a date refuse (422)
  // from one that never existed (400 malformed). `pick` returns a ruleset's list of codes.
  template <class Pick>
  bool known_in_any(std::string_view value, Pick pick) const {
    for (const auto& r : entries_) {
      for (const auto& v : pick(r)) {
        if (v == value) return true;
      }
    }
    return false;
  }

  // The rulesets of JOURNEY.md, with their sources (rulesets.cc).
  static const RulesetBook& standard();

 private:
  std::vector<Ruleset> entries_;  // sorted by effective_from
};

// Codes of a list of rules, for known_in_any.
template <class Rule>
std::vector<std::string> codes_of(const std::vector<Rule>& rules) {
  std::vector<std::string> out;
  for (const auto& r : rules) {
    if constexpr (requires { r.code; }) {
      out.push_back(r.code);
    } else if constexpr (requires { r.kind; }) {
      out.push_back(r.kind);
    } else {
      out.push_back(r.type);
    }
  }
  return out;
}

}  // namespace parcours::domain
