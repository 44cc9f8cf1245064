// The index entries are the bytes the nlohmann::json objects of the reference below dump to:
// the read models of replicas built before and after the text writer are the same.
#include "projections/indexes.h"

#include <gtest/gtest.h>

#include "domain/exit_category.h"
#include "domain/json_types.h"

namespace parcours::projections {
namespace {

using domain::Date;
using nlohmann::json;

void reference_pass(const domain::JourneyState& s, const domain::Pass& p, IndexEntries& out) {
  json suspensions = json::array();
  for (const auto& x : p.suspensions) {
    suspensions.push_back({{"start", x.start}, {"end", x.end}, {"reason", x.reason}});
  }
  out["pass/" + p.number] = json{
      {"number", p.number},
      {"journey_id", s.journey_id},
      {"department", s.department},
      {"start", p.start},
      {"end", p.end},
      {"cancelled", p.cancelled()},
      {"siae_org", p.siae_org},
      {"suspensions",
       suspensions}}.dump();
  if (!p.cancelled()) {
    out["pass_end/" + join_key({p.end.str(), p.number})] = json{
        {"number", p.number},
        {"journey_id", s.journey_id},
        {"department", s.department},
        {"end", p.end}}.dump();
  }
}

IndexEntries reference(const domain::JourneyState& s) {
  IndexEntries out;
  if (!s.exists()) return out;
  for (const auto& c : s.candidatures) {
    json v = {{"journey_id", s.journey_id},
              {"candidature_id", c.candidature_id},
              {"state", c.state},
              {"siae_org", c.siae_org},
              {"sender_org", c.sender_org},
              {"sender_kind", c.sender_kind},
              {"date", c.date},
              {"state_since", c.state_since},
              {"refusal_reason", c.refusal_reason},
              {"department", s.department}};
    if (!c.job_title.empty()) v["job_title"] = c.job_title;
    out[cand_prefix(c.siae_org, c.state) + join_key({s.journey_id, c.candidature_id})] = v.dump();
    if (!c.sender_org.empty()) {
      out[cand_prefix(c.sender_org, c.state) + join_key({s.journey_id, c.candidature_id})] =
          v.dump();
    }
    if (c.state == "refused" && c.refusal_reason) {
      out[refusal_prefix(c.siae_org) + join_key({s.journey_id, c.candidature_id})] =
          json{{"reason", *c.refusal_reason}, {"date", c.state_since}}.dump();
    }
  }
  if (s.pass) reference_pass(s, *s.pass, out);
  for (const auto& p : s.past_passes) reference_pass(s, p, out);
  for (const auto& e : s.exits) {
    const auto& rules = domain::exit_ruleset(e);
    out[exit_prefix(e.siae_org, e.date.year()) + join_key({s.journey_id, e.contract_id})] = json{
        {"date", e.date},
        {"category", domain::exit_category(e.destination, rules)},
        {"counted", domain::exit_counted(e, rules)},
        {"presence_days", e.presence_days}}.dump();
  }
  for (const auto& d : s.diagnoses) {
    if (d.kind != "eligibility" || d.author_kind != "prescriber") continue;
    bool used = false;
    auto uses = [&](const domain::Pass& p) {
      return !p.cancelled() && p.diagnosis_id == d.diagnosis_id;
    };
    if (s.pass && uses(*s.pass)) used = true;
    for (const auto& p : s.past_passes) used = used || uses(p);
    out[diag_prefix(d.author_org) + join_key({d.date.str(), s.journey_id, d.diagnosis_id})] =
        json{{"used", used}}.dump();
  }
  return out;
}

Date D(const char* s) {
  return *Date::parse(s);
}

domain::JourneyState rich_state() {
  domain::JourneyState s;
  s.journey_id = "j-\"1\"";
  s.version = 12;
  s.department = "74";
  domain::Candidature c;
  c.candidature_id = "c1";
  c.siae_org = "ei-1";
  c.sender_org = "ft-annecy";
  c.sender_kind = "prescriber";
  c.date = D("2024-01-02");
  c.state_since = D("2024-01-05");
  c.state = "refused";
  c.refusal_reason = "no_position";
  s.candidatures.push_back(c);
  c.candidature_id = "c2";
  c.sender_org = "";
  c.sender_kind = "siae";
  c.state = "accepted";
  c.refusal_reason.reset();
  c.job_title = "Commis de cuisine à l'essai\n";
  s.candidatures.push_back(c);
  c.candidature_id = "c3";
  c.sender_org = "ei-1";
  c.state = "refused";
  s.candidatures.push_back(c);  // refused without a reason: no refusal entry
  domain::Pass p;
  p.number = "999990000001";
  p.start = D("2024-02-01");
  p.end = D("2026-01-31");
  p.siae_org = "ei-1";
  p.diagnosis_id = "d1";
  p.suspensions.push_back({"s1", D("2024-05-01"), D("2024-05-10"), "sick", "ei-1"});
  p.suspensions.push_back({"s2", D("2024-06-01"), D("2024-06-03"), "training", "ei-1"});
  s.pass = p;
  p.number = "999990000000";
  p.status = "cancelled";
  p.diagnosis_id = "d2";
  p.suspensions.clear();
  s.past_passes.push_back(p);
  p.number = "999990000002";
  p.status = "valid";
  p.diagnosis_id = "d3";
  s.past_passes.push_back(p);
  for (const char* id : {"d1", "d2", "d3", "d4"}) {
    domain::Diagnosis d;
    d.diagnosis_id = id;
    d.kind = "eligibility";
    d.author_kind = "prescriber";
    d.author_org = "ft-annecy";
    d.date = D("2024-01-01");
    s.diagnoses.push_back(d);
  }
  s.diagnoses.back().author_kind = "siae";
  domain::Diagnosis a;
  a.kind = "accompaniment";
  s.diagnoses.push_back(a);
  domain::Exit e;
  e.contract_id = "c2";
  e.siae_org = "ei-1";
  e.date = D("2025-03-01");
  e.contract_start = D("2024-02-01");
  e.presence_days = 300;
  e.destination = {{"kind", "cdd"}, {"contract_months", 8}};
  s.exits.push_back(e);
  e.contract_id = "c9";
  e.date = D("2024-03-01");
  e.presence_days = 20;
  e.destination = {{"kind", "unemployed"}};
  s.exits.push_back(e);
  return s;
}

TEST(IndexEntries, AreTheReferenceBytes) {
  const auto s = rich_state();
  const auto entries = index_entries(s);
  EXPECT_EQ(entries, reference(s));
  EXPECT_GE(entries.size(), 12u);
}

TEST(IndexEntries, NoneForAJourneyThatDoesNotExist) {
  domain::JourneyState s = rich_state();
  s.version = 0;
  EXPECT_TRUE(index_entries(s).empty());
}

}  // namespace
}  // namespace parcours::projections
