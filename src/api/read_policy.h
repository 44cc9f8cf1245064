// Who may read what of a journey (JOURNEY §6). A pure function of the reader, the journey's
// state and the registry, so the whole matrix is unit-tested.
//
//   admin, auditors, DDETS of the journey's department   everything (auditors: events too)
//   an involved organisation                              the journey, with:
//       identity          only with share_identity consent (for it or "*"), or as the author
//                         of OpenJourney
//       diagnosis details an SIAE sees a prescriber's criteria only with share_diagnosis consent
//   anyone else                                           nothing: 404, as for an unknown id
// Organisations of sensitive prescriber kinds (SPIP, PJJ, CSAPA, ...) appear to every other
// organisation as "OTHER" (seed004:L1641-1644). A withdrawn consent holds for every later read:
// consents are evaluated on the state at read time. The rules on identity and details are the
// domain's (domain/access.h), shared with RecordConsent.
#pragma once

#include <optional>
#include <string>

#include "domain/journey_state.h"
#include "domain/organization.h"

namespace parcours::api {

struct Reader {
  std::string sub;
  std::string org_id;                       // "" for an admin without organisation
  std::optional<domain::Organization> org;  // registry entry (active), if any
  bool admin = false;    // token role "admin", from the platform organisation (caller.h)
  bool auditor = false;  // token role "auditor", from an auditor organisation
};

enum class ReadScope { none, involved, everything };

struct ReadGrant {
  ReadScope scope = ReadScope::none;
  bool identity = false;          // the person's identity may be shown
  bool diagnosis_details = true;  // criteria, barriers, notes of diagnoses made by others
  bool events = false;            // the raw event log (auditors, admin, DDETS)
  bool allowed() const { return scope != ReadScope::none; }
};

ReadGrant journey_read_grant(const Reader& reader, const domain::JourneyState& s);

}  // namespace parcours::api
