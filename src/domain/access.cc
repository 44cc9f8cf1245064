#include "domain/access.h"

namespace parcours::domain {

bool consent_given(const JourneyState& s, const std::string& scope, const std::string& org) {
  // Consents are in recording order; the last one that concerns this org (by name or "*")
  // decides.
  bool given = false;
  for (const auto& c : s.consents) {
    if (c.scope == scope && (c.org == org || c.org == "*")) given = c.given;
  }
  return given;
}

bool is_involved(const JourneyState& s, const std::string& org_id) {
  return !org_id.empty() && s.involved_orgs.count(org_id) > 0;
}

bool reads_identity(const JourneyState& s, const std::string& org_id) {
  return is_involved(s, org_id) &&
         (s.opened_by_org == org_id || consent_given(s, "share_identity", org_id));
}

bool reads_diagnosis_details(const JourneyState& s, const Organization& org) {
  if (!is_involved(s, org.id)) return false;
  return org.kind != OrgKind::siae || consent_given(s, "share_diagnosis", org.id);
}

}  // namespace parcours::domain
