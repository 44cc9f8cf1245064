// evolve(state, event): the fold of a journey's events (ARCHITECTURE §6).
//
// One applier per event type; unknown types only advance the version. An applier reads only
// the event (its data, actor_org, ruleset): never the clock, the registry or the ruleset
// book, so a replay of old events gives the state of their time. Appliers trust the data
// (every event was validated against its schema when decided) but never crash on a reference
// to something missing: they skip it.
#include <algorithm>
#include <string_view>
#include <unordered_map>

#include "domain/decide.h"
#include "domain/free_text.h"
#include "domain/json_types.h"

namespace parcours::domain {

namespace {

using Applier = void (*)(JourneyState&, const RecordedEvent&);
using nlohmann::json;

std::string str(const json& d, const char* k) {
  return d.at(k).get<std::string>();
}
Date date(const json& d, const char* k) {
  return d.at(k).get<Date>();
}
std::optional<Date> opt_date(const json& d, const char* k) {
  return d.contains(k) && !d[k].is_null() ? std::optional(d[k].get<Date>()) : std::nullopt;
}

Pass* pass_numbered(JourneyState& s, const json& d) {
  if (!s.pass) return nullptr;
  if (d.contains("number") && d["number"].get<std::string>() != s.pass->number) return nullptr;
  return &*s.pass;
}

// --- §3.1 -------------------------------------------------------------------------------------
void opened(JourneyState& s, const RecordedEvent& e) {
  s.journey_id = e.subject;
  s.department = str(e.data, "department");
  s.opened_on = date(e.data, "opened_on");
  s.opened_by_org = e.actor_org;
  s.identity = e.data.at("identity");
  if (!e.actor_org.empty()) s.involved_orgs.insert(e.actor_org);
}

// JOURNEY §6: only opening, joining, receiving a candidature or being named the prescriber of
// a prolongation request make an organisation involved.
void joined(JourneyState& s, const RecordedEvent& e) {
  s.involved_orgs.insert(str(e.data, "org"));
}

void identity_erased(JourneyState& s, const RecordedEvent&) {
  s.identity = nullptr;
  s.erased = true;
  s.sealed_texts.clear();  // sealed with the key the erasure destroys: noise from now on
}

void consent(JourneyState& s, const RecordedEvent& e) {
  s.consents.push_back(
      {str(e.data, "scope"), str(e.data, "org"), e.type == "consent.given", date(e.data, "date")});
}

// --- §3.2 -------------------------------------------------------------------------------------
void accompaniment_recorded(JourneyState& s, const RecordedEvent& e) {
  Diagnosis d;
  d.diagnosis_id = str(e.data, "diagnosis_id");
  d.kind = "accompaniment";
  d.author_kind = str(e.data, "author_kind");
  d.author_org = str(e.data, "author_org");
  d.date = date(e.data, "date");
  d.barriers = e.data.at("barriers").get<std::vector<std::string>>();
  d.recommended_path = str(e.data, "recommended_path");
  d.ruleset = e.ruleset;
  s.diagnoses.push_back(std::move(d));
}

void eligibility_diagnosed(JourneyState& s, const RecordedEvent& e) {
  Diagnosis d;
  d.diagnosis_id = str(e.data, "diagnosis_id");
  d.kind = "eligibility";
  d.author_kind = str(e.data, "author_kind");
  d.author_org = str(e.data, "author_org");
  d.date = date(e.data, "date");
  d.valid_until = date(e.data, "valid_until");
  d.criteria = e.data.at("criteria").get<std::vector<std::string>>();
  d.ruleset = e.ruleset;
  s.diagnoses.push_back(std::move(d));
}

void eligibility_superseded(JourneyState& s, const RecordedEvent& e) {
  const std::string id = str(e.data, "diagnosis_id");
  for (auto& d : s.diagnoses) {
    if (d.diagnosis_id != id) continue;
    d.superseded = true;
    d.superseded_by = str(e.data, "superseded_by");
    d.superseded_on = date(e.data, "superseded_on");
  }
}

// --- §3.3 -------------------------------------------------------------------------------------
void candidature_submitted(JourneyState& s, const RecordedEvent& e) {
  Candidature c;
  c.candidature_id = str(e.data, "candidature_id");
  c.siae_org = str(e.data, "siae_org");
  c.sender_org = str(e.data, "sender_org");
  c.sender_kind = str(e.data, "sender_kind");
  c.sender_habilitated = e.data.value("sender_habilitated", false);
  c.date = date(e.data, "date");
  c.state_since = c.date;
  c.job_title = e.data.value("job_title", "");
  s.involved_orgs.insert(c.siae_org);
  s.candidatures.push_back(std::move(c));
}

// A candidature moves to `state` on the event's date.
void move_candidature(JourneyState& s, const RecordedEvent& e, const char* state) {
  if (Candidature* c = s.candidature(str(e.data, "candidature_id"))) {
    c->state = state;
    c->state_since = date(e.data, "date");
  }
}

void processing_started(JourneyState& s, const RecordedEvent& e) {
  move_candidature(s, e, "processing");
}
void postponed(JourneyState& s, const RecordedEvent& e) {
  move_candidature(s, e, "postponed");
}
void obsoleted(JourneyState& s, const RecordedEvent& e) {
  move_candidature(s, e, "obsolete");
}
void refused(JourneyState& s, const RecordedEvent& e) {
  move_candidature(s, e, "refused");
  if (Candidature* c = s.candidature(str(e.data, "candidature_id"))) {
    c->refusal_reason = str(e.data, "reason");
  }
}

void accepted(JourneyState& s, const RecordedEvent& e) {
  move_candidature(s, e, "accepted");
  if (Candidature* c = s.candidature(str(e.data, "candidature_id"))) {
    c->refusal_reason.reset();
    c->hiring_start = date(e.data, "hiring_start");
    c->hiring_end = opt_date(e.data, "hiring_end");
    if (e.data.contains("job_title")) c->job_title = str(e.data, "job_title");
  }
}

void hire_cancelled(JourneyState& s, const RecordedEvent& e) {
  move_candidature(s, e, "cancelled");
  if (Contract* c = s.contract(str(e.data, "contract_id"))) c->status = "cancelled";
}

// --- PASS IAE (§3.3-§3.4) ---------------------------------------------------------------------
void pass_issued(JourneyState& s, const RecordedEvent& e) {
  if (s.pass) s.past_passes.push_back(std::move(*s.pass));
  Pass p;
  p.number = str(e.data, "number");
  p.start = date(e.data, "start");
  p.end = date(e.data, "end");
  p.issued_by_candidature = str(e.data, "candidature_id");
  p.diagnosis_id = str(e.data, "diagnosis_id");
  p.siae_org = str(e.data, "siae_org");
  s.pass = std::move(p);
}

void pass_reused(JourneyState& s, const RecordedEvent& e) {
  if (Pass* p = pass_numbered(s, e.data)) {
    p->start = date(e.data, "start");
    p->end = date(e.data, "end");
  }
}

// The PASS leaves the journey's current slot; the latest earlier PASS, if any, takes it back.
void pass_cancelled(JourneyState& s, const RecordedEvent& e) {
  if (!pass_numbered(s, e.data)) return;
  s.pass->status = "cancelled";
  s.past_passes.push_back(std::move(*s.pass));
  s.pass.reset();
  auto latest = s.past_passes.end();
  for (auto it = s.past_passes.begin(); it != s.past_passes.end(); ++it) {
    if (!it->cancelled() && (latest == s.past_passes.end() || latest->end < it->end)) latest = it;
  }
  if (latest != s.past_passes.end()) {
    s.pass = std::move(*latest);
    s.past_passes.erase(latest);
  }
}

void pass_suspended(JourneyState& s, const RecordedEvent& e) {
  if (Pass* p = pass_numbered(s, e.data)) {
    p->suspensions.push_back({str(e.data, "suspension_id"), date(e.data, "start"),
                              date(e.data, "end"), str(e.data, "reason"), e.actor_org});
    p->end = date(e.data, "pass_end");
  }
}

// A suspension ended before its first day (a hire on that day) never took effect: it goes.
void pass_suspension_ended(JourneyState& s, const RecordedEvent& e) {
  if (!s.pass) return;
  const std::string id = str(e.data, "suspension_id");
  auto& list = s.pass->suspensions;
  for (auto it = list.begin(); it != list.end(); ++it) {
    if (it->suspension_id != id) continue;
    it->end = date(e.data, "end");
    if (it->end < it->start) list.erase(it);
    break;
  }
  s.pass->end = date(e.data, "pass_end");
}

Prolongation prolongation_of(const RecordedEvent& e, const char* status) {
  Prolongation p;
  p.prolongation_id = str(e.data, "prolongation_id");
  p.reason = str(e.data, "reason");
  p.start = date(e.data, "start");
  p.end = date(e.data, "end");
  p.days = e.data.at("days").get<long>();
  p.status = status;
  p.requested_by_org = e.actor_org;
  return p;
}

void prolongation_requested(JourneyState& s, const RecordedEvent& e) {
  if (Pass* p = pass_numbered(s, e.data)) {
    Prolongation pr = prolongation_of(e, "pending");
    pr.prescriber_org = str(e.data, "prescriber_org");
    pr.requested_on = date(e.data, "requested_on");
    s.involved_orgs.insert(pr.prescriber_org);
    p->prolongations.push_back(std::move(pr));
  }
}

void prolonged(JourneyState& s, const RecordedEvent& e) {
  Pass* p = pass_numbered(s, e.data);
  if (!p) return;
  const bool declared = str(e.data, "decided_by") == "siae";
  Prolongation* pr = p->prolongation(str(e.data, "prolongation_id"));
  if (!pr) {
    p->prolongations.push_back(prolongation_of(e, declared ? "declared" : "granted"));
    pr = &p->prolongations.back();
    pr->requested_on = date(e.data, "date");
  }
  pr->status = declared ? "declared" : "granted";
  pr->start = date(e.data, "start");
  pr->end = date(e.data, "end");
  pr->days = e.data.at("days").get<long>();
  pr->decided_on = date(e.data, "date");
  p->end = pr->end;
}

void prolongation_denied(JourneyState& s, const RecordedEvent& e) {
  if (!s.pass) return;
  if (Prolongation* pr = s.pass->prolongation(str(e.data, "prolongation_id"))) {
    pr->status = "denied";
    pr->deny_reason = str(e.data, "deny_reason");
    pr->decided_on = date(e.data, "date");
  }
}

void prolongation_reminder(JourneyState& s, const RecordedEvent& e) {
  if (!s.pass) return;
  if (Prolongation* pr = s.pass->prolongation(str(e.data, "prolongation_id"))) {
    pr->reminders_sent = std::max(pr->reminders_sent, e.data.at("days_pending").get<int>());
  }
}

// --- §3.5 contracts ---------------------------------------------------------------------------
void contract_started(JourneyState& s, const RecordedEvent& e) {
  Contract c;
  c.contract_id = str(e.data, "contract_id");
  c.candidature_id = str(e.data, "candidature_id");
  c.siae_org = str(e.data, "siae_org");
  c.siae_kind = str(e.data, "siae_kind");
  c.type = str(e.data, "type");
  c.start = date(e.data, "start");
  c.end = opt_date(e.data, "end");
  c.weekly_minutes = e.data.at("weekly_minutes").get<long>();
  c.pass_number = e.data.value("pass_number", "");
  c.job_title = e.data.value("job_title", "");
  // A candidature accepted again after a cancelled hire gets its contract back, anew.
  if (Contract* old = s.contract(c.contract_id)) {
    *old = std::move(c);
  } else {
    s.contracts.push_back(std::move(c));
  }
}

void contract_renewed(JourneyState& s, const RecordedEvent& e) {
  if (Contract* c = s.contract(str(e.data, "contract_id"))) c->end = date(e.data, "end");
}

void contract_suspended(JourneyState& s, const RecordedEvent& e) {
  if (Contract* c = s.contract(str(e.data, "contract_id"))) {
    c->suspensions.push_back({date(e.data, "start"), date(e.data, "end"), str(e.data, "reason")});
  }
}

void contract_ended(JourneyState& s, const RecordedEvent& e) {
  if (Contract* c = s.contract(str(e.data, "contract_id"))) {
    c->status = "ended";
    c->ended_on = date(e.data, "date");
    // Sealed free text since JOURNEY §6 (kept in sealed_texts); a clear one in older logs.
    if (e.data.contains("reason") && e.data["reason"].is_string()) {
      c->end_reason = str(e.data, "reason");
    }
  }
}

// --- §3.6-§3.8 --------------------------------------------------------------------------------
void pmsmp_started(JourneyState& s, const RecordedEvent& e) {
  Pmsmp p;
  p.pmsmp_id = str(e.data, "pmsmp_id");
  p.host = e.data.at("host");
  p.objective = str(e.data, "objective");
  p.start = date(e.data, "start");
  p.end = date(e.data, "end");
  p.weekly_minutes = e.data.at("weekly_minutes").get<long>();
  p.started_by_org = e.actor_org;
  s.pmsmps.push_back(std::move(p));
}

void pmsmp_ended(JourneyState& s, const RecordedEvent& e) {
  const std::string id = str(e.data, "pmsmp_id");
  for (auto& p : s.pmsmps) {
    if (p.pmsmp_id != id) continue;
    p.status = "ended";
    p.ended_on = date(e.data, "date");
    p.outcome = str(e.data, "outcome");
    p.ended_with_job = e.data.value("ended_with_job", json());
  }
}

void training_started(JourneyState& s, const RecordedEvent& e) {
  Training t;
  t.training_id = str(e.data, "training_id");
  t.kind = str(e.data, "kind");
  t.title = str(e.data, "title");
  t.provider = str(e.data, "provider");
  t.start = date(e.data, "start");
  t.planned_end = date(e.data, "planned_end");
  t.minutes = e.data.at("minutes").get<long>();
  t.started_by_org = e.actor_org;
  s.trainings.push_back(std::move(t));
}

void training_ended(JourneyState& s, const RecordedEvent& e) {
  const std::string id = str(e.data, "training_id");
  for (auto& t : s.trainings) {
    if (t.training_id != id) continue;
    t.status = "ended";
    t.ended_on = date(e.data, "date");
    t.outcome = str(e.data, "outcome");
    if (e.data.contains("certification")) t.certification = str(e.data, "certification");
  }
}

void exit_recorded(JourneyState& s, const RecordedEvent& e) {
  Exit x;
  x.contract_id = str(e.data, "contract_id");
  x.siae_org = str(e.data, "siae_org");
  x.date = date(e.data, "date");
  x.contract_start = date(e.data, "contract_start");
  x.destination = e.data.at("destination");
  x.presence_days = e.data.at("presence_days").get<long>();
  x.ruleset = e.ruleset;
  if (Contract* c = s.contract(x.contract_id)) c->exit_recorded = true;
  s.exits.push_back(std::move(x));
}

void followup_recorded(JourneyState& s, const RecordedEvent&) {
  ++s.followups;
}

const std::unordered_map<std::string_view, Applier>& appliers() {
  static const std::unordered_map<std::string_view, Applier> table = {
      {"journey.opened", opened},
      {"journey.joined", joined},
      {"journey.identity_erased", identity_erased},
      {"consent.given", consent},
      {"consent.withdrawn", consent},
      {"diagnosis.accompaniment_recorded", accompaniment_recorded},
      {"eligibility.diagnosed", eligibility_diagnosed},
      {"eligibility.superseded", eligibility_superseded},
      {"candidature.submitted", candidature_submitted},
      {"candidature.processing_started", processing_started},
      {"candidature.postponed", postponed},
      {"candidature.refused", refused},
      {"candidature.accepted", accepted},
      {"candidature.obsoleted", obsoleted},
      {"candidature.hire_cancelled", hire_cancelled},
      {"pass.issued", pass_issued},
      {"pass.reused", pass_reused},
      {"pass.cancelled", pass_cancelled},
      {"pass.suspended", pass_suspended},
      {"pass.suspension_ended", pass_suspension_ended},
      {"pass.prolongation_requested", prolongation_requested},
      {"pass.prolonged", prolonged},
      {"pass.prolongation_denied", prolongation_denied},
      {"pass.prolongation_reminder", prolongation_reminder},
      {"contract.started", contract_started},
      {"contract.renewed", contract_renewed},
      {"contract.suspended", contract_suspended},
      {"contract.ended", contract_ended},
      {"pmsmp.started", pmsmp_started},
      {"pmsmp.ended", pmsmp_ended},
      {"training.started", training_started},
      {"training.ended", training_ended},
      {"exit.recorded", exit_recorded},
      {"followup.recorded", followup_recorded},
  };
  return table;
}

// Keeps the event's sealed free text where the read models find it (free_text.h).
void keep_sealed_texts(JourneyState& s, const RecordedEvent& e) {
  for (const EventFreeText* t : free_text_fields_of_event(e.type)) {
    if (t->part == "journey" || !e.data.contains(t->field)) continue;
    const auto& id = e.data.find(t->id_field);
    if (id == e.data.end() || !id->is_string()) continue;
    s.sealed_texts[sealed_text_key(t->part, id->get_ref<const std::string&>(), t->name)] =
        e.data.at(std::string(t->field));
  }
}

}  // namespace

void evolve(JourneyState& state, const RecordedEvent& event) {
  auto it = appliers().find(event.type);
  if (it != appliers().end()) it->second(state, event);
  keep_sealed_texts(state, event);
  state.version = event.seq;
  state.last_hash = event.hash;
}

}  // namespace parcours::domain
