#include "api/read_policy.h"

#include "domain/access.h"

namespace parcours::api {

ReadGrant journey_read_grant(const Reader& reader, const domain::JourneyState& s) {
  ReadGrant g;
  const bool active = reader.org && reader.org->active;
  const bool ddets_here = active && reader.org->kind == domain::OrgKind::ddets &&
                          reader.org->department == s.department;
  const bool auditor = active && reader.org->kind == domain::OrgKind::auditor;
  if (reader.admin || auditor || ddets_here) {
    g.scope = ReadScope::everything;
    g.identity = true;
    g.diagnosis_details = true;
    g.events = true;
    return g;
  }
  if (!active || !domain::is_involved(s, reader.org_id)) return g;
  g.scope = ReadScope::involved;
  g.identity = domain::reads_identity(s, reader.org_id);
  g.diagnosis_details = domain::reads_diagnosis_details(s, *reader.org);
  g.events = false;
  return g;
}

}  // namespace parcours::api
