// state_json gives the bytes of nlohmann::json(state).dump() (the read models' journeys family).
#include "domain/state_json.h"

#include <gtest/gtest.h>

namespace parcours::domain {
namespace {

using nlohmann::json;

TEST(StateJson, EmptyStateIsNlohmannsDump) {
  JourneyState s;
  EXPECT_EQ(state_json(s), json(s).dump());
}

TEST(StateJson, EveryMemberIsNlohmannsDump) {
  JourneyState s;
  s.journey_id = "j-1";
  s.version = 42;
  s.last_hash = "abc";
  s.department = "74";
  s.opened_by_org = "ft-annecy";
  s.opened_on = *Date::parse("2024-02-29");
  s.identity = {{"alg", "x"}, {"n", 1.5}, {"list", {1, -2, "é"}}, {"z", nullptr}};
  s.erased = true;
  s.consents.push_back({"share_identity", "*", true, *Date::parse("2024-03-01")});
  Diagnosis d;
  d.diagnosis_id = "d1";
  d.kind = "eligibility";
  d.valid_until = *Date::parse("2026-03-01");
  d.criteria = {"RSA", "QPV"};
  d.superseded_on = *Date::parse("2025-01-01");
  s.diagnoses.push_back(d);
  s.diagnoses.push_back(Diagnosis{});
  Candidature c;
  c.candidature_id = "c1";
  c.job_title = "Boulanger \"chef\" \\ à l'étal\n\t\x01\x1f\x7f";
  c.refusal_reason = "no_position";
  c.hiring_start = *Date::parse("2024-04-01");
  s.candidatures.push_back(c);
  Pass p;
  p.number = "999990000001";
  p.suspensions.push_back(
      {"s1", *Date::parse("2024-05-01"), *Date::parse("2024-05-10"), "sick", "ei-1"});
  Prolongation pr;
  pr.prolongation_id = "p1";
  pr.days = 90;
  pr.reminders_sent = 2;
  pr.deny_reason = "late";
  pr.decided_on = *Date::parse("2024-06-01");
  p.prolongations.push_back(pr);
  s.pass = p;
  s.past_passes.push_back(Pass{});
  Contract k;
  k.contract_id = "c1";
  k.end = *Date::parse("2025-01-01");
  k.weekly_minutes = 1560;
  k.end_reason = "done";
  k.suspensions.push_back({*Date::parse("2024-07-01"), *Date::parse("2024-07-02"), "health"});
  s.contracts.push_back(k);
  Pmsmp m;
  m.host = {{"siret", "73282932000074"}, {"name", "Boulangerie"}};
  m.ended_with_job = {{"contract_type", "CDI"}};
  s.pmsmps.push_back(m);
  s.pmsmps.push_back(Pmsmp{});
  Training t;
  t.certification = "CACES";
  t.outcome = "completed";
  s.trainings.push_back(t);
  Exit e;
  e.destination = {{"kind", "cdd"}, {"contract_months", 8}};
  e.presence_days = -3;
  s.exits.push_back(e);
  s.followups = 7;
  s.involved_orgs = {"ft-annecy", "ei-1", "Zeta"};
  EXPECT_EQ(state_json(s), json(s).dump());
}

TEST(StateJson, StringsAreEscapedAsDumpEscapesThem) {
  for (std::string v : {std::string(""), std::string("plain"), std::string("\"\\/"),
                        std::string("\b\f\n\r\t"), std::string("\x01\x02\x1e\x1f\x7f", 5),
                        std::string("nul\0byte", 8), std::string("été ☃ 𝄞")}) {
    std::string out;
    append_json_string(out, v);
    EXPECT_EQ(out, json(v).dump());
  }
  std::string out;
  EXPECT_THROW(append_json_string(out, "\xff\xfe"), json::type_error);  // as dump() refuses
}

}  // namespace
}  // namespace parcours::domain
