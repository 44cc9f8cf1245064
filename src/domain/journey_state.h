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
  // Eligibility: the diagnosis that replaced this one and its date; a superseded diagnosis
  // still counts for days before `superseded_on` (back-dated hires).
  std::string superseded_by;
  std::optional<Date> superseded_on;

  // Is this eligibility diagnosis in force on `day` (valid, and not yet superseded)?
  bool in_force_on(Date day) const;
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
  // The day the candidature entered its current state (submission date for `new`, the intake
  // day of the last transition otherwise); the 60-day deadline of §3.9 counts from it.
  Date state_since;
  std::optional<Date> hiring_end;
};

struct Suspension {
  std::string suspension_id;
  Date start;
  Date end;
  std::string reason;
  std::string by_org;
};

// A prolongation's length is counted as les-emplois does: it starts on the PASS end it
// extends and lasts `end - start` days, so its `start` is the last day of the PASS before it.
struct Prolongation {
  std::string prolongation_id;
  std::string reason;
  Date start;
  Date end;
  std::string status;  // pending | granted | denied | declared
  std::string prescriber_org;
  std::string requested_by_org;
  Date requested_on;
  long days = 0;           // end - start
  int reminders_sent = 0;  // highest §3.9 reminder threshold already raised (days pending)
  std::optional<Date> decided_on;
  std::optional<std::string> deny_reason;

  // Counts towards the caps: granted or declared.
  bool counts() const { return status == "granted" || status == "declared"; }
};

struct Pass {
  std::string number;
  Date start;
  Date end;
  std::string issued_by_candidature;
  std::string status = "valid";  // valid | cancelled | expired (derived on read for expiry)
  std::vector<Suspension> suspensions;
  std::vector<Prolongation> prolongations;
  std::string diagnosis_id;  // the diagnosis that justified the issue
  std::string siae_org;      // the SIAE of the hire that issued it

  bool cancelled() const { return status == "cancelled"; }
  // Not cancelled and start <= day <= end.
  bool valid_on(Date day) const { return !cancelled() && start <= day && day <= end; }
  // The suspension covering `day`, or nullptr.
  const Suspension* suspension_on(Date day) const;
  const Prolongation* pending_prolongation() const;
  Prolongation* prolongation(const std::string& id);
  const Prolongation* prolongation(const std::string& id) const;
  const Suspension* suspension(const std::string& id) const;
  bool was_prolonged() const;
};

struct ContractSuspension {
  Date start;
  Date end;
  std::string reason;  // health | return_to_work | training | immersion
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
  std::string candidature_id;  // the accepted candidature (= contract_id)
  std::string siae_kind;       // of siae_org, from the registry when the hire was decided
  std::string pass_number;     // the PASS the hire used ("" if none)
  std::string job_title;
  std::optional<std::string> end_reason;
  std::vector<ContractSuspension> suspensions;
  bool exit_recorded = false;

  // Not cancelled, started on or before `day`, not ended (or planned to end) before it.
  bool active_on(Date day) const;
  // The last day of work: the actual end if ended, else the planned end (nullopt: open-ended).
  std::optional<Date> last_day() const;
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
  std::string started_by_org;
  std::optional<Date> ended_on;
  nlohmann::json ended_with_job;  // {contract_type} or null
};

struct Training {
  std::string training_id;
  std::string kind;
  std::string title;
  std::string provider;
  Date start;
  Date planned_end;
  long minutes = 0;
  std::string status = "ongoing";  // ongoing | ended
  std::optional<std::string> outcome;
  std::string started_by_org;
  std::optional<Date> ended_on;
  std::optional<std::string> certification;
};

struct Exit {
  std::string contract_id;
  std::string siae_org;
  Date date;
  nlohmann::json destination;
  long presence_days = 0;
  std::string ruleset;
  Date contract_start;
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
  // Organisations involved (JOURNEY §6): opened, joined, received a candidature, or named as
  // the prescriber of a prolongation request.
  std::set<std::string> involved_orgs;
  // Free text of the journey's events, still sealed with its data key (free_text.h), by
  // "<part>/<id>/<name>", e.g. "followup/f1/notes". Dropped by the erasure.
  std::map<std::string, nlohmann::json> sealed_texts;

  bool exists() const { return version > 0; }
  const Candidature* candidature(const std::string& id) const;
  Candidature* candidature(const std::string& id);
  const Diagnosis* diagnosis(const std::string& id) const;
  const Contract* contract(const std::string& id) const;
  Contract* contract(const std::string& id);
  const Pmsmp* pmsmp(const std::string& id) const;
  const Training* training(const std::string& id) const;
  const Exit* exit_of(const std::string& contract_id) const;
  // The current PASS if it is not cancelled (the latest one the person holds), else nullptr.
  const Pass* live_pass() const;
  // The last day of the latest non-cancelled PASS, current or past.
  std::optional<Date> last_pass_end() const;
};

// Each struct's serialised fields, listed once. Its JSON form (to_json and from_json, below) and
// the direct writer of state_json.cc both expand the same list, so a field added here is
// stored, read back and written by both; state_json_test checks the two give the same bytes.
#define PARCOURS_FIELDS_CONSENT scope, org, given, date
#define PARCOURS_FIELDS_DIAGNOSIS                                                     \
  diagnosis_id, kind, author_kind, author_org, date, valid_until, criteria, barriers, \
      recommended_path, superseded, ruleset, superseded_by, superseded_on
#define PARCOURS_FIELDS_CANDIDATURE                                                              \
  candidature_id, siae_org, sender_org, sender_kind, sender_habilitated, date, job_title, state, \
      refusal_reason, hiring_start, state_since, hiring_end
#define PARCOURS_FIELDS_SUSPENSION suspension_id, start, end, reason, by_org
#define PARCOURS_FIELDS_PROLONGATION                                                           \
  prolongation_id, reason, start, end, status, prescriber_org, requested_by_org, requested_on, \
      days, reminders_sent, decided_on, deny_reason
#define PARCOURS_FIELDS_PASS                                                                   \
  number, start, end, issued_by_candidature, status, suspensions, prolongations, diagnosis_id, \
      siae_org
#define PARCOURS_FIELDS_CONTRACT_SUSPENSION start, end, reason
#define PARCOURS_FIELDS_CONTRACT                                                             \
  contract_id, siae_org, type, start, end, weekly_minutes, status, ended_on, candidature_id, \
      siae_kind, pass_number, job_title, end_reason, suspensions, exit_recorded
#define PARCOURS_FIELDS_PMSMP                                                             \
  pmsmp_id, host, objective, start, end, weekly_minutes, status, outcome, started_by_org, \
      ended_on, ended_with_job
#define PARCOURS_FIELDS_TRAINING                                                    \
  training_id, kind, title, provider, start, planned_end, minutes, status, outcome, \
      started_by_org, ended_on, certification
#define PARCOURS_FIELDS_EXIT \
  contract_id, siae_org, date, destination, presence_days, ruleset, contract_start
#define PARCOURS_FIELDS_JOURNEY_STATE                                                            \
  journey_id, version, last_hash, department, opened_by_org, opened_on, identity, erased,        \
      consents, diagnoses, candidatures, pass, past_passes, contracts, pmsmps, trainings, exits, \
      followups, involved_orgs, sealed_texts

NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(Consent, PARCOURS_FIELDS_CONSENT)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(Diagnosis, PARCOURS_FIELDS_DIAGNOSIS)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(Candidature, PARCOURS_FIELDS_CANDIDATURE)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(Suspension, PARCOURS_FIELDS_SUSPENSION)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(Prolongation, PARCOURS_FIELDS_PROLONGATION)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(Pass, PARCOURS_FIELDS_PASS)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(ContractSuspension,
                                                PARCOURS_FIELDS_CONTRACT_SUSPENSION)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(Contract, PARCOURS_FIELDS_CONTRACT)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(Pmsmp, PARCOURS_FIELDS_PMSMP)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(Training, PARCOURS_FIELDS_TRAINING)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(Exit, PARCOURS_FIELDS_EXIT)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(JourneyState, PARCOURS_FIELDS_JOURNEY_STATE)

}  // namespace parcours::domain
