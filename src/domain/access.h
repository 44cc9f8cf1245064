// Who may see which part of a journey (JOURNEY §6), as pure functions of the state.
//
// The read policy of the API (src/api/read_policy.h) and the deciders that hand something
// over (RecordConsent: "you cannot hand over what you do not hold") share these, so what an
// organisation may read and what it may share cannot drift apart.
#pragma once

#include <string>

#include "domain/journey_state.h"
#include "domain/organization.h"

namespace parcours::domain {

// Is the consent of `scope` in force for `org` (the last consent recorded for that org or
// "*")? Consents are evaluated on the state at read time: a withdrawal holds for every later
// read.
bool consent_given(const JourneyState& s, const std::string& scope, const std::string& org);

// Is the organisation involved (JOURNEY §6: it opened the journey, joined it, received one of
// its candidatures, or was named as the prescriber of a prolongation request)?
bool is_involved(const JourneyState& s, const std::string& org_id);

// Does an involved organisation read the person's identity: as the author of OpenJourney, or
// with a share_identity consent for it (or "*")?
bool reads_identity(const JourneyState& s, const std::string& org_id);

// Does an involved organisation read the details (criteria, barriers, notes) of diagnoses
// made by others? An SIAE only with a share_diagnosis consent; the others always.
bool reads_diagnosis_details(const JourneyState& s, const Organization& org);

}  // namespace parcours::domain
