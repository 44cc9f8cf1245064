// The state of one journey: the fold of its events by evolve (evolve.h).
//
// The processor holds it per journey to decide commands; the projector, `audit` and the
// tests rebuild it the same way. It holds no personal data in clear: the identity stays in
// the sealed form in which journey.opened carries it (ARCHITECTURE §5).
//
// Serialised as JSON (to_json/from_json below) in RocksDB; fields may be added, none renamed.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "domain/date.h"
#include "domain/json_types.h"

namespace parcours::domain {

struct Consent {
  std::string scope;  // share_diagnosis | share_identity
  std::string org;    // an org id or "*"
  bool given = false;
  Date date;
};

struct Diagnosis {
  std::string diagnosis_id;
  std::string kind;         // accompaniment | eligibility
  std::string author_kind;  // prescriber | orienteur | siae
  std::string author_org;
  Date date;
  std::optional<Date> valid_until;  // eligibility: last valid day
  std::vector<std::string> criteria;
  std::vector<std::string> barriers;  // accompaniment
  std::string recommended_path;       // accompaniment
  bool superseded = false;
  std::string ruleset;
};

struct Candidature {
  std::string candidature_id;
  std::string siae_org;
  std::string sender_org;
  std::string sender_kind;          // prescriber | orienteur | siae
  bool sender_habilitated = false;  // a habilitated prescriber on the submission date
  Date date;
  std::string job_title;
  std::string state = "new";  // new processing postponed refused accepted obsolete cancelled
  std::optional<std::string> refusal_reason;
  std::optional<Date> hiring_start;
};

struct Suspension {
  std::string suspension_id;
  Date start;
  Date end;
  std::string reason;
  std::string by_org;
};

struct Prolongation {
  std::string prolongation_id;
  std::string reason;
  Date start;
  Date end;
  std::string status;  // pending | granted | denied | declared
  std::string prescriber_org;
  std::string requested_by_org;
  Date requested_on;
};

struct Pass {
  std::string number;
  Date start;
  Date end;
  std::string issued_by_candidature;
  std::string status = "valid";  // valid | cancelled | expired (derived on read for expiry)
  std::vector<Suspension> suspensions;
  std::vector<Prolongation> prolongations;
};

struct Contract {
  std::string contract_id;
  std::string siae_org;
  std::string type;  // CDDI CDDU MISSION MANDATE CDI_INCLUSION
  Date start;
  std::optional<Date> end;
  long weekly_minutes = 0;
  std::string status = "active";  // active | ended | cancelled
  std::optional<Date> ended_on;
};

struct Pmsmp {
  std::string pmsmp_id;
  nlohmann::json host;
  std::string objective;
  Date start;
  Date end;
  long weekly_minutes = 0;
  std::string status = "ongoing";  // ongoing | ended
  std::optional<std::string> outcome;
};

struct Training {
  std::string training_id;
  std::string kind;
  std::string title;
  std::string provider;
  Date start;
  Date planned_end;
  long minutes = 0;
  std::string status = "ongoing";
  std::optional<std::string> outcome;
};

struct Exit {
  std::string contract_id;
  std::string siae_org;
  Date date;
  nlohmann::json destination;
  long presence_days = 0;
  std::string ruleset;
};

struct JourneyState {
  std::string journey_id;
  long version = 0;       // seq of the last event applied; 0 = no such journey
  std::string last_hash;  // hash of event `version`, the next event's prevhash
  std::string department;
  std::string opened_by_org;
  Date opened_on;           // valid time of the opening (intake date)
  nlohmann::json identity;  // sealed identity from journey.opened; null once erased
  bool erased = false;
  std::vector<Consent> consents;
  std::vector<Diagnosis> diagnoses;
  std::vector<Candidature> candidatures;
  std::optional<Pass> pass;
  std::vector<Pass> past_passes;
  std::vector<Contract> contracts;
  std::vector<Pmsmp> pmsmps;
  std::vector<Training> trainings;
  std::vector<Exit> exits;
  long followups = 0;
  // Organisations that authored an event or received a candidature (JOURNEY §3).
  std::set<std::string> involved_orgs;

  bool exists() const { return version > 0; }
  const Candidature* candidature(const std::string& id) const;
  Candidature* candidature(const std::string& id);
};

NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(Consent, scope, org, given, date)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(Diagnosis, diagnosis_id, kind, author_kind,
                                                author_org, date, valid_until, criteria, barriers,
                                                recommended_path, superseded, ruleset)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(Candidature, candidature_id, siae_org, sender_org,
                                                sender_kind, sender_habilitated, date, job_title,
                                                state, refusal_reason, hiring_start)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(Suspension, suspension_id, start, end, reason,
                                                by_org)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(Prolongation, prolongation_id, reason, start, end,
                                                status, prescriber_org, requested_by_org,
                                                requested_on)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(Pass, number, start, end, issued_by_candidature,
                                                status, suspensions, prolongations)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(Contract, contract_id, siae_org, type, start, end,
                                                weekly_minutes, status, ended_on)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(Pmsmp, pmsmp_id, host, objective, start, end,
                                                weekly_minutes, status, outcome)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(Training, training_id, kind, title, provider, start,
                                                planned_end, minutes, status, outcome)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(Exit, contract_id, siae_org, date, destination,
                                                presence_days, ruleset)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(JourneyState, journey_id, version, last_hash,
                                                department, opened_by_org, opened_on, identity,
                                                erased, consents, diagnoses, candidatures, pass,
                                                past_passes, contracts, pmsmps, trainings, exits,
                                                followups, involved_orgs)

}  // namespace parcours::domain
