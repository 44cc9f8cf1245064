// The rulesets of JOURNEY §7, oldest first. Each entry is complete: a new entry copies the
// previous one and changes what changed on its date, so that any ruleset can be read alone.
//
// Sources: `seed004:L1821` is line 1821 of the ministry's prescription guide (2023), see
// JOURNEY.md; "les-emplois" is the national platform's code (gip-inclusion/les-emplois);
// *(verify)* marks a value with no firm source (docs/domain-notes.md lists them).
//
//   id               from        what changed
//   iae-2021-01-01   2021-01-01  base (also applies to any earlier date)
//   iae-2021-09-03   2021-09-03  criteria catalogue of the arrêté du 1er septembre 2021
//   iae-2021-12-01   2021-12-01  prolongation reason HEALTH_CONTEXT no longer allowed
//   iae-2023-12-22   2023-12-22  end of the EITI experiment (seed004:L437)
//   iae-2024-01-01   2024-01-01  end of the contrat passerelle experiment (seed004:L2443)
#include "domain/ruleset.h"

#include <algorithm>

namespace parcours::domain {

namespace {

void remove_criterion(Ruleset& r, std::string_view code) {
  std::erase_if(r.criteria, [&](const Criterion& c) { return c.code == code; });
}

// Builders: the rule structs have many optional members, set below by name.
ContractTypeRule contract_type(std::string type, ContractEnd end) {
  ContractTypeRule c;
  c.type = std::move(type);
  c.end = end;
  return c;
}
SuspensionReasonRule suspension_reason(std::string code) {
  SuspensionReasonRule s;
  s.code = std::move(code);
  return s;
}
ProlongationReasonRule prolongation_reason(std::string code, int max_days, bool declared) {
  ProlongationReasonRule p;
  p.code = std::move(code);
  p.max_days = max_days;
  p.declared = declared;
  return p;
}
ExitDestinationRule destination(std::string kind, std::string category, int months_threshold = 0,
                                std::string category_at_or_above = "") {
  return {std::move(kind), std::move(category), months_threshold, std::move(category_at_or_above)};
}

Ruleset base_2021_01_01() {
  Ruleset r;
  r.id = "iae-2021-01-01";
  r.effective_from = Date::from_ymd(2021, 1, 1);

  // ---- Opening -------------------------------------------------------------------------------
  r.min_age_at_opening = 16;  // JOURNEY §3.1 journey.too_young

  // ---- Organisations -------------------------------------------------------------------------
  // seed004:L604-648, in the guide's order: France Travail (ex Pôle emploi), Cap emploi,
  // missions locales; CAF, MSA; départements (action sociale) and their ASE; CCAS/CIAS; PLIE;
  // CHRS (8° of L. 312-1 CASF); housing bodies (L. 365-1 CCH); CADA, HUDA; SPIP; PJJ; CIDFF;
  // prévention spécialisée; AFPA; PIJ/BIJ; CAVA; OACAS; CSAPA, CAARUD; EPIDE; E2C.
  r.national_prescriber_kinds = {
      "FT",      "CAP_EMPLOI", "ML",    "CAF",   "MSA",    "DEPT",  "ASE",   "CCAS",       "PLIE",
      "CHRS",    "OIL",        "CADA",  "HUDA",  "SPIP",   "PJJ",   "CIDFF", "PREVENTION", "AFPA",
      "PIJ_BIJ", "CAVA",       "OACAS", "CSAPA", "CAARUD", "EPIDE", "E2C"};
  r.prefectoral_prescriber_kind = "OHPD";    // seed004:L649-652
  r.prefectoral_habilitation_max_years = 5;  // seed004:L649-650, L775
  // JOURNEY §6, seed004:L1641-1644
  r.sensitive_prescriber_kinds = {"SPIP", "PJJ", "CSAPA", "CAARUD", "ASE", "CIDFF", "PREVENTION"};
  r.siae_kinds = {"ACI", "AI", "EI", "ETTI", "EITI"};  // seed004:L295-464

  // ---- Eligibility (JOURNEY §3.2) --------------------------------------------------------------
  // les-emplois: a prescriber's diagnosis expires on date + 6 months (first invalid day).
  r.prescriber_diagnosis_validity_months = 6;
  // les-emplois EMPLOYER_DIAGNOSIS_VALIDITY_TIMEDELTA = 92 days: valid through date + 91 days.
  r.siae_diagnosis_validity_days = 92;
  // The catalogue before the arrêté du 1er septembre 2021 (JOURNEY §3.2: PRIMO_ARRIVANT existed,
  // DETENTION_MJ, FLE and PM did not). Level 1: RSA, ASS, AAH, DETLD (>= 24 months).
  r.criteria = {{"RSA", 1},     {"ASS", 1},    {"AAH", 1},   {"DETLD", 1},
                {"CAP_BEP", 2}, {"SENIOR", 2}, {"JEUNE", 2}, {"ASE", 2},
                {"DELD", 2},    {"TH", 2},     {"PI", 2},    {"PSH_PR", 2},
                {"REF_DA", 2},  {"ZRR", 2},    {"QPV", 2},   {"PRIMO_ARRIVANT", 2}};
  // Auto-prescription thresholds (seed004:L653-656, L816-818; les-emplois): 1 level-1
  // criterion, or 2 level-2 criteria in AI and ETTI, 3 in ACI, EI and EITI.
  r.siae_min_level1 = 1;
  r.siae_min_level2 = {{"AI", 2}, {"ETTI", 2}, {"ACI", 3}, {"EI", 3}, {"EITI", 3}};
  // les-emplois: DETLD/DELD and SENIOR/JEUNE exclude each other.
  r.exclusive_criteria = {{"DETLD", "DELD"}, {"SENIOR", "JEUNE"}};
  // JOURNEY §3.2: SENIOR means 50 or more, JEUNE under 26, on the diagnosis date.
  r.age_criteria = {{"SENIOR", 50, 0}, {"JEUNE", 0, 26}};

  // ---- Candidatures (JOURNEY §3.3, les-emplois job_applications/models.py) ---------------------
  r.candidature_transitions = {
      {"process", {"new"}},
      {"postpone", {"new", "processing"}},
      {"refuse", {"new", "processing", "postponed"}},
      {"accept", {"new", "processing", "postponed", "refused", "obsolete", "cancelled"}},
      {"cancel_hire", {"accepted"}},
  };
  r.pending_candidature_states = {"new", "processing", "postponed"};
  // les-emplois job_applications/enums.py RefusalReason (the reasons JOURNEY §3.3 keeps).
  r.refusal_reasons = {"did_not_come",
                       "did_not_come_to_interview",
                       "hired_elsewhere",
                       "training",
                       "non_eligible",
                       "not_mobile",
                       "not_interested",
                       "lacking_skills",
                       "incompatible",
                       "prevent_objectives",
                       "no_position",
                       "duplicate",
                       "other"};
  r.detail_required_reason = "other";  // JOURNEY §3.3 candidature.detail_required
  // JOURNEY §3.9; les-emplois AUTO_REJECT_JOB_APPLICATION_DELAY (60 days).
  r.auto_refusal_states = {"new", "processing"};
  r.auto_refusal_after_days = 60;
  r.auto_refusal_reason = "auto";

  // ---- Hire and PASS IAE (JOURNEY §3.3) --------------------------------------------------------
  r.hire_start_max_months_ahead = 6;  // les-emplois: hiring start at most 6 months ahead
  // seed004:L1821-1823 (2 years from the first day of hire); les-emplois
  // DEFAULT_APPROVAL_DAYS = 730: end = start + 730 days - 1.
  r.pass_length_days = 730;
  r.waiting_period_years = 2;               // les-emplois WAITING_PERIOD_YEARS
  r.cancel_hire_max_days_after_start = 30;  // JOURNEY §3.3 CancelHire
  // seed004:L2364-2468 (Fiche n°3): ACI and EI sign CDDI (L2384); AI sign CDDU (L317,
  // L2391-2398) or CDDI (L2384); ETTI sign contrats de mission (L2400-2411); EITI contract with
  // independent workers, e.g. a mandate (L447-455). Any SIAE may sign a CDI inclusion
  // (L2429-2435), subject to the age and parcours rules below.
  r.contract_types_by_siae_kind = {
      {"ACI", {"CDDI", "CDI_INCLUSION"}},        {"EI", {"CDDI", "CDI_INCLUSION"}},
      {"AI", {"CDDU", "CDDI", "CDI_INCLUSION"}}, {"ETTI", {"MISSION", "CDI_INCLUSION"}},
      {"EITI", {"MANDATE", "CDI_INCLUSION"}},
  };
  // seed004:L2375-2380: 4 months minimum, renewable within 24 months (more when the PASS is
  // prolonged), at least 20 h a week except in ACI.
  ContractTypeRule cddi = contract_type("CDDI", ContractEnd::required);
  cddi.min_months = 4;
  cddi.max_months = 24;
  cddi.pass_prolongation_lifts_max = true;
  cddi.min_weekly_hours = 20;
  cddi.min_hours_exempt_siae_kinds = {"ACI"};
  // seed004:L2409-2411: a mission lasts at most 24 months, renewals included.
  ContractTypeRule mission = contract_type("MISSION", ContractEnd::required);
  mission.max_months = 24;
  r.contract_types = {
      cddi,
      // seed004:L2391-2398: runs until the end of the mission; no duration rule *(verify)*.
      contract_type("CDDU", ContractEnd::optional),
      mission,
      // seed004:L447-455: not a work contract; no duration rule *(verify)*.
      contract_type("MANDATE", ContractEnd::optional),
      // seed004:L2429-2435: a CDI has no end.
      contract_type("CDI_INCLUSION", ContractEnd::forbidden),
  };
  r.max_weekly_hours = 48;  // JOURNEY §3.3 contract.hours_too_high (Code du travail L3121-20)
  r.cdi_inclusion_type = "CDI_INCLUSION";
  r.cdi_inclusion_min_age = 57;              // seed004:L1409, L2432
  r.cdi_inclusion_min_parcours_months = 12;  // seed004:L1410-1411, L2433

  // ---- PASS suspensions (JOURNEY §3.4, les-emplois approvals/enums.py) -------------------------
  // seed004:L2443-2454: an EI or ACI lends an employee in parcours for at least 4 months,
  // for 3 months renewable once (so at most 6 months); experiment 2021-2023.
  SuspensionReasonRule passerelle = suspension_reason("CONTRAT_PASSERELLE");
  passerelle.siae_kinds = {"EI", "ACI"};
  passerelle.min_parcours_months = 4;
  passerelle.max_months = 6;
  r.suspension_reasons = {
      suspension_reason("CONTRACT_SUSPENDED"),
      suspension_reason("CONTRACT_BROKEN"),
      suspension_reason("FINISHED_CONTRACT"),
      suspension_reason("APPROVAL_BETWEEN_CTA_MEMBERS"),
      passerelle,
  };
  r.suspension_max_months = 36;             // les-emplois Suspension.MAX_DURATION_MONTHS
  r.suspension_max_retroactive_days = 365;  // les-emplois MAX_RETROACTIVITY_DURATION_DAYS

  // ---- PASS prolongations (JOURNEY §3.4 table; seed004:L1925-1936, L3004-3053) -----------------
  r.prolongation_window_months_before_end = 12;  // JOURNEY §3.4 *(verify: les-emplois 7)*
  r.prolongation_window_months_after_end = 6;    // JOURNEY §3.4 *(verify: les-emplois 3)*
  // Declared by the SIAE (seed004:L3021-3023): CDI inclusion after 12 months of parcours
  // (L3009), completing a training started during the parcours (L3010).
  ProlongationReasonRule senior_cdi = prolongation_reason("SENIOR_CDI", 3650, true);
  senior_cdi.min_age = 57;
  senior_cdi.min_parcours_months = 12;
  // Decided by a habilitated prescriber (seed004:L3025-3035): RQTH (L3012), 50 or more with
  // particular difficulties (L3011), particular difficulties in AI and ACI only (L3013-3014).
  ProlongationReasonRule rqth = prolongation_reason("RQTH", 365, false);
  rqth.cap_days = 3 * 365;
  ProlongationReasonRule senior = prolongation_reason("SENIOR", 365, false);
  senior.cap_days = 5 * 365;
  senior.min_age = 50;
  ProlongationReasonRule difficulties = prolongation_reason("PARTICULAR_DIFFICULTIES", 365, false);
  difficulties.cap_days = 3 * 365;
  difficulties.siae_kinds = {"AI", "ACI"};
  r.prolongation_reasons = {
      senior_cdi,
      prolongation_reason("COMPLETE_TRAINING", 365, true),
      rqth,
      senior,
      difficulties,
      // JOURNEY §3.4, §7: existed until 2021-11-30 (les-emplois HEALTH_CONTEXT); its duration
      // and who decided it *(verify)*.
      prolongation_reason("HEALTH_CONTEXT", 365, true),
  };
  // les-emplois ProlongationRequestDenyReason and DenyProposedAction (JOURNEY §3.4).
  r.prolongation_deny_reasons = {"IAE", "SIAE", "DURATION", "REASON"};
  r.deny_reason_needing_actions = "IAE";
  r.prolongation_proposed_actions = {"EXIT_IAE", "SOCIAL_PARTNER", "OTHER"};
  r.prolongation_reminder_days = {10, 20, 30};  // JOURNEY §3.9

  // ---- Contracts (JOURNEY §3.5)
  // ------------------------------------------------------------------ seed004:L2380-2382: health,
  // return to work, training, immersion.
  r.contract_suspension_reasons = {"health", "return_to_work", "training", "immersion"};

  // ---- PMSMP (JOURNEY §3.6; Code du travail D5135-3 for the month) ------------------------------
  r.pmsmp_max_days = 30;
  r.pmsmp_max_weekly_hours = 48;
  r.pmsmp_cumulative_cap_percent = 25;  // *(verify)*
  r.pmsmp_forbidden_siae_kinds = {"ETTI"};

  // ---- Exits (JOURNEY §3.8; seed004:L2287-2318) ------------------------------------------------
  r.exit_destinations = {
      // L2304-2307: durable
      destination("cdi", "durable"),
      destination("cdi_siae", "durable"),
      destination("business_creation", "durable"),
      destination("civil_service", "durable"),
      // L2306, L2309-2310, L2314-2315: CDD and interim of 6 months or more are durable,
      // shorter ones transition.
      destination("cdd", "transition", 6, "durable"),
      destination("interim", "transition", 6, "durable"),
      destination("aided_contract", "transition"),  // L2310 (aided CDD outside SIAE)
      // L2312-2313: positive
      destination("other_siae", "positive"),
      destination("qualifying_training", "positive"),
      destination("pre_qualifying_training", "positive"),  // L2313 "pré-qualifiante"
      destination("retirement", "positive"),
      // L2316-2318: negative
      destination("unemployed", "negative"),
      destination("inactive", "negative"),
      destination("unknown", "negative"),
      // L2295-2296: neutralised
      destination("dismissal_serious_misconduct", "neutralised"),
      destination("long_sick_leave", "neutralised"),
      destination("maternity_leave", "neutralised"),
      destination("death", "neutralised"),
      destination("judicial_decision", "neutralised"),
  };
  r.exit_counted_min_presence_months = 3;                             // L2294
  r.uncounted_exit_categories = {"neutralised"};                      // L2295
  r.dynamic_exit_categories = {"durable", "transition", "positive"};  // L2303-2313
  r.dynamic_exit_rate_target_percent = 60;                            // L2288
  return r;
}

// Arrêté du 1er septembre 2021 (seed004:L654-655, L685), in force from 2021-09-03
// (JOURNEY §3.2): PRIMO_ARRIVANT goes; DETENTION_MJ, FLE (< A1) and PM (mobility) come.
Ruleset criteria_2021_09_03(Ruleset r) {
  r.id = "iae-2021-09-03";
  r.effective_from = Date::from_ymd(2021, 9, 3);
  remove_criterion(r, "PRIMO_ARRIVANT");
  r.criteria.push_back({"DETENTION_MJ", 2});
  r.criteria.push_back({"FLE", 2});
  r.criteria.push_back({"PM", 2});
  return r;
}

// JOURNEY §3.4, §7: HEALTH_CONTEXT existed until 2021-11-30.
Ruleset health_context_ends_2021_12_01(Ruleset r) {
  r.id = "iae-2021-12-01";
  r.effective_from = Date::from_ymd(2021, 12, 1);
  std::erase_if(r.prolongation_reasons,
                [](const ProlongationReasonRule& p) { return p.code == "HEALTH_CONTEXT"; });
  return r;
}

// seed004:L436-437: the EITI experiment runs "jusqu'au 21 décembre 2023". From the next day an
// EITI can no longer hire (no contract type is allowed); its existing journeys go on.
Ruleset eiti_ends_2023_12_22(Ruleset r) {
  r.id = "iae-2023-12-22";
  r.effective_from = Date::from_ymd(2023, 12, 22);
  r.contract_types_by_siae_kind["EITI"] = {};
  return r;
}

// seed004:L2443: the contrat passerelle is an experiment "de 3 ans (2021 à 2023)".
Ruleset passerelle_ends_2024_01_01(Ruleset r) {
  r.id = "iae-2024-01-01";
  r.effective_from = Date::from_ymd(2024, 1, 1);
  std::erase_if(r.suspension_reasons,
                [](const SuspensionReasonRule& s) { return s.code == "CONTRAT_PASSERELLE"; });
  return r;
}

std::vector<Ruleset> all_rulesets() {
  std::vector<Ruleset> out;
  out.push_back(base_2021_01_01());
  out.push_back(criteria_2021_09_03(out.back()));
  out.push_back(health_context_ends_2021_12_01(out.back()));
  out.push_back(eiti_ends_2023_12_22(out.back()));
  out.push_back(passerelle_ends_2024_01_01(out.back()));
  return out;
}

}  // namespace

const RulesetBook& RulesetBook::standard() {
  static const RulesetBook book(all_rulesets());
  return book;
}

}  // namespace parcours::domain
