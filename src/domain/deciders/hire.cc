// JOURNEY §3.3: hiring (AcceptCandidature) and its cancellation (CancelHire).
//
// A hire reuses the person's PASS IAE when one is valid or future on the reference day, and
// otherwise issues a new one on the strength of an eligibility diagnosis in force that day.
// The reference day is the earlier of today and hiring_start: a future hire is judged today,
// a back-dated one on its first day.
#include <algorithm>

#include "domain/command_spec.h"
#include "domain/deciders/common.h"
#include "domain/deciders/shared_rules.h"

namespace parcours::domain {

namespace {

struct ContractInput {
  std::string type;
  long weekly_minutes = 0;
};

bool is_pass_number(const std::string& n) {
  return n.size() == 12 &&
         std::all_of(n.begin(), n.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// Contract rules of the guide (seed004:L2364-2468) that depend only on the input.
std::optional<Rejection> check_contract(const Ruleset& r, const std::string& siae_kind,
                                        const ContractInput& in, Date start,
                                        std::optional<Date> end) {
  const ContractTypeRule* type = r.contract_type(in.type);
  // contract.type_not_allowed: ACI, EI -> CDDI; AI -> CDDU or CDDI; ETTI -> MISSION;
  // EITI -> MANDATE (while its experiment lasts); any SIAE -> CDI_INCLUSION.
  if (!type || !r.contract_type_allowed(siae_kind, in.type)) {
    return rule("contract.type_not_allowed", "an " + siae_kind + " may not sign a " + in.type +
                                                 " starting on " + start.str() + " (" + r.id + ")");
  }
  if (type->end == ContractEnd::required && !end) {
    return malformed("field 'hiring_end' is required for a " + in.type);
  }
  if (type->end == ContractEnd::forbidden && end) {
    return malformed("field 'hiring_end' must be absent for a " + in.type);
  }
  if (end) {
    if (auto err = check_contract_period(*type, start, *end, false, std::nullopt)) return err;
  }
  // contract.hours_too_low: a CDDI has at least 20 h a week, except in ACI (seed004:L2377-2380).
  if (type->min_weekly_hours > 0 && !contains(type->min_hours_exempt_siae_kinds, siae_kind) &&
      in.weekly_minutes < type->min_weekly_hours * 60L) {
    return rule("contract.hours_too_low", "a " + in.type + " in an " + siae_kind +
                                              " has at least " +
                                              std::to_string(type->min_weekly_hours) + " h a week");
  }
  // contract.hours_too_high: no contract over 48 h a week.
  if (in.weekly_minutes > r.max_weekly_hours * 60L) {
    return rule("contract.hours_too_high",
                "at most " + std::to_string(r.max_weekly_hours) + " h a week");
  }
  return std::nullopt;
}

}  // namespace

Result<Decision> decide_accept_candidature(const JourneyState& state, const Command& cmd,
                                           const DecisionContext& ctx) {
  FieldReader f(cmd.data);
  const std::string id = f.id("candidature_id");
  const Date hiring_start = f.date("hiring_start");
  const auto hiring_end = f.opt_date("hiring_end");
  ContractInput in;
  if (auto c = f.object("contract")) {
    in.type = c->text("type", 32);
    in.weekly_minutes = read_weekly_minutes(*c);
    if (auto err = c->finish()) return *err;
  }
  const auto job_title = f.opt_text("job_title", kMaxShortText);
  if (auto err = f.finish()) return *err;
  if (!ctx.rules->known_in_any(in.type,
                               [](const Ruleset& r) { return codes_of(r.contract_types); })) {
    return malformed("field 'contract.type' is not a contract type");
  }
  if (hiring_end && *hiring_end < hiring_start) {
    return malformed("field 'hiring_end' is before 'hiring_start'");
  }

  const Ruleset& r = rules_on(ctx, hiring_start);
  auto cand = candidature_for_target(state, id, "accept", r, ctx);
  if (!cand) return cand.rejection();
  const Date reference = std::min(ctx.today, hiring_start);
  // hire.start_too_far (les-emplois): a hire starts at most 6 months after today.
  if (hiring_start > ctx.today.plus_months(r.hire_start_max_months_ahead)) {
    return rule("hire.start_too_far",
                "a hire starts at most " + std::to_string(r.hire_start_max_months_ahead) +
                    " months after today (" +
                    ctx.today.plus_months(r.hire_start_max_months_ahead).str() + ")");
  }
  const std::string& siae_kind = ctx.actor.org->siae_kind;
  if (auto err = check_contract(r, siae_kind, in, hiring_start, hiring_end)) return *err;

  Decision d;
  d.ruleset = r.id;
  nlohmann::json accepted = {{"candidature_id", id},
                             {"siae_org", actor_org(ctx)},
                             {"hiring_start", hiring_start},
                             {"reference_day", reference},
                             {"date", ctx.today}};
  if (hiring_end) accepted["hiring_end"] = *hiring_end;
  std::vector<NewEvent> pass_events;
  std::string number;
  Date pass_start;

  const Pass* p = state.live_pass();
  if (p && reference <= p->end) {
    // Reuse the PASS valid or future on the reference day (les-emplois).
    // hire.after_pass_end: the hire must start while the PASS holds.
    if (hiring_start > p->end) {
      // JOURNEY §6: neither the PASS's number nor its dates.
      return rule("hire.after_pass_end", "the hire starts after the end of the person's PASS IAE");
    }
    number = p->number;
    Date start = p->start;
    Date end = p->end;
    if (hiring_start < p->start) {
      // A future PASS moves back to the hire's first day, keeping its length (les-emplois
      // Approval.update_start_date). It may not reach back into an earlier PASS.
      for (const auto& old : state.past_passes) {
        // hire.overlaps_earlier_pass: two PASS IAE never cover the same day.
        if (!old.cancelled() && hiring_start <= old.end) {
          return rule("hire.overlaps_earlier_pass",
                      "the hire starts while an earlier PASS IAE of the person held");
        }
      }
      end = end.plus_days(hiring_start.days() - start.days());
      start = hiring_start;
    }
    if (const Suspension* s = p->suspension_on(hiring_start)) {
      // A hire during a suspension ends it the day before (les-emplois); the PASS end moves
      // back by the days no longer suspended.
      end = end.plus_days(-days_inclusive(hiring_start, s->end));
      pass_events.push_back({"pass.suspension_ended",
                             {{"suspension_id", s->suspension_id},
                              {"end", hiring_start.plus_days(-1)},
                              {"pass_end", end},
                              {"cause", "hire"}}});
    }
    pass_start = start;
    pass_events.push_back(
        {"pass.reused",
         {{"number", number}, {"candidature_id", id}, {"start", start}, {"end", end}}});
  } else {
    // A new PASS: first the waiting period, then an eligibility diagnosis in force on the
    // reference day, the prescriber's first, else this SIAE's own.
    if (auto err = check_waiting_period(state, reference, r, (*cand)->sender_habilitated)) {
      return *err;
    }
    const Diagnosis* diag = prescriber_diagnosis_on(state, reference);
    if (!diag) diag = siae_diagnosis_on(state, reference, actor_org(ctx));
    // hire.not_eligible: no eligibility diagnosis in force on the reference day.
    if (!diag) {
      return rule("hire.not_eligible",
                  "no prescriber diagnosis, nor one by this SIAE, is valid on " + reference.str());
    }
    number = ctx.next_pass_number;
    const bool reused_number = (state.pass && state.pass->number == number) ||
                               std::any_of(state.past_passes.begin(), state.past_passes.end(),
                                           [&](const Pass& old) { return old.number == number; });
    if (!is_pass_number(number) || reused_number) {
      // A broken invariant of the processor, not a business rule: it must allocate a fresh
      // 12-digit number for every command (command.h).
      return Rejection{"internal.pass_number", "no valid PASS IAE number was allocated", 500};
    }
    pass_start = hiring_start;
    accepted["diagnosis_id"] = diag->diagnosis_id;
    pass_events.push_back({"pass.issued",
                           {{"number", number},
                            {"candidature_id", id},
                            {"siae_org", actor_org(ctx)},
                            {"diagnosis_id", diag->diagnosis_id},
                            {"start", hiring_start},
                            {"end", hiring_start.plus_days(r.pass_length_days - 1)}}});
  }

  if (in.type == r.cdi_inclusion_type) {
    if (!ctx.birth_date) return identity_unavailable("a CDI inclusion");
    const int age = age_on(*ctx.birth_date, hiring_start);
    const Date parcours_ok = pass_start.plus_months(r.cdi_inclusion_min_parcours_months);
    // contract.cdi_inclusion_not_allowed: aged 57 or more, after 12 months of parcours
    // (seed004:L1409-1413, L2429-2435).
    if (age < r.cdi_inclusion_min_age || hiring_start < parcours_ok) {
      // JOURNEY §6: neither the age nor a date derived from the PASS.
      return rule("contract.cdi_inclusion_not_allowed",
                  "a CDI inclusion needs a person aged " + std::to_string(r.cdi_inclusion_min_age) +
                      " or more on the first day, after " +
                      std::to_string(r.cdi_inclusion_min_parcours_months) + " months of parcours");
    }
  }

  accepted["pass_number"] = number;
  if (job_title) accepted["job_title"] = *job_title;
  d.events.push_back({"candidature.accepted", std::move(accepted)});
  for (auto& e : pass_events) d.events.push_back(std::move(e));
  nlohmann::json contract = {{"contract_id", id},
                             {"candidature_id", id},
                             {"siae_org", actor_org(ctx)},
                             {"siae_kind", siae_kind},
                             {"type", in.type},
                             {"start", hiring_start},
                             {"weekly_minutes", in.weekly_minutes},
                             {"pass_number", number}};
  if (hiring_end) contract["end"] = *hiring_end;
  if (job_title) contract["job_title"] = *job_title;
  d.events.push_back({"contract.started", std::move(contract)});
  // Every other pending candidature of the person, at any SIAE, becomes obsolete.
  for (const auto& other : state.candidatures) {
    if (other.candidature_id != id && r.is_pending_candidature_state(other.state)) {
      d.events.push_back({"candidature.obsoleted",
                          {{"candidature_id", other.candidature_id},
                           {"by_candidature", id},
                           {"date", ctx.today}}});
    }
  }
  return d;
}

Result<Decision> decide_cancel_hire(const JourneyState& state, const Command& cmd,
                                    const DecisionContext& ctx) {
  FieldReader f(cmd.data);
  const std::string id = f.id("candidature_id");
  const std::string reason = f.text("reason", kMaxShortText);
  if (auto err = f.finish()) return *err;
  const Ruleset& r = rules_on(ctx, ctx.today);
  auto cand = candidature_for_target(state, id, "cancel_hire", r, ctx);
  if (!cand) return cand.rejection();
  const Contract* contract = state.contract(id);
  const Date last_day =
      contract ? contract->start.plus_days(r.cancel_hire_max_days_after_start) : ctx.today;
  // hire.cancel_too_late: before the contract's first day or within 30 days after it, and
  // never once the contract has ended (JOURNEY §3.3).
  if (!contract || contract->status != "active" || contract->exit_recorded ||
      ctx.today > last_day) {
    return rule("hire.cancel_too_late",
                "a hire may be cancelled until " + last_day.str() + ", while its contract runs");
  }
  Decision d;
  d.ruleset = r.id;
  d.events.push_back(
      {"candidature.hire_cancelled",
       {{"candidature_id", id}, {"contract_id", id}, {"reason", reason}, {"date", ctx.today}}});
  // A PASS issued by this hire and used by no other hire goes with it (les-emplois).
  const Pass* p = state.live_pass();
  if (p && p->issued_by_candidature == id && p->number == contract->pass_number) {
    const bool used_elsewhere =
        std::any_of(state.contracts.begin(), state.contracts.end(), [&](const Contract& c) {
          return c.contract_id != id && c.status != "cancelled" && c.pass_number == p->number;
        });
    if (!used_elsewhere) {
      d.events.push_back({"pass.cancelled",
                          {{"number", p->number},
                           {"candidature_id", id},
                           {"reason", "hire_cancelled"},
                           {"date", ctx.today}}});
    }
  }
  return d;
}

}  // namespace parcours::domain
