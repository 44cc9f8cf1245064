#include "cli/journey_generator.h"

#include <chrono>
#include <cstdio>
#include <stdexcept>

#include "common/clock.h"
#include "domain/decide.h"
#include "domain/ruleset.h"
#include "events/envelope.h"

namespace parcours::cli {

namespace {

using domain::Date;

std::string day(int delta) {
  return Date::utc_date_of(std::chrono::system_clock::now()).plus_days(delta).str();
}

void org(domain::OrgMap& orgs, const std::string& id, domain::OrgKind kind,
         const std::string& sub_kind) {
  auto& o = orgs.upsert(id);
  o.id = id;
  o.name = id;
  o.kind = kind;
  o.department = "74";
  if (kind == domain::OrgKind::prescriber) o.prescriber_kind = sub_kind;
  if (kind == domain::OrgKind::siae) o.siae_kind = sub_kind;
}

}  // namespace

JourneyGenerator::JourneyGenerator() {
  domain::OrgMap orgs;
  org(orgs, "ft-bench", domain::OrgKind::prescriber, "FT");
  org(orgs, "ei-bench-a", domain::OrgKind::siae, "EI");
  org(orgs, "ei-bench-b", domain::OrgKind::siae, "EI");
  identity_ = {{"first_name", "Camille"}, {"last_name", "Bench"}, {"birth_date", "1990-04-02"}};
  const std::string hire = day(-400);
  const std::string before = day(-410);
  const std::vector<std::pair<std::string, std::pair<std::string, nlohmann::json>>> steps = {
      {"ft-bench", {"OpenJourney", {{"person", identity_}, {"department", "74"}}}},
      {"ft-bench",
       {"RecordAccompanimentDiagnosis",
        {{"diagnosis_id", "a1"},
         {"date", before},
         {"barriers", {"mobility", "housing"}},
         {"recommended_path", "iae"}}}},
      {"ft-bench",
       {"MakeEligibilityDiagnosis",
        {{"diagnosis_id", "e1"}, {"date", before}, {"criteria", {"RSA", "QPV"}}}}},
      {"ft-bench",
       {"SubmitCandidature",
        {{"candidature_id", "c1"}, {"siae_org", "ei-bench-a"}, {"date", before}}}},
      {"ft-bench",
       {"SubmitCandidature",
        {{"candidature_id", "c2"}, {"siae_org", "ei-bench-b"}, {"date", before}}}},
      {"ei-bench-a",
       {"RefuseCandidature",
        {{"candidature_id", "c1"}, {"reason", "no_position"}, {"shared_with_job_seeker", true}}}},
      {"ei-bench-b",
       {"AcceptCandidature",
        {{"candidature_id", "c2"},
         {"hiring_start", hire},
         {"hiring_end", Date::parse(hire)->plus_months(20).str()},
         {"contract", {{"type", "CDDI"}, {"weekly_hours", 26}}}}}},
      {"ei-bench-b",
       {"StartPmsmp",
        {{"pmsmp_id", "m1"},
         {"host", {{"siret", "73282932000074"}, {"name", "Boulangerie"}}},
         {"objective", "discover"},
         {"start", day(-30)},
         {"end", day(-26)},
         {"weekly_hours", 35}}}},
      {"ei-bench-b",
       {"EndPmsmp", {{"pmsmp_id", "m1"}, {"date", day(-26)}, {"outcome", "completed"}}}},
      {"ei-bench-b",
       {"StartTraining",
        {{"training_id", "t1"},
         {"kind", "qualifying"},
         {"title", "CACES"},
         {"provider", "AFPA"},
         {"start", day(-60)},
         {"planned_end", day(-10)},
         {"hours", 120}}}},
      {"ei-bench-b",
       {"EndTraining", {{"training_id", "t1"}, {"date", day(-10)}, {"outcome", "completed"}}}},
      {"ft-bench",
       {"RecordConsent",
        {{"scope", "share_identity"}, {"org", "ei-bench-b"}, {"given", true}, {"date", day(-9)}}}},
      {"ei-bench-b",
       {"RecordFollowUp",
        {{"followup_id", "f1"},
         {"date", day(-8)},
         {"kind", "interview"},
         {"notes", "point d'étape"}}}},
      {"ft-bench",
       {"RecordFollowUp",
        {{"followup_id", "f2"}, {"date", day(-5)}, {"kind", "tripartite_meeting"}}}},
      {"ei-bench-b",
       {"RecordExit",
        {{"contract_id", "c2"},
         {"date", day(-2)},
         {"destination", {{"kind", "cdd"}, {"contract_months", 8}}}}}},
  };
  domain::JourneyState s;
  long n = 0;
  for (const auto& [actor, step] : steps) {
    domain::DecisionContext ctx;
    ctx.actor.user = "bench@" + actor;
    ctx.actor.org_id = actor;
    ctx.actor.org = orgs.find(actor);
    ctx.today = Date::utc_date_of(std::chrono::system_clock::now());
    ctx.intake_time = common::now_rfc3339();
    ctx.orgs = &orgs;
    ctx.rules = &domain::RulesetBook::standard();
    ctx.birth_date = Date::from_ymd(1990, 4, 2);
    ctx.next_pass_number = "980000000000";
    domain::Command cmd{step.first, step.second, "step-" + std::to_string(++n), "template",
                        std::nullopt};
    auto r = domain::decide(s, cmd, ctx);
    if (!r.ok()) {
      throw std::runtime_error("template journey: " + step.first +
                               " refused: " + r.rejection().code + " " + r.rejection().detail);
    }
    for (const auto& ev : r->events) {
      domain::RecordedEvent rec;
      rec.type = ev.type;
      rec.subject = "template";
      rec.seq = s.version + 1;
      rec.command_id = cmd.command_id;
      rec.actor = ctx.actor.user;
      rec.actor_org = actor;
      rec.ruleset = r->ruleset;
      rec.data = ev.data;
      rec.hash = "0";
      domain::evolve(s, rec);
      template_.push_back(rec);
    }
  }
}

void JourneyGenerator::journey(long n, const crypto::MasterKeyRing& ring, std::vector<Record>& out,
                               int extra_followups) const {
  const std::string id = "bench-" + std::to_string(n);
  char number[16];
  std::snprintf(number, sizeof number, "98%010ld", n % 10000000000L);
  const crypto::DataKey key = crypto::new_data_key();
  const std::string now = common::now_rfc3339();
  std::string prev(events::kZeroHash);
  long seq = 0;
  auto emit = [&](domain::RecordedEvent e) {
    e.subject = id;
    e.seq = ++seq;
    e.prevhash = prev;
    e.time = now;
    e.command_id = id + "-" + e.command_id;
    if (e.type == "journey.opened") e.data["identity"] = crypto::seal_identity(identity_, key, id);
    if (e.data.contains("number")) e.data["number"] = number;
    if (e.data.contains("pass_number")) e.data["pass_number"] = number;
    const auto env = events::seal(e, events::kJourneySource);
    prev = e.hash;
    out.push_back({"event", id, env.dump()});
  };
  for (const auto& t : template_) emit(t);
  // Long journeys (as_of benchmark): more follow-ups after the exit.
  for (int i = 0; i < extra_followups; ++i) {
    domain::RecordedEvent f = template_.back();
    f.type = "followup.recorded";
    f.command_id = "extra-" + std::to_string(i);
    f.data = {
        {"followup_id", "x" + std::to_string(i)}, {"date", day(-1)}, {"kind", "post_exit_check"}};
    emit(f);
  }
  out.push_back({"key", id, crypto::wrap_data_key(key, id, ring).dump()});
}

}  // namespace parcours::cli
