// Who may send what (JOURNEY §2-§3, §6): each command refused with 403 for an involved actor
// that may not send it, and with 404, exactly as for an unknown journey, for every actor that
// is not involved. The state: a hire at ei-1 (c1), a pending candidature c2 to ei-2, a
// suspension s1, a pending RQTH prolongation p1 asked of ft-annecy, a PMSMP m1 and a training
// t1 by ft-annecy; ml-annecy, asso-74, aci-1 and etti-1 joined the journey.
#include "fixtures.h"

namespace parcours::testing {
namespace {

class Authorization : public DomainTest {
 protected:
  void SetUp() override {
    DomainTest::SetUp();
    w.org("auditor-1", {{"name", "Audit"}, {"kind", "auditor"}, {"department", "74"}});
    w.set_today(D("2025-02-01"));
    hired("ei-1", "2025-01-06", "2025-07-05", "2025-01-02");
    w.set_today(D("2026-11-23"));
    auto ok = [](const auto& r) { ASSERT_TRUE(r.ok()) << r.rejection().code; };
    ok(w.send("j1", "ei-1", "EndContract",
              {{"contract_id", "c1"}, {"date", "2025-07-05"}, {"reason", "end"}}));
    ok(w.send("j1", "ei-1", "SuspendPass",
              {{"suspension_id", "s1"},
               {"start", "2026-10-01"},
               {"end", "2026-10-31"},
               {"reason", "FINISHED_CONTRACT"}}));
    ok(w.send("j1", "ei-1", "ProlongPass",
              {{"prolongation_id", "p1"},
               {"reason", "RQTH"},
               {"end", "2027-06-30"},
               {"prescriber_org", "ft-annecy"}}));
    candidature_pmsmp_and_training();
    join({"ml-annecy", "asso-74", "aci-1", "etti-1"});
  }
};

struct Case {
  const char* type;
  const char* actor;
  const char* code;
  json data;
};

TEST_F(Authorization, EachCommandRefusesAnActorThatMayNotSendIt) {
  const json follow = {{"followup_id", "f1"}, {"date", "2026-11-20"}, {"kind", "interview"}};
  const json accept_c2 = {{"candidature_id", "c2"},
                          {"hiring_start", "2026-11-23"},
                          {"hiring_end", "2027-05-22"},
                          {"contract", {{"type", "CDDI"}, {"weekly_hours", 26}}}};
  const std::vector<Case> cases = {
      {"OpenJourney",
       "ddets-74",
       "forbidden",
       {{"person", {{"first_name", "A"}, {"last_name", "B"}, {"birth_date", "1990-01-01"}}},
        {"department", "74"}}},
      {"OpenJourney",
       "auditor-1",
       "forbidden",
       {{"person", {{"first_name", "A"}, {"last_name", "B"}, {"birth_date", "1990-01-01"}}},
        {"department", "74"}}},
      {"RecordConsent",
       "ml-annecy",
       "forbidden",  // involved, but does not read the identity it would hand over
       {{"scope", "share_identity"}, {"org", "*"}, {"given", true}, {"date", "2026-11-20"}}},
      {"JoinJourney",
       "ddets-74",
       "forbidden",
       {{"proof",
         {{"last_name", "Martin"}, {"first_name", "Camille"}, {"birth_date", "1990-04-02"}}}}},
      {"RecordAccompanimentDiagnosis",
       "ei-1",
       "forbidden",
       {{"diagnosis_id", "a1"},
        {"date", "2026-11-20"},
        {"barriers", json::array()},
        {"recommended_path", "iae"}}},
      {"MakeEligibilityDiagnosis",
       "asso-74",
       "not_habilitated",
       {{"diagnosis_id", "d9"}, {"date", "2026-11-20"}}},
      {"SubmitCandidature",
       "ddets-74",
       "forbidden",
       {{"candidature_id", "c9"}, {"siae_org", "ei-1"}, {"date", "2026-11-20"}}},
      {"ProcessCandidature", "ei-1", "forbidden", {{"candidature_id", "c2"}}},  // not its target
      {"ProcessCandidature", "ft-annecy", "forbidden", {{"candidature_id", "c2"}}},
      {"PostponeCandidature", "aci-1", "forbidden", {{"candidature_id", "c2"}, {"message", "m"}}},
      {"RefuseCandidature",
       "ei-1",
       "forbidden",
       {{"candidature_id", "c2"}, {"reason", "no_position"}, {"shared_with_job_seeker", true}}},
      {"AcceptCandidature", "ei-1", "forbidden", accept_c2},  // another SIAE's candidature
      {"CancelHire", "ei-2", "forbidden", {{"candidature_id", "c1"}, {"reason", "r"}}},
      {"SuspendPass",
       "asso-74",
       "forbidden",
       {{"suspension_id", "s9"},
        {"start", "2026-11-01"},
        {"end", "2026-11-20"},
        {"reason", "FINISHED_CONTRACT"}}},
      {"SuspendPass",
       "ei-2",
       "forbidden",  // not the SIAE of the last hire
       {{"suspension_id", "s9"},
        {"start", "2026-11-01"},
        {"end", "2026-11-20"},
        {"reason", "FINISHED_CONTRACT"}}},
      {"EndPassSuspension",
       "aci-1",
       "forbidden",
       {{"suspension_id", "s1"}, {"first_day_back", "2026-10-10"}}},
      {"ProlongPass",
       "ft-annecy",
       "forbidden",
       {{"prolongation_id", "p9"}, {"reason", "COMPLETE_TRAINING"}, {"end", "2027-02-01"}}},
      {"DecideProlongation",
       "ml-annecy",
       "forbidden",  // asked of another prescriber
       {{"prolongation_id", "p1"}, {"decision", "granted"}}},
      {"DecideProlongation",
       "ei-1",
       "forbidden",
       {{"prolongation_id", "p1"}, {"decision", "granted"}}},
      {"RenewContract", "ei-2", "forbidden", {{"contract_id", "c1"}, {"end", "2027-01-01"}}},
      {"SuspendContract",
       "ft-annecy",
       "forbidden",
       {{"contract_id", "c1"},
        {"start", "2025-02-01"},
        {"end", "2025-02-10"},
        {"reason", "health"}}},
      {"EndContract",
       "aci-1",
       "forbidden",
       {{"contract_id", "c1"}, {"date", "2025-07-05"}, {"reason", "r"}}},
      {"StartPmsmp",
       "asso-74",
       "forbidden",
       {{"pmsmp_id", "m9"},
        {"host", {{"siret", "73282932000074"}, {"name", "n"}}},
        {"objective", "discover"},
        {"start", "2026-12-01"},
        {"end", "2026-12-05"},
        {"weekly_hours", 35}}},
      {"StartPmsmp",
       "etti-1",
       "forbidden",
       {{"pmsmp_id", "m9"},
        {"host", {{"siret", "73282932000074"}, {"name", "n"}}},
        {"objective", "discover"},
        {"start", "2026-12-01"},
        {"end", "2026-12-05"},
        {"weekly_hours", 35}}},
      {"EndPmsmp",
       "ei-1",
       "forbidden",
       {{"pmsmp_id", "m1"}, {"date", "2026-11-20"}, {"outcome", "completed"}}},
      {"StartTraining",
       "asso-74",
       "forbidden",
       {{"training_id", "t9"},
        {"kind", "other"},
        {"title", "t"},
        {"provider", "p"},
        {"start", "2026-12-01"},
        {"planned_end", "2027-01-31"},
        {"hours", 7}}},
      {"StartTraining",
       "ei-2",
       "forbidden",  // not the employer
       {{"training_id", "t9"},
        {"kind", "other"},
        {"title", "t"},
        {"provider", "p"},
        {"start", "2026-12-01"},
        {"planned_end", "2027-01-31"},
        {"hours", 7}}},
      {"EndTraining",
       "ml-annecy",
       "forbidden",
       {{"training_id", "t1"}, {"date", "2026-11-20"}, {"outcome", "completed"}}},
      {"RecordExit",
       "ft-annecy",
       "forbidden",
       {{"contract_id", "c1"}, {"date", "2025-07-05"}, {"destination", {{"kind", "cdi"}}}}},
      {"RecordExit",
       "ei-2",
       "forbidden",
       {{"contract_id", "c1"}, {"date", "2025-07-05"}, {"destination", {{"kind", "cdi"}}}}},
      {"RecordFollowUp", "ddets-74", "forbidden", follow},
      {"EraseIdentity", "ft-annecy", "forbidden", {{"reason", "r"}}},
      {"ApplyDeadlines", "ft-annecy", "forbidden", {{"day", "2026-11-23"}}},
      {"ApplyDeadlines", "admin", "forbidden", {{"day", "2026-11-23"}}},
  };
  for (const auto& c : cases) {
    auto r = w.send("j1", c.actor, c.type, c.data);
    ASSERT_FALSE(r.ok()) << c.type << " by " << c.actor << " was accepted";
    EXPECT_EQ(r.rejection().code, c.code)
        << c.type << " by " << c.actor << ": " << r.rejection().detail;
    EXPECT_EQ(r.rejection().status, 403) << c.type << " by " << c.actor;
  }
  // Every journey command appears in the table.
  std::set<std::string> covered;
  for (const auto& c : cases) covered.insert(c.type);
  for (auto type : domain::journey_command_types()) {
    EXPECT_TRUE(covered.count(std::string(type))) << type << " has no authorisation case";
  }
}

// JOURNEY §6: to an organisation that is not involved, the journey does not exist. Every
// command but OpenJourney and JoinJourney gets the 404 of an unknown id, byte for byte, before
// its fields are even read.
TEST_F(Authorization, OutsidersGetTheNotFoundOfAnUnknownJourney) {
  w.prescriber("ft-other", "FT", "01");
  w.orienteur("asso-other", "01");
  w.siae("ei-other", "EI", "01");
  const auto unknown = w.send("no-such-journey", "ft-other", "RecordFollowUp", json::object());
  ASSERT_FALSE(unknown.ok());
  for (auto type : domain::journey_command_types()) {
    if (type == "OpenJourney" || type == "JoinJourney") continue;
    for (const char* outsider : {"ft-other", "asso-other", "ei-other"}) {
      auto r = w.send("j1", outsider, std::string(type), json::object());
      ASSERT_FALSE(r.ok()) << type << " by " << outsider << " was accepted";
      if (r.rejection().status == 403 && r.rejection().code == "forbidden") {
        // The kind may not send this command at all: the same 403 for any journey.
        EXPECT_EQ(
            w.send("no-such-journey", outsider, std::string(type), json::object()).rejection(),
            r.rejection())
            << type << " by " << outsider;
        continue;
      }
      EXPECT_EQ(r.rejection(), unknown.rejection()) << type << " by " << outsider;
      EXPECT_EQ(r.rejection().status, 404) << type << " by " << outsider;
    }
  }
}

TEST_F(Authorization, ExpiredPrescriberIsNotHabilitatedForAnything) {
  w.ohpd("ohpd-old", D("2026-11-23"));
  w.set_today(D("2026-11-24"));
  auto r = w.send("j1", "ohpd-old", "MakeEligibilityDiagnosis",
                  {{"diagnosis_id", "d9"}, {"date", "2026-11-20"}});
  EXPECT_REJECTED(r, "not_habilitated");
  EXPECT_REJECTED(w.send("j1", "ohpd-old", "SuspendPass",
                         {{"suspension_id", "s9"},
                          {"start", "2026-11-01"},
                          {"end", "2026-11-20"},
                          {"reason", "FINISHED_CONTRACT"}}),
                  "not_habilitated");
}

}  // namespace
}  // namespace parcours::testing
