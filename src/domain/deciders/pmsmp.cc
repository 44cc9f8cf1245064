// JOURNEY §3.6: PMSMP, periods of professional immersion (seed001 §2.3, seed004:L120-121,
// L2381). A prescriber or an SIAE other than an ETTI sets one up; an orienteur may not.
#include <algorithm>

#include "domain/command_spec.h"
#include "domain/deciders/common.h"

namespace parcours::domain {

namespace {

// The days a PMSMP takes: planned, or up to its actual end.
std::int32_t pmsmp_days(const Pmsmp& p) {
  return days_inclusive(p.start, p.ended_on ? std::min(p.end, *p.ended_on) : p.end);
}

bool is_siret(const std::string& s) {
  return s.size() == 14 &&
         std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

Result<Decision> decide_start_pmsmp(const JourneyState& state, const Command& cmd,
                                    const DecisionContext& ctx) {
  FieldReader f(cmd.data);
  const std::string id = f.id("pmsmp_id");
  std::string siret;
  std::string host_name;
  if (auto h = f.object("host")) {
    siret = h->text("siret", 14);
    host_name = h->text("name", kMaxShortText);
    if (auto err = h->finish()) return *err;
  }
  const std::string objective =
      f.one_of("objective", {"discover", "confirm_project", "start_recruitment"});
  const Date start = f.date("start");
  const Date end = f.date("end");
  const long weekly_minutes = read_weekly_minutes(f);
  const auto tutor = f.opt_text("tutor", kMaxShortText);
  if (auto err = f.finish()) return *err;
  if (!is_siret(siret)) return malformed("field 'host.siret' must be 14 digits");
  if (end < start) return malformed("field 'end' is before 'start'");

  const Ruleset& r = rules_on(ctx, start);
  if (actor_is(ctx, OrgKind::siae) &&
      contains(r.pmsmp_forbidden_siae_kinds, ctx.actor.org->siae_kind)) {
    return forbidden("an " + ctx.actor.org->siae_kind + " may not set up a PMSMP");
  }
  if (state.pmsmp(id)) return id_taken("PMSMP", id);
  const std::int32_t days = days_inclusive(start, end);
  // pmsmp.too_long: at most 30 calendar days (Code du travail D5135-3).
  if (days > r.pmsmp_max_days) {
    return rule("pmsmp.too_long", "a PMSMP lasts at most " + std::to_string(r.pmsmp_max_days) +
                                      " days (until " +
                                      start.plus_days(r.pmsmp_max_days - 1).str() + ")");
  }
  // pmsmp.hours_too_high: at most 48 h a week.
  if (weekly_minutes > r.pmsmp_max_weekly_hours * 60L) {
    return rule("pmsmp.hours_too_high",
                "at most " + std::to_string(r.pmsmp_max_weekly_hours) + " h a week");
  }
  for (const auto& other : state.pmsmps) {
    const Date other_end = other.ended_on ? std::min(other.end, *other.ended_on) : other.end;
    // pmsmp.overlap: one immersion at a time.
    if (other.start <= end && start <= other_end) {
      return rule("pmsmp.overlap", "PMSMP '" + other.pmsmp_id + "' runs " + other.start.str() +
                                       ".." + other_end.str());
    }
  }
  // For an employee, the PMSMP days within a contract stay within 25 % of the contract's
  // planned length (JOURNEY §3.6, *verify*). An open-ended contract has no such cap.
  const Contract* employer = nullptr;
  for (const auto& c : state.contracts) {
    if (c.active_on(start)) employer = &c;
  }
  nlohmann::json data = {{"pmsmp_id", id},
                         {"host", {{"siret", siret}, {"name", host_name}}},
                         {"objective", objective},
                         {"start", start},
                         {"end", end},
                         {"weekly_minutes", weekly_minutes}};
  if (employer && employer->end) {
    const std::int32_t planned = days_inclusive(employer->start, *employer->end);
    std::int64_t used = days;
    for (const auto& other : state.pmsmps) {
      if (employer->start <= other.start && other.start <= *employer->end)
        used += pmsmp_days(other);
    }
    // pmsmp.cumulative_cap
    if (used * 100 > static_cast<std::int64_t>(planned) * r.pmsmp_cumulative_cap_percent) {
      return rule("pmsmp.cumulative_cap",
                  "PMSMP days within contract '" + employer->contract_id + "' would reach " +
                      std::to_string(used) + " of " + std::to_string(planned) + " (max " +
                      std::to_string(r.pmsmp_cumulative_cap_percent) + " %)");
    }
    data["contract_id"] = employer->contract_id;
  }
  if (tutor) data["tutor"] = *tutor;
  return single(ctx, start, "pmsmp.started", std::move(data));
}

Result<Decision> decide_end_pmsmp(const JourneyState& state, const Command& cmd,
                                  const DecisionContext& ctx) {
  FieldReader f(cmd.data);
  const std::string id = f.id("pmsmp_id");
  const Date date = f.date("date");
  const std::string outcome =
      f.one_of("outcome", {"completed", "partially_completed", "did_not_show"});
  std::optional<std::string> job_type;
  if (auto j = f.object("ended_with_job", false)) {
    job_type =
        j->one_of("contract_type", {"cdi", "cdd", "interim", "apprenticeship",
                                    "professionalisation", "aided_contract", "siae", "other"});
    if (auto err = j->finish()) return *err;
  }
  if (auto err = f.finish()) return *err;

  const Pmsmp* p = state.pmsmp(id);
  if (!p) return not_found("no PMSMP '" + id + "' in this journey");
  if (p->started_by_org != actor_org(ctx)) {
    return forbidden("only the organisation that set up the PMSMP may end it");
  }
  // pmsmp.already_ended
  if (p->status == "ended") return rule("pmsmp.already_ended", "the PMSMP has ended");
  if (auto err = not_in_future(date, "date", ctx)) return *err;
  // pmsmp.end_invalid: it ends within its planned period.
  if (date < p->start || p->end < date) {
    return rule("pmsmp.end_invalid", "the PMSMP runs " + p->start.str() + ".." + p->end.str());
  }
  nlohmann::json data = {{"pmsmp_id", id}, {"date", date}, {"outcome", outcome}};
  if (job_type) data["ended_with_job"] = {{"contract_type", *job_type}};
  return single(ctx, date, "pmsmp.ended", std::move(data));
}

}  // namespace parcours::domain
