// JOURNEY §3.4: suspending a PASS IAE (seed004:L1906-1915; les-emplois approvals). Today is
// 2026-11-23.
#include "fixtures.h"

namespace parcours::testing {
namespace {

class Suspension : public DomainTest {
 protected:
  // A hire at ei-1 from 2026-06-01 to 2026-09-30, ended: PASS 2026-06-01..2028-05-30.
  void SetUp() override {
    DomainTest::SetUp();
    hired("ei-1", "2026-06-01", "2026-09-30", "2026-05-15");
    ASSERT_TRUE(w.send("j1", "ei-1", "EndContract",
                       {{"contract_id", "c1"}, {"date", "2026-09-30"}, {"reason", "end of term"}})
                    .ok());
  }
  domain::Result<domain::Decision> suspend(const std::string& org, const std::string& id,
                                           const std::string& start, const std::string& end,
                                           const std::string& reason = "FINISHED_CONTRACT") {
    return w.send("j1", org, "SuspendPass",
                  {{"suspension_id", id}, {"start", start}, {"end", end}, {"reason", reason}});
  }
  domain::Result<domain::Decision> end_suspension(const std::string& org, const std::string& id,
                                                  const std::string& back) {
    return w.send("j1", org, "EndPassSuspension",
                  {{"suspension_id", id}, {"first_day_back", back}});
  }
};

TEST_F(Suspension, LengthCountsBothEnds) {
  // JOURNEY §1, §8: a suspension from D to D+29 lasts 30 days; the PASS end moves by 30.
  auto r = suspend("ei-1", "s1", "2026-10-01", "2026-10-30");
  EXPECT_ACCEPTED(r);
  EXPECT_EQ(r->events.at(0).data["pass_end"], "2028-06-29");
  EXPECT_EQ(pass().end, D("2028-06-29"));
  expect_replay_equal();
}

TEST_F(Suspension, WhoMaySuspend) {
  // The SIAE of the last hire, or a habilitated prescriber; never another SIAE or an orienteur.
  EXPECT_REJECTED(suspend("ei-2", "s1", "2026-10-01", "2026-10-30"), "forbidden");
  EXPECT_REJECTED(suspend("asso-74", "s1", "2026-10-01", "2026-10-30"), "forbidden");
  EXPECT_ACCEPTED(suspend("ft-annecy", "s1", "2026-10-01", "2026-10-30"));
  EXPECT_EQ(pass().suspensions.at(0).by_org, "ft-annecy");
}

TEST_F(Suspension, PrescriberOnlyWhenNoContractIsActive) {
  // pass.contract_active (seed004:L1906-1915): c1 runs until 2026-09-30.
  EXPECT_REJECTED(suspend("ft-annecy", "s1", "2026-09-30", "2026-10-30"), "pass.contract_active");
  EXPECT_ACCEPTED(suspend("ft-annecy", "s1", "2026-10-01", "2026-10-30"));
}

TEST_F(Suspension, PassMustBeValidOnStart) {
  // pass.not_valid: the PASS starts on 2026-06-01.
  EXPECT_REJECTED(suspend("ei-1", "s1", "2026-05-31", "2026-10-30"), "pass.not_valid");
}

TEST_F(Suspension, NoPassNoSuspension) {
  open("j2");
  auto r = w.send("j2", "ft-annecy", "SuspendPass",
                  {{"suspension_id", "s1"},
                   {"start", "2026-10-01"},
                   {"end", "2026-10-30"},
                   {"reason", "FINISHED_CONTRACT"}});
  EXPECT_REJECTED(r, "pass.not_valid");
}

TEST_F(Suspension, NotBeforeTheLastHire) {
  // pass.suspension_before_hire: a second hire at ei-2 from 2026-10-15.
  ASSERT_TRUE(submit("ft-annecy", "c2", "ei-2", "2026-10-01").ok());
  ASSERT_TRUE(accept("ei-2", "c2", "2026-10-15", "2027-02-14").ok());
  EXPECT_REJECTED(suspend("ei-1", "s1", "2026-10-15", "2026-10-30"), "forbidden");  // not last
  EXPECT_REJECTED(suspend("ei-2", "s1", "2026-10-14", "2026-10-30"), "pass.suspension_before_hire");
  EXPECT_ACCEPTED(suspend("ei-2", "s1", "2026-10-15", "2026-10-30", "CONTRACT_SUSPENDED"));
}

TEST_F(Suspension, NotInTheFuture) {
  // pass.suspension_in_future: start <= today.
  EXPECT_REJECTED(suspend("ei-1", "s1", "2026-11-24", "2026-12-30"), "pass.suspension_in_future");
  EXPECT_ACCEPTED(suspend("ei-1", "s1", "2026-11-23", "2026-12-30"));
}

TEST_F(Suspension, AtMostThirtySixMonths) {
  // pass.suspension_too_long: end <= start + 36 months - 1 day.
  EXPECT_REJECTED(suspend("ei-1", "s1", "2026-10-01", "2029-10-01"), "pass.suspension_too_long");
  EXPECT_ACCEPTED(suspend("ei-1", "s1", "2026-10-01", "2029-09-30"));
}

TEST_F(Suspension, EndBeforeStartIsMalformed) {
  EXPECT_REJECTED(suspend("ei-1", "s1", "2026-10-01", "2026-09-30"), "malformed");
  EXPECT_REJECTED(suspend("ei-1", "s1", "2026-10-01", "2026-10-32"), "malformed");
  EXPECT_REJECTED(suspend("ei-1", "s1", "2026-10-01", "2026-10-30", "HOLIDAYS"), "malformed");
}

TEST_F(Suspension, NoOverlap) {
  // pass.suspension_overlap.
  ASSERT_TRUE(suspend("ei-1", "s1", "2026-10-01", "2026-10-30").ok());
  EXPECT_REJECTED(suspend("ei-1", "s2", "2026-10-30", "2026-11-05"), "pass.suspension_overlap");
  EXPECT_REJECTED(suspend("ei-1", "s1", "2026-11-01", "2026-11-05"), "id_taken");
  EXPECT_ACCEPTED(suspend("ei-1", "s2", "2026-10-31", "2026-11-05"));
}

TEST_F(Suspension, ContratPasserelleEndedWithItsExperiment) {
  // pass.suspension_reason_not_allowed: the experiment ran 2021-2023 (seed004:L2443).
  EXPECT_REJECTED(suspend("ei-1", "s1", "2026-10-01", "2026-12-31", "CONTRAT_PASSERELLE"),
                  "pass.suspension_reason_not_allowed");
}

TEST_F(Suspension, EndedEarly) {
  // pass.suspension_end_invalid: start < first_day_back <= end.
  ASSERT_TRUE(suspend("ei-1", "s1", "2026-10-01", "2026-10-30").ok());
  EXPECT_REJECTED(end_suspension("ei-1", "s1", "2026-10-01"), "pass.suspension_end_invalid");
  EXPECT_REJECTED(end_suspension("ei-1", "s1", "2026-10-31"), "pass.suspension_end_invalid");
  EXPECT_REJECTED(end_suspension("ei-1", "s9", "2026-10-10"), "not_found");
  EXPECT_REJECTED(end_suspension("ei-2", "s1", "2026-10-10"), "forbidden");
  // Back on 2026-10-11: suspended 10 days (2026-10-01..10), the PASS end moves back 20.
  auto r = end_suspension("ei-1", "s1", "2026-10-11");
  EXPECT_ACCEPTED(r);
  EXPECT_EQ(pass().suspensions.at(0).end, D("2026-10-10"));
  EXPECT_EQ(pass().end, D("2028-05-30").plus_days(10));
  expect_replay_equal();
}

TEST_F(Suspension, EndedOnItsLastDay) {
  ASSERT_TRUE(suspend("ft-annecy", "s1", "2026-10-01", "2026-10-30").ok());
  EXPECT_ACCEPTED(end_suspension("ft-annecy", "s1", "2026-10-30"));
  EXPECT_EQ(pass().end, D("2028-05-30").plus_days(29));
}

class SuspensionRetroactivity : public DomainTest {};

TEST_F(SuspensionRetroactivity, AtMost365DaysBack) {
  // pass.suspension_too_retroactive: start >= today - 365 days (2025-11-23).
  hired("ei-1", "2025-06-01", "2025-09-30", "2025-05-15");
  auto suspend = [&](const std::string& start) {
    return w.send("j1", "ei-1", "SuspendPass",
                  {{"suspension_id", "s" + start},
                   {"start", start},
                   {"end", "2025-12-31"},
                   {"reason", "FINISHED_CONTRACT"}});
  };
  EXPECT_REJECTED(suspend("2025-11-22"), "pass.suspension_too_retroactive");
  EXPECT_ACCEPTED(suspend("2025-11-23"));
}

class Passerelle : public DomainTest {
 protected:
  // In 2023, while the experiment runs: a hire from 2023-01-02 (PASS to 2024-12-31).
  void SetUp() override {
    DomainTest::SetUp();
    w.set_today(D("2023-09-01"));
  }
  domain::Result<domain::Decision> suspend(const std::string& org, const std::string& start,
                                           const std::string& end) {
    return w.send("j1", org, "SuspendPass",
                  {{"suspension_id", "s1"},
                   {"start", start},
                   {"end", end},
                   {"reason", "CONTRAT_PASSERELLE"}});
  }
};

TEST_F(Passerelle, OnlyForEiAndAci) {
  // pass.suspension_reason_not_allowed for an AI (JOURNEY §3.4).
  hired("ai-1", "2023-01-02", "2023-12-31", "2022-12-20");
  EXPECT_REJECTED(suspend("ai-1", "2023-06-01", "2023-08-31"),
                  "pass.suspension_reason_not_allowed");
  EXPECT_REJECTED(suspend("ft-annecy", "2024-06-01", "2023-08-31"), "malformed");
}

TEST_F(Passerelle, AfterFourMonthsOfParcoursForSixMonthsAtMost) {
  // seed004:L2443-2454: 4 months of parcours first; 3 months renewable once.
  hired("ei-1", "2023-01-02", "2023-12-31", "2022-12-20");
  EXPECT_REJECTED(suspend("ei-1", "2023-05-01", "2023-07-31"),
                  "pass.suspension_reason_not_allowed");
  EXPECT_REJECTED(suspend("ei-1", "2023-05-02", "2023-11-02"), "pass.suspension_too_long");
  auto r = suspend("ei-1", "2023-05-02", "2023-11-01");
  EXPECT_ACCEPTED(r);
  EXPECT_EQ(r->ruleset, "iae-2021-12-01");
}

}  // namespace
}  // namespace parcours::testing
