// The rulesets of JOURNEY §7, oldest first. Each entry is complete: a new entry copies the
// previous one and changes what changed on its date, so that any ruleset can be read alone.
#include "domain/ruleset.h"

namespace parcours::domain {

namespace {

Ruleset base_2021_01_01() {
  Ruleset r;
  r.id = "iae-2021-01-01";
  r.effective_from = Date::from_ymd(2021, 1, 1);
  r.min_age_at_opening = 16;  // JOURNEY §3.1 journey.too_young
  // seed004:L604-648, in the guide's order: France Travail (ex Pôle emploi), Cap emploi,
  // missions locales; CAF, MSA; départements (action sociale) and their ASE; CCAS/CIAS; PLIE;
  // CHRS (8° of L. 312-1 CASF); housing bodies (L. 365-1 CCH); CADA, HUDA; SPIP; PJJ; CIDFF;
  // prévention spécialisée; AFPA; PIJ/BIJ; CAVA; OACAS; CSAPA, CAARUD; EPIDE; E2C.
  r.national_prescriber_kinds = {
      "FT",      "CAP_EMPLOI", "ML",    "CAF",   "MSA",    "DEPT",  "ASE",   "CCAS",       "PLIE",
      "CHRS",    "OIL",        "CADA",  "HUDA",  "SPIP",   "PJJ",   "CIDFF", "PREVENTION", "AFPA",
      "PIJ_BIJ", "CAVA",       "OACAS", "CSAPA", "CAARUD", "EPIDE", "E2C"};
  r.prefectoral_prescriber_kind = "OHPD";    // seed004:L649-652
  r.prefectoral_habilitation_max_years = 5;  // seed004:L775
  // JOURNEY §6, seed004:L1641-1644
  r.sensitive_prescriber_kinds = {"SPIP", "PJJ", "CSAPA", "CAARUD", "ASE", "CIDFF", "PREVENTION"};
  r.siae_kinds = {"ACI", "AI", "EI", "ETTI", "EITI"};  // seed004:L295-464
  return r;
}

}  // namespace

const RulesetBook& RulesetBook::standard() {
  static const RulesetBook book({base_2021_01_01()});
  return book;
}

}  // namespace parcours::domain
