#include "api/read_policy.h"

namespace parcours::api {

bool consent_given(const domain::JourneyState& s, const std::string& scope,
                   const std::string& org) {
  // Consents are in recording order; the last one that concerns this org (by name or "*")
  // decides.
  bool given = false;
  for (const auto& c : s.consents) {
    if (c.scope == scope && (c.org == org || c.org == "*")) given = c.given;
  }
  return given;
}

ReadGrant journey_read_grant(const Reader& reader, const domain::JourneyState& s) {
  ReadGrant g;
  const bool ddets_here = reader.org && reader.org->kind == domain::OrgKind::ddets &&
                          reader.org->active && reader.org->department == s.department;
  const bool auditor = reader.auditor || (reader.org && reader.org->active &&
                                          reader.org->kind == domain::OrgKind::auditor);
  if (reader.admin || auditor || ddets_here) {
    g.scope = ReadScope::everything;
    g.identity = true;
    g.diagnosis_details = true;
    g.events = true;
    return g;
  }
  if (!reader.org || !reader.org->active || !s.involved_orgs.count(reader.org_id)) return g;
  g.scope = ReadScope::involved;
  g.identity =
      s.opened_by_org == reader.org_id || consent_given(s, "share_identity", reader.org_id);
  g.diagnosis_details = reader.org->kind != domain::OrgKind::siae ||
                        consent_given(s, "share_diagnosis", reader.org_id);
  g.events = false;
  return g;
}

}  // namespace parcours::api
