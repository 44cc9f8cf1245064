// JOURNEY §3.2: accompaniment and eligibility diagnoses (seed004:L1186-1230, L1233-1468).
#include "fixtures.h"

namespace parcours::testing {
namespace {

class Diagnoses : public DomainTest {};

TEST_F(Diagnoses, AccompanimentByPrescriberOrOrienteur) {
  open();
  json d = {{"diagnosis_id", "a1"},
            {"date", "2026-11-20"},
            {"barriers", {"mobility", "housing"}},
            {"recommended_path", "iae"},
            {"notes", "needs a driving licence"}};
  EXPECT_ACCEPTED(w.send("j1", "asso-74", "RecordAccompanimentDiagnosis", d));
  d["diagnosis_id"] = "a2";
  EXPECT_ACCEPTED(w.send("j1", "ft-annecy", "RecordAccompanimentDiagnosis", d));
  d["diagnosis_id"] = "a3";
  EXPECT_REJECTED(w.send("j1", "ei-1", "RecordAccompanimentDiagnosis", d), "forbidden");
  d["diagnosis_id"] = "a1";
  EXPECT_REJECTED(w.send("j1", "asso-74", "RecordAccompanimentDiagnosis", d), "id_taken");
  d["diagnosis_id"] = "a4";
  d["barriers"] = {"boredom"};
  EXPECT_REJECTED(w.send("j1", "asso-74", "RecordAccompanimentDiagnosis", d), "malformed");
  d["barriers"] = json::array();
  d["recommended_path"] = "moon";
  EXPECT_REJECTED(w.send("j1", "asso-74", "RecordAccompanimentDiagnosis", d), "malformed");
  EXPECT_EQ(state().diagnoses.size(), 2u);
  expect_replay_equal();
}

TEST_F(Diagnoses, OrienteurIsNotHabilitated) {
  // seed004:L726-729, L800-802: an orienteur may orient but not establish eligibility.
  open();
  auto r = diagnose("asso-74", "d1", "2026-11-23");
  EXPECT_REJECTED(r, "not_habilitated");
  EXPECT_EQ(r.rejection().status, 403);
  EXPECT_REJECTED(diagnose("ddets-74", "d1", "2026-11-23"), "forbidden");
}

TEST_F(Diagnoses, PrescriberDiagnosisValidSixMonthsMinusADay) {
  // les-emplois: expires_at = date + 6 months is the first invalid day (JOURNEY §4 example).
  open();
  auto r = diagnose("ft-annecy", "d1", "2026-11-02", {"RSA"});
  EXPECT_ACCEPTED(r);
  EXPECT_EQ(r->events.at(0).data["valid_until"], "2027-05-01");
  EXPECT_EQ(r->ruleset, "iae-2024-01-01");
  // Criteria are optional for a prescriber.
  EXPECT_ACCEPTED(w.send("j1", "ml-annecy", "MakeEligibilityDiagnosis",
                         {{"diagnosis_id", "d2"}, {"date", "2026-11-03"}}));
}

TEST_F(Diagnoses, SiaeDiagnosisValid92Days) {
  // les-emplois EMPLOYER_DIAGNOSIS_VALIDITY_TIMEDELTA: through date + 91 days.
  open();
  auto r = diagnose("ei-1", "d1", "2026-11-02", {"RSA"});
  EXPECT_ACCEPTED(r);
  EXPECT_EQ(r->events.at(0).data["valid_until"], "2027-02-01");
  EXPECT_EQ(r->events.at(0).data["author_siae_kind"], "EI");
}

TEST_F(Diagnoses, CriteriaInsufficientThresholdsBySiaeKind) {
  // eligibility.criteria_insufficient (seed004:L653-656, L816-818; les-emplois): 1 level-1, or
  // 2 level-2 in AI and ETTI, 3 in ACI, EI and EITI.
  open();
  EXPECT_REJECTED(diagnose("aci-1", "d1", "2026-11-23", {"QPV", "ZRR"}),
                  "eligibility.criteria_insufficient");
  EXPECT_ACCEPTED(diagnose("aci-1", "d1", "2026-11-23", {"QPV", "ZRR", "TH"}));
  EXPECT_REJECTED(diagnose("ai-1", "d2", "2026-11-23", {"QPV"}),
                  "eligibility.criteria_insufficient");
  EXPECT_ACCEPTED(diagnose("ai-1", "d2", "2026-11-23", {"QPV", "ZRR"}));
  EXPECT_REJECTED(diagnose("etti-1", "d3", "2026-11-23", {"PM"}),
                  "eligibility.criteria_insufficient");
  EXPECT_ACCEPTED(diagnose("etti-1", "d3", "2026-11-23", {"PM", "FLE"}));
  EXPECT_REJECTED(diagnose("eiti-1", "d4", "2026-11-23", {"PM", "FLE"}),
                  "eligibility.criteria_insufficient");
  EXPECT_ACCEPTED(diagnose("eiti-1", "d4", "2026-11-23", {"PM", "FLE", "QPV"}));
  EXPECT_REJECTED(diagnose("ei-1", "d5", "2026-11-23", json::array()),
                  "eligibility.criteria_insufficient");
  EXPECT_ACCEPTED(diagnose("ei-1", "d5", "2026-11-23", {"AAH"}));
}

TEST_F(Diagnoses, UnknownCriterionDependsOnTheCatalogueOfTheDate) {
  // eligibility.unknown_criterion; JOURNEY §3.2: before 2021-09-03 PRIMO_ARRIVANT existed and
  // DETENTION_MJ, FLE, PM did not.
  w.set_today(D("2021-09-10"));
  open();
  EXPECT_REJECTED(diagnose("ft-annecy", "d1", "2021-09-02", {"DETENTION_MJ"}),
                  "eligibility.unknown_criterion");
  auto old = diagnose("ft-annecy", "d1", "2021-09-02", {"PRIMO_ARRIVANT"});
  EXPECT_ACCEPTED(old);
  EXPECT_EQ(old->ruleset, "iae-2021-01-01");
  EXPECT_REJECTED(diagnose("ft-annecy", "d2", "2021-09-03", {"PRIMO_ARRIVANT"}),
                  "eligibility.unknown_criterion");
  auto fresh = diagnose("ft-annecy", "d2", "2021-09-03", {"DETENTION_MJ", "FLE", "PM"});
  EXPECT_ACCEPTED(fresh);
  EXPECT_EQ(fresh->ruleset, "iae-2021-09-03");
  EXPECT_REJECTED(diagnose("ft-annecy", "d3", "2021-09-03", {"UNICORN"}),
                  "eligibility.unknown_criterion");
  // Not an id at all: malformed.
  EXPECT_REJECTED(diagnose("ft-annecy", "d3", "2021-09-03", {"RSA RSA"}), "malformed");
}

TEST_F(Diagnoses, ExclusiveCriteria) {
  // eligibility.criteria_exclusive (les-emplois): DETLD/DELD, SENIOR/JEUNE.
  open();
  EXPECT_REJECTED(diagnose("ft-annecy", "d1", "2026-11-23", {"DETLD", "DELD"}),
                  "eligibility.criteria_exclusive");
  EXPECT_REJECTED(diagnose("ft-annecy", "d1", "2026-11-23", {"SENIOR", "JEUNE"}),
                  "eligibility.criteria_exclusive");
  EXPECT_ACCEPTED(diagnose("ft-annecy", "d1", "2026-11-23", {"DETLD", "QPV"}));
}

TEST_F(Diagnoses, SeniorMustBeFiftyOnTheDate) {
  // eligibility.criterion_contradicts_identity: SENIOR >= 50 (JOURNEY §3.2, §8).
  open("j49", "1976-11-24");  // 49 on 2026-11-23
  open("j50", "1976-11-23");  // 50 that day
  EXPECT_REJECTED(diagnose("ft-annecy", "d1", "2026-11-23", {"SENIOR"}, "j49"),
                  "eligibility.criterion_contradicts_identity");
  EXPECT_ACCEPTED(diagnose("ft-annecy", "d1", "2026-11-23", {"SENIOR"}, "j50"));
}

TEST_F(Diagnoses, JeuneMustBeUnder26OnTheDate) {
  // eligibility.criterion_contradicts_identity: JEUNE < 26.
  open("j26", "2000-11-23");  // 26 on 2026-11-23
  open("j25", "2000-11-24");  // 25 that day
  EXPECT_REJECTED(diagnose("ft-annecy", "d1", "2026-11-23", {"JEUNE"}, "j26"),
                  "eligibility.criterion_contradicts_identity");
  EXPECT_ACCEPTED(diagnose("ft-annecy", "d1", "2026-11-23", {"JEUNE"}, "j25"));
  // The age is taken on the diagnosis date: a day earlier the first person was 25.
  EXPECT_ACCEPTED(diagnose("ft-annecy", "d1", "2026-11-22", {"JEUNE"}, "j26"));
}

TEST_F(Diagnoses, AgeCriterionAfterErasureIsRefused) {
  // identity.unavailable: once erased, the birth date is gone.
  open();
  EXPECT_ACCEPTED(w.send("j1", "admin", "EraseIdentity", {{"reason", "request of the person"}}));
  EXPECT_REJECTED(diagnose("ft-annecy", "d1", "2026-11-23", {"SENIOR"}), "identity.unavailable");
  EXPECT_ACCEPTED(diagnose("ft-annecy", "d1", "2026-11-23", {"RSA"}));
}

TEST_F(Diagnoses, NoDiagnosisWhileAPassIsValid) {
  // eligibility.pass_valid (les-emplois): the PASS runs from 2026-11-23.
  hired();
  EXPECT_REJECTED(diagnose("ml-annecy", "d2", "2026-11-23"), "eligibility.pass_valid");
  EXPECT_ACCEPTED(diagnose("ml-annecy", "d2", "2026-11-22"));
}

TEST_F(Diagnoses, NoBackDatedDiagnosisWhileAnEarlierPassWasValid) {
  // PASS A 2023-01-02..2024-12-31, then PASS B from 2026-11-23.
  open();
  ASSERT_TRUE(diagnose("ft-annecy", "d0", "2023-01-02").ok());
  ASSERT_TRUE(submit("ft-annecy", "c0", "ei-1", "2023-01-02").ok());
  ASSERT_TRUE(accept("ei-1", "c0", "2023-01-02", "2023-07-01").ok());
  ASSERT_TRUE(diagnose("ml-annecy", "d1", "2026-11-20").ok());
  ASSERT_TRUE(submit("ml-annecy", "c1", "ei-2", "2026-11-20").ok());
  ASSERT_TRUE(accept("ei-2", "c1", "2026-11-23", "2027-05-22").ok());
  EXPECT_REJECTED(diagnose("ft-annecy", "d2", "2024-12-31"), "eligibility.pass_valid");
  EXPECT_ACCEPTED(diagnose("ft-annecy", "d2", "2025-01-01"));
}

TEST_F(Diagnoses, DateInTheFutureIsRefused) {
  open();
  EXPECT_REJECTED(diagnose("ft-annecy", "d1", "2026-11-24"), "date.in_future");
  EXPECT_ACCEPTED(diagnose("ft-annecy", "d1", "2026-11-23"));
}

TEST_F(Diagnoses, PrescriberDiagnosisSupersedesEveryEarlierPrescriberOne) {
  open();
  EXPECT_ACCEPTED(diagnose("ft-annecy", "d1", "2026-10-01"));
  EXPECT_ACCEPTED(diagnose("ei-1", "s1", "2026-10-02", {"RSA"}));
  auto r = diagnose("ml-annecy", "d2", "2026-11-01");
  EXPECT_ACCEPTED(r);
  EXPECT_EQ(types_of(r),
            (std::vector<std::string>{"eligibility.diagnosed", "eligibility.superseded"}));
  const auto* d1 = state().diagnosis("d1");
  EXPECT_TRUE(d1->superseded);
  EXPECT_EQ(d1->superseded_by, "d2");
  // Still in force for days before the new one (a back-dated hire).
  EXPECT_TRUE(d1->in_force_on(D("2026-10-31")));
  EXPECT_FALSE(d1->in_force_on(D("2026-11-01")));
  EXPECT_FALSE(state().diagnosis("s1")->superseded);  // an SIAE's is another scope
  // A late-reported diagnosis dated before the one in force is superseded by it at once.
  auto late = diagnose("ft-annecy", "d0", "2026-10-15");
  EXPECT_ACCEPTED(late);
  EXPECT_EQ(late->events.at(1).data["diagnosis_id"], "d0");
  EXPECT_EQ(late->events.at(1).data["superseded_by"], "d2");
  expect_replay_equal();
}

TEST_F(Diagnoses, SiaeDiagnosisSupersedesOnlyThatSiaesOwn) {
  open();
  EXPECT_ACCEPTED(diagnose("ei-1", "s1", "2026-10-01", {"RSA"}));
  EXPECT_ACCEPTED(diagnose("ei-2", "s2", "2026-10-01", {"RSA"}));
  EXPECT_ACCEPTED(diagnose("ft-annecy", "d1", "2026-10-02"));
  auto r = diagnose("ei-1", "s3", "2026-11-01", {"ASS"});
  EXPECT_ACCEPTED(r);
  EXPECT_EQ(r->events.size(), 2u);
  EXPECT_TRUE(state().diagnosis("s1")->superseded);
  EXPECT_FALSE(state().diagnosis("s2")->superseded);
  EXPECT_FALSE(state().diagnosis("d1")->superseded);
}

}  // namespace
}  // namespace parcours::testing
