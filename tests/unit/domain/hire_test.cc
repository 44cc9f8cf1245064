// JOURNEY §3.3: AcceptCandidature (PASS issue or reuse, eligibility, waiting period, contract
// rules of seed004:L2364-2468) and CancelHire. Today is 2026-11-23.
#include "fixtures.h"

namespace parcours::testing {
namespace {

class Hire : public DomainTest {
 protected:
  // A journey with a prescriber diagnosis on `diag` and a candidature c1 to `siae`.
  void ready(const std::string& siae = "ei-1", const std::string& diag = "2026-11-02",
             const std::string& birth = "1990-04-02") {
    open("j1", birth);
    ASSERT_TRUE(diagnose("ft-annecy", "d1", diag).ok());
    ASSERT_TRUE(submit("ft-annecy", "c1", siae, diag).ok());
  }
};

TEST_F(Hire, IssuesAPassOfTwoYears) {
  ready();
  auto r = accept("ei-1", "c1", "2026-11-23", "2027-05-22");
  EXPECT_ACCEPTED(r);
  EXPECT_EQ(types_of(r),
            (std::vector<std::string>{"candidature.accepted", "pass.issued", "contract.started"}));
  EXPECT_EQ(r->ruleset, "iae-2024-01-01");
  // pass.issued: number from the processor, end = start + 730 days - 1 (les-emplois).
  EXPECT_EQ(pass().number, "990000000001");
  EXPECT_EQ(pass().start, D("2026-11-23"));
  EXPECT_EQ(pass().end, D("2028-11-21"));
  EXPECT_EQ(pass().diagnosis_id, "d1");
  const auto* c = state().contract("c1");
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->weekly_minutes, 26 * 60);
  EXPECT_EQ(c->pass_number, "990000000001");
  EXPECT_EQ(c->siae_kind, "EI");
  expect_replay_equal();
}

TEST_F(Hire, StartTooFarBoundary) {
  // hire.start_too_far (les-emplois): at most 6 months after today (2027-05-23).
  ready();
  EXPECT_REJECTED(accept("ei-1", "c1", "2027-05-24", "2027-12-31"), "hire.start_too_far");
  EXPECT_ACCEPTED(accept("ei-1", "c1", "2027-05-23", "2027-12-31"));
}

TEST_F(Hire, FutureHireIsJudgedToday) {
  // d1 (2026-11-02) is valid until 2027-05-01: a hire starting after that, decided today, is
  // judged on today.
  ready();
  auto r = accept("ei-1", "c1", "2027-05-10", "2027-12-31");
  EXPECT_ACCEPTED(r);
  EXPECT_EQ(r->events.at(0).data["reference_day"], "2026-11-23");
}

TEST_F(Hire, BackDatedHireIsJudgedOnItsStart) {
  // hire.not_eligible: no diagnosis was valid on 2026-10-01; one dated 2026-09-15 was.
  ready();
  EXPECT_REJECTED(accept("ei-1", "c1", "2026-10-01", "2027-01-31"), "hire.not_eligible");
  ASSERT_TRUE(diagnose("ft-annecy", "d0", "2026-09-15").ok());
  auto r = accept("ei-1", "c1", "2026-10-01", "2027-01-31");
  EXPECT_ACCEPTED(r);
  EXPECT_EQ(pass().diagnosis_id, "d0");
}

TEST_F(Hire, NotEligibleWithoutDiagnosis) {
  open();
  ASSERT_TRUE(submit("asso-74", "c1", "ei-1", "2026-11-20").ok());
  EXPECT_REJECTED(accept("ei-1", "c1", "2026-11-23", "2027-05-22"), "hire.not_eligible");
  // Another SIAE's diagnosis is not usable (JOURNEY §3.2).
  ASSERT_TRUE(diagnose("ei-2", "s2", "2026-11-20", {"RSA"}).ok());
  EXPECT_REJECTED(accept("ei-1", "c1", "2026-11-23", "2027-05-22"), "hire.not_eligible");
  // This SIAE's own is.
  ASSERT_TRUE(diagnose("ei-1", "s1", "2026-11-20", {"RSA"}).ok());
  EXPECT_ACCEPTED(accept("ei-1", "c1", "2026-11-23", "2027-05-22"));
  EXPECT_EQ(pass().diagnosis_id, "s1");
}

TEST_F(Hire, SiaeDiagnosisExpiresAfter92Days) {
  open();
  ASSERT_TRUE(diagnose("ei-1", "s1", "2026-08-23", {"RSA"}).ok());  // valid until 2026-11-22
  ASSERT_TRUE(submit("asso-74", "c1", "ei-1", "2026-08-23").ok());
  EXPECT_REJECTED(accept("ei-1", "c1", "2026-11-23", "2027-05-22"), "hire.not_eligible");
  EXPECT_ACCEPTED(accept("ei-1", "c1", "2026-11-22", "2027-05-21"));
}

TEST_F(Hire, PrescriberDiagnosisTakesPrecedence) {
  ready();
  ASSERT_TRUE(diagnose("ei-1", "s1", "2026-11-20", {"RSA"}).ok());
  EXPECT_ACCEPTED(accept("ei-1", "c1", "2026-11-23", "2027-05-22"));
  EXPECT_EQ(pass().diagnosis_id, "d1");
}

TEST_F(Hire, SecondHireReusesThePass) {
  ready();
  ASSERT_TRUE(accept("ei-1", "c1", "2026-11-23", "2027-05-22").ok());
  ASSERT_TRUE(submit("ft-annecy", "c2", "aci-1", "2026-11-23").ok());
  auto r = accept("aci-1", "c2", "2026-11-23", "2027-05-22");
  EXPECT_ACCEPTED(r);
  EXPECT_EQ(types_of(r),
            (std::vector<std::string>{"candidature.accepted", "pass.reused", "contract.started"}));
  EXPECT_EQ(state().contract("c2")->pass_number, "990000000001");
  EXPECT_TRUE(state().past_passes.empty());
  expect_replay_equal();
}

TEST_F(Hire, AfterPassEndIsRefused) {
  // hire.after_pass_end: the PASS 2025-01-06..2027-01-05 is valid today; a hire starting after
  // its end is refused, on its last day accepted.
  ready("ei-1", "2025-01-02");
  ASSERT_TRUE(accept("ei-1", "c1", "2025-01-06", "2025-07-05").ok());
  ASSERT_EQ(pass().end, D("2027-01-05"));
  ASSERT_TRUE(submit("ft-annecy", "c2", "ei-2", "2026-11-23").ok());
  EXPECT_REJECTED(accept("ei-2", "c2", "2027-01-06", "2027-05-05"), "hire.after_pass_end");
  EXPECT_ACCEPTED(accept("ei-2", "c2", "2027-01-05", "2027-05-04"));
}

TEST_F(Hire, AFuturePassMovesBackToAnEarlierHire) {
  ready();
  ASSERT_TRUE(accept("ei-1", "c1", "2027-02-01", "2027-07-31").ok());
  ASSERT_EQ(pass().end, D("2029-01-30"));
  ASSERT_TRUE(submit("ft-annecy", "c2", "aci-1", "2026-11-23").ok());
  auto r = accept("aci-1", "c2", "2027-01-10", "2027-06-30");
  EXPECT_ACCEPTED(r);
  EXPECT_EQ(pass().start, D("2027-01-10"));
  EXPECT_EQ(pass().end, D("2027-01-10").plus_days(729));
  expect_replay_equal();
}

TEST_F(Hire, AHireDuringASuspensionEndsItTheDayBefore) {
  // les-emplois: the suspension ends the day before the hire; the PASS end moves back.
  ready("ei-1", "2026-05-15");
  ASSERT_TRUE(accept("ei-1", "c1", "2026-06-01", "2026-09-30").ok());
  ASSERT_TRUE(w.send("j1", "ei-1", "EndContract",
                     {{"contract_id", "c1"}, {"date", "2026-09-30"}, {"reason", "end"}})
                  .ok());
  ASSERT_TRUE(w.send("j1", "ei-1", "SuspendPass",
                     {{"suspension_id", "s1"},
                      {"start", "2026-10-01"},
                      {"end", "2027-03-31"},
                      {"reason", "FINISHED_CONTRACT"}})
                  .ok());
  ASSERT_EQ(pass().end,
            D("2028-05-30").plus_days(days_inclusive(D("2026-10-01"), D("2027-03-31"))));
  ASSERT_TRUE(submit("ft-annecy", "c2", "ei-2", "2026-11-20").ok());
  auto r = accept("ei-2", "c2", "2026-11-23", "2027-05-22");
  EXPECT_ACCEPTED(r);
  EXPECT_EQ(types_of(r), (std::vector<std::string>{"candidature.accepted", "pass.suspension_ended",
                                                   "pass.reused", "contract.started"}));
  ASSERT_EQ(pass().suspensions.size(), 1u);
  EXPECT_EQ(pass().suspensions[0].end, D("2026-11-22"));
  EXPECT_EQ(pass().end,
            D("2028-05-30").plus_days(days_inclusive(D("2026-10-01"), D("2026-11-22"))));
  expect_replay_equal();
}

TEST_F(Hire, AHireOnTheSuspensionsFirstDayRemovesIt) {
  ready("ei-1", "2026-05-15");
  ASSERT_TRUE(accept("ei-1", "c1", "2026-06-01", "2026-09-30").ok());
  ASSERT_TRUE(w.send("j1", "ei-1", "EndContract",
                     {{"contract_id", "c1"}, {"date", "2026-09-30"}, {"reason", "end"}})
                  .ok());
  ASSERT_TRUE(w.send("j1", "ei-1", "SuspendPass",
                     {{"suspension_id", "s1"},
                      {"start", "2026-10-01"},
                      {"end", "2026-12-31"},
                      {"reason", "FINISHED_CONTRACT"}})
                  .ok());
  ASSERT_TRUE(submit("ft-annecy", "c2", "ei-2", "2026-09-20").ok());
  EXPECT_ACCEPTED(accept("ei-2", "c2", "2026-10-01", "2027-01-31"));
  EXPECT_TRUE(pass().suspensions.empty());
  EXPECT_EQ(pass().end, D("2028-05-30"));
  expect_replay_equal();
}

TEST_F(Hire, NoHireReachesIntoAnEarlierPass) {
  // hire.overlaps_earlier_pass: two PASS IAE never cover the same day.
  ready("ei-1", "2023-01-02");
  ASSERT_TRUE(accept("ei-1", "c1", "2023-01-02", "2023-07-01").ok());  // PASS A to 2024-12-31
  ASSERT_TRUE(diagnose("ml-annecy", "d2", "2026-11-20").ok());
  ASSERT_TRUE(submit("ml-annecy", "c2", "ei-2", "2026-11-20").ok());
  ASSERT_TRUE(accept("ei-2", "c2", "2027-01-15", "2027-06-30").ok());  // PASS B, future
  ASSERT_EQ(state().past_passes.size(), 1u);
  ASSERT_TRUE(submit("ml-annecy", "c3", "aci-1", "2026-11-20").ok());
  EXPECT_REJECTED(accept("aci-1", "c3", "2024-12-31", "2025-06-30"), "hire.overlaps_earlier_pass");
  EXPECT_ACCEPTED(accept("aci-1", "c3", "2025-01-01", "2025-06-30"));
  EXPECT_EQ(pass().start, D("2025-01-01"));
}

TEST_F(Hire, WaitingPeriodNeedsAPrescriber) {
  // pass.waiting_period (les-emplois WAITING_PERIOD_YEARS): PASS A ended 2024-12-31.
  ready("ei-1", "2023-01-02");
  ASSERT_TRUE(accept("ei-1", "c1", "2023-01-02", "2023-07-01").ok());
  // A candidature by an orienteur from before the waiting period, still pending.
  ASSERT_TRUE(submit("asso-74", "c5", "aci-1", "2024-06-01").ok());
  ASSERT_TRUE(diagnose("aci-1", "s1", "2026-11-20", {"RSA"}).ok());
  EXPECT_REJECTED(accept("aci-1", "c5", "2026-11-23", "2027-05-22", contract("CDDI", 20)),
                  "pass.waiting_period");
  // After the waiting period (from 2027-01-01), the SIAE's own diagnosis is enough.
  w.set_today(D("2027-01-01"));
  ASSERT_TRUE(diagnose("aci-1", "s2", "2027-01-01", {"RSA"}).ok());
  EXPECT_ACCEPTED(accept("aci-1", "c5", "2027-01-01", "2027-06-30", contract("CDDI", 20)));
}

TEST_F(Hire, WaitingPeriodWithAPrescriberDiagnosisOrCandidature) {
  ready("ei-1", "2023-01-02");
  ASSERT_TRUE(accept("ei-1", "c1", "2023-01-02", "2023-07-01").ok());
  // A habilitated prescriber's candidature and the SIAE's own diagnosis.
  ASSERT_TRUE(submit("ml-annecy", "c2", "aci-1", "2026-11-20").ok());
  ASSERT_TRUE(diagnose("aci-1", "s1", "2026-11-20", {"RSA"}).ok());
  EXPECT_ACCEPTED(accept("aci-1", "c2", "2026-11-23", "2027-05-22", contract("CDDI", 20)));
  EXPECT_EQ(pass().number, "990000000002");
  EXPECT_EQ(state().past_passes.size(), 1u);
}

TEST_F(Hire, ContractTypeMustSuitTheSiaeKind) {
  // contract.type_not_allowed (seed004:L2364-2468).
  open();
  ASSERT_TRUE(diagnose("ft-annecy", "d1", "2026-11-02").ok());
  ASSERT_TRUE(submit("ft-annecy", "c1", "ei-1", "2026-11-02").ok());
  ASSERT_TRUE(submit("ft-annecy", "c2", "etti-1", "2026-11-02").ok());
  ASSERT_TRUE(submit("ft-annecy", "c3", "ai-1", "2026-11-02").ok());
  EXPECT_REJECTED(accept("ei-1", "c1", "2026-11-23", "2027-05-22", contract("CDDU")),
                  "contract.type_not_allowed");
  EXPECT_REJECTED(accept("etti-1", "c2", "2026-11-23", "2027-05-22", contract("CDDI")),
                  "contract.type_not_allowed");
  EXPECT_REJECTED(accept("ai-1", "c3", "2026-11-23", "2027-05-22", contract("MISSION")),
                  "contract.type_not_allowed");
  EXPECT_ACCEPTED(accept("ai-1", "c3", "2026-11-23", std::nullopt, contract("CDDU")));
  EXPECT_REJECTED(accept("ei-1", "c1", "2026-11-23", "2027-05-22", contract("INTERNSHIP")),
                  "malformed");
}

TEST_F(Hire, EitiOnlyWhileItsExperimentLasts) {
  // seed004:L436-437: EITI experiment until 2023-12-21 (ruleset iae-2023-12-22).
  ready("eiti-1", "2023-12-01");
  EXPECT_REJECTED(accept("eiti-1", "c1", "2023-12-22", std::nullopt, contract("MANDATE")),
                  "contract.type_not_allowed");
  auto r = accept("eiti-1", "c1", "2023-12-21", std::nullopt, contract("MANDATE"));
  EXPECT_ACCEPTED(r);
  EXPECT_EQ(r->ruleset, "iae-2021-12-01");
}

TEST_F(Hire, CddiAtLeastFourMonths) {
  // contract.too_short (seed004:L2375): 4 months from 2026-11-23 end on 2027-03-22.
  ready();
  EXPECT_REJECTED(accept("ei-1", "c1", "2026-11-23", "2027-03-21"), "contract.too_short");
  EXPECT_ACCEPTED(accept("ei-1", "c1", "2026-11-23", "2027-03-22"));
}

TEST_F(Hire, CddiAtMostTwentyFourMonths) {
  // contract.too_long (seed004:L2376): 24 months from 2026-11-23 end on 2028-11-22.
  ready();
  EXPECT_REJECTED(accept("ei-1", "c1", "2026-11-23", "2028-11-23"), "contract.too_long");
  EXPECT_ACCEPTED(accept("ei-1", "c1", "2026-11-23", "2028-11-22"));
}

TEST_F(Hire, MissionAtMostTwentyFourMonths) {
  // seed004:L2409-2411.
  ready("etti-1");
  EXPECT_REJECTED(accept("etti-1", "c1", "2026-11-23", "2028-11-23", contract("MISSION", 35)),
                  "contract.too_long");
  EXPECT_REJECTED(accept("etti-1", "c1", "2026-11-23", std::nullopt, contract("MISSION", 35)),
                  "malformed");
  EXPECT_ACCEPTED(accept("etti-1", "c1", "2026-11-23", "2028-11-22", contract("MISSION", 35)));
}

TEST_F(Hire, CddiNeedsAnEndAndCdiHasNone) {
  ready();
  EXPECT_REJECTED(accept("ei-1", "c1", "2026-11-23", std::nullopt), "malformed");
  EXPECT_REJECTED(accept("ei-1", "c1", "2026-11-23", "2027-05-22", contract("CDI_INCLUSION")),
                  "malformed");
  EXPECT_REJECTED(accept("ei-1", "c1", "2026-11-23", "2026-11-22"), "malformed");
}

TEST_F(Hire, CddiHoursAtLeastTwentyExceptInAci) {
  // contract.hours_too_low (seed004:L2377-2380).
  ready();
  EXPECT_REJECTED(accept("ei-1", "c1", "2026-11-23", "2027-05-22", contract("CDDI", 19)),
                  "contract.hours_too_low");
  EXPECT_REJECTED(accept("ei-1", "c1", "2026-11-23", "2027-05-22",
                         {{"type", "CDDI"}, {"weekly_minutes", 1199}}),
                  "contract.hours_too_low");
  EXPECT_ACCEPTED(accept("ei-1", "c1", "2026-11-23", "2027-05-22", contract("CDDI", 20)));
}

TEST_F(Hire, AciMayHireUnderTwentyHours) {
  ready("aci-1");
  EXPECT_ACCEPTED(accept("aci-1", "c1", "2026-11-23", "2027-05-22", contract("CDDI", 10)));
  EXPECT_EQ(state().contract("c1")->weekly_minutes, 600);
}

TEST_F(Hire, AtMost48HoursAWeek) {
  // contract.hours_too_high.
  ready();
  EXPECT_REJECTED(accept("ei-1", "c1", "2026-11-23", "2027-05-22", contract("CDDI", 49)),
                  "contract.hours_too_high");
  EXPECT_REJECTED(accept("ei-1", "c1", "2026-11-23", "2027-05-22",
                         {{"type", "CDDI"}, {"weekly_minutes", 48 * 60 + 1}}),
                  "contract.hours_too_high");
  EXPECT_ACCEPTED(accept("ei-1", "c1", "2026-11-23", "2027-05-22", contract("CDDI", 48)));
}

TEST_F(Hire, FractionalHoursAreSentAsMinutes) {
  ready();
  EXPECT_REJECTED(
      accept("ei-1", "c1", "2026-11-23", "2027-05-22", {{"type", "CDDI"}, {"weekly_hours", 26.5}}),
      "malformed");
  EXPECT_REJECTED(accept("ei-1", "c1", "2026-11-23", "2027-05-22",
                         {{"type", "CDDI"}, {"weekly_hours", 26}, {"weekly_minutes", 1590}}),
                  "malformed");
  EXPECT_ACCEPTED(accept("ei-1", "c1", "2026-11-23", "2027-05-22",
                         {{"type", "CDDI"}, {"weekly_minutes", 1590}}));
  EXPECT_EQ(state().contract("c1")->weekly_minutes, 1590);
}

class CdiInclusion : public Hire {
 protected:
  // A first hire from 2025-06-01 (PASS to 2027-05-31), then a candidature c2 to ei-2.
  void SetUp() override {
    Hire::SetUp();
    ready("ei-1", "2025-05-20", birth_);
    ASSERT_TRUE(accept("ei-1", "c1", "2025-06-01", "2025-12-31").ok());
    ASSERT_TRUE(submit("ft-annecy", "c2", "ei-2", "2026-05-01").ok());
  }
  std::string birth_ = "1969-06-01";  // 57 on 2026-06-01
};

TEST_F(CdiInclusion, AfterTwelveMonthsOfParcours) {
  // contract.cdi_inclusion_not_allowed (seed004:L1409-1413, L2429-2435).
  EXPECT_REJECTED(accept("ei-2", "c2", "2026-05-31", std::nullopt, contract("CDI_INCLUSION")),
                  "contract.cdi_inclusion_not_allowed");
  EXPECT_ACCEPTED(accept("ei-2", "c2", "2026-06-01", std::nullopt, contract("CDI_INCLUSION")));
  EXPECT_FALSE(state().contract("c2")->end.has_value());
}

class CdiInclusionTooYoung : public CdiInclusion {
 protected:
  void SetUp() override {
    birth_ = "1969-06-02";  // 56 on 2026-06-01
    CdiInclusion::SetUp();
  }
};

TEST_F(CdiInclusionTooYoung, FiftySevenOrMore) {
  EXPECT_REJECTED(accept("ei-2", "c2", "2026-06-01", std::nullopt, contract("CDI_INCLUSION")),
                  "contract.cdi_inclusion_not_allowed");
  EXPECT_ACCEPTED(accept("ei-2", "c2", "2026-06-02", std::nullopt, contract("CDI_INCLUSION")));
}

TEST_F(Hire, CdiInclusionNeverOpensAParcours) {
  ready("ei-1", "2026-11-02", "1960-01-01");
  EXPECT_REJECTED(accept("ei-1", "c1", "2026-11-23", std::nullopt, contract("CDI_INCLUSION")),
                  "contract.cdi_inclusion_not_allowed");
}

TEST_F(Hire, PassNumbersComeFromTheProcessor) {
  ready();
  w.set_pass_counter(-1);  // a broken allocation: not 12 digits
  auto r = accept("ei-1", "c1", "2026-11-23", "2027-05-22");
  EXPECT_REJECTED(r, "internal.pass_number");
  EXPECT_EQ(r.rejection().status, 500);
  w.set_pass_counter(42);
  EXPECT_ACCEPTED(accept("ei-1", "c1", "2026-11-23", "2027-05-22"));
  EXPECT_EQ(pass().number, "990000000042");
}

// --- CancelHire ------------------------------------------------------------------------------

TEST_F(Hire, CancelWithinThirtyDaysOfTheFirstDay) {
  // hire.cancel_too_late: until 30 days after the contract's first day (2026-12-23).
  ready();
  ASSERT_TRUE(accept("ei-1", "c1", "2026-11-23", "2027-05-22").ok());
  w.set_today(D("2026-12-24"));
  json cancel = {{"candidature_id", "c1"}, {"reason", "the person did not come"}};
  EXPECT_REJECTED(w.send("j1", "ei-1", "CancelHire", cancel), "hire.cancel_too_late");
  w.set_today(D("2026-12-23"));
  EXPECT_REJECTED(w.send("j1", "ei-2", "CancelHire", cancel), "forbidden");
  auto r = w.send("j1", "ei-1", "CancelHire", cancel);
  EXPECT_ACCEPTED(r);
  // The PASS issued by this hire and used by no other goes with it.
  EXPECT_EQ(types_of(r),
            (std::vector<std::string>{"candidature.hire_cancelled", "pass.cancelled"}));
  EXPECT_EQ(state().candidature("c1")->state, "cancelled");
  EXPECT_EQ(state().contract("c1")->status, "cancelled");
  EXPECT_FALSE(state().pass.has_value());
  ASSERT_EQ(state().past_passes.size(), 1u);
  EXPECT_EQ(state().past_passes[0].status, "cancelled");
  // A cancelled PASS starts no waiting period, and a new hire gets a new number.
  ASSERT_TRUE(submit("asso-74", "c2", "ei-2", "2026-12-23").ok());
  EXPECT_ACCEPTED(accept("ei-2", "c2", "2026-12-23", "2027-05-22"));
  EXPECT_EQ(pass().number, "990000000002");
  expect_replay_equal();
}

TEST_F(Hire, CancelKeepsAPassUsedByAnotherHire) {
  ready();
  ASSERT_TRUE(accept("ei-1", "c1", "2026-11-23", "2027-05-22").ok());
  ASSERT_TRUE(submit("ft-annecy", "c2", "aci-1", "2026-11-23").ok());
  ASSERT_TRUE(accept("aci-1", "c2", "2026-11-23", "2027-05-22").ok());
  auto r = w.send("j1", "ei-1", "CancelHire", {{"candidature_id", "c1"}, {"reason", "mistake"}});
  EXPECT_ACCEPTED(r);
  EXPECT_EQ(types_of(r), (std::vector<std::string>{"candidature.hire_cancelled"}));
  EXPECT_EQ(pass().status, "valid");
}

TEST_F(Hire, CancelledPassGivesBackTheEarlierOne) {
  ready("ei-1", "2023-01-02");
  ASSERT_TRUE(accept("ei-1", "c1", "2023-01-02", "2023-07-01").ok());
  ASSERT_TRUE(submit("ml-annecy", "c2", "ei-2", "2026-11-20").ok());
  ASSERT_TRUE(diagnose("ml-annecy", "d2", "2026-11-20").ok());
  ASSERT_TRUE(accept("ei-2", "c2", "2026-11-23", "2027-05-22").ok());
  ASSERT_TRUE(w.send("j1", "ei-2", "CancelHire", {{"candidature_id", "c2"}, {"reason", "m"}}).ok());
  EXPECT_EQ(pass().number, "990000000001");
  EXPECT_EQ(state().past_passes.size(), 1u);
  expect_replay_equal();
}

TEST_F(Hire, NoCancelOnceTheContractHasEnded) {
  ready();
  ASSERT_TRUE(accept("ei-1", "c1", "2026-11-23", "2027-05-22").ok());
  ASSERT_TRUE(
      w.send(
           "j1", "ei-1", "RecordExit",
           {{"contract_id", "c1"}, {"date", "2026-11-23"}, {"destination", {{"kind", "unknown"}}}})
          .ok());
  EXPECT_REJECTED(w.send("j1", "ei-1", "CancelHire", {{"candidature_id", "c1"}, {"reason", "m"}}),
                  "hire.cancel_too_late");
}

}  // namespace
}  // namespace parcours::testing
