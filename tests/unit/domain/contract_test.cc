// JOURNEY §3.5: renewing, suspending and ending a contract (seed004:L2364-2468).
#include "fixtures.h"

namespace parcours::testing {
namespace {

class Contracts : public DomainTest {
 protected:
  domain::Result<domain::Decision> renew(const std::string& end, const std::string& org = "ei-1",
                                         const std::string& id = "c1") {
    return w.send("j1", org, "RenewContract", {{"contract_id", id}, {"end", end}});
  }
};

TEST_F(Contracts, RenewalWithinTwentyFourMonths) {
  // contract.too_long: a CDDI from 2026-11-23 ends by 2028-11-22 at the latest, renewals
  // included; the PASS ends 2028-11-21, so that is the limit here.
  hired();
  EXPECT_ACCEPTED(renew("2027-11-22"));
  EXPECT_EQ(state().contract("c1")->end, D("2027-11-22"));
  EXPECT_REJECTED(renew("2028-11-22"), "contract.too_long");  // beyond the PASS end
  EXPECT_ACCEPTED(renew("2028-11-21"));
  expect_replay_equal();
}

TEST_F(Contracts, RenewalOnlyByItsSiaeToALaterEnd) {
  hired();
  EXPECT_REJECTED(renew("2027-11-22", "ei-2"), "forbidden");
  EXPECT_REJECTED(renew("2027-11-22", "ei-1", "c9"), "not_found");
  // contract.renewal_invalid: the new end must be later.
  EXPECT_REJECTED(renew("2027-05-22"), "contract.renewal_invalid");
  EXPECT_REJECTED(renew("2027-13-01"), "malformed");
}

TEST_F(Contracts, TwentyFourMonthsCapLiftedByAProlongation) {
  // JOURNEY §3.5: the CDDI total may exceed 24 months once the PASS is prolonged, never the
  // PASS end. Hire 2025-01-06..2025-07-05, PASS to 2027-01-05.
  open();
  ASSERT_TRUE(diagnose("ft-annecy", "d1", "2025-01-02").ok());
  ASSERT_TRUE(submit("ft-annecy", "c1", "ei-1", "2025-01-02").ok());
  ASSERT_TRUE(accept("ei-1", "c1", "2025-01-06", "2025-07-05").ok());
  EXPECT_ACCEPTED(renew("2027-01-05"));  // 24 months exactly is 2027-01-05
  ASSERT_TRUE(
      w.send("j1", "ei-1", "ProlongPass",
             {{"prolongation_id", "p1"}, {"reason", "COMPLETE_TRAINING"}, {"end", "2027-06-30"}})
          .ok());
  EXPECT_REJECTED(renew("2027-07-01"), "contract.too_long");  // beyond the PASS end
  EXPECT_ACCEPTED(renew("2027-06-30"));
}

TEST_F(Contracts, CdiIsNotRenewed) {
  // contract.renewal_invalid for a contract without an end.
  hired("ai-1", "2026-11-23", std::nullopt, "2026-11-02", contract("CDDU"));
  EXPECT_REJECTED(renew("2027-11-22", "ai-1"), "contract.renewal_invalid");
}

TEST_F(Contracts, SuspensionWithinTheContract) {
  hired();
  auto suspend = [&](const std::string& start, const std::string& end, const std::string& reason) {
    return w.send("j1", "ei-1", "SuspendContract",
                  {{"contract_id", "c1"}, {"start", start}, {"end", end}, {"reason", reason}});
  };
  // contract.suspension_invalid: within 2026-11-23..2027-05-22.
  EXPECT_REJECTED(suspend("2026-11-22", "2026-12-01", "health"), "contract.suspension_invalid");
  EXPECT_REJECTED(suspend("2027-05-01", "2027-05-23", "health"), "contract.suspension_invalid");
  EXPECT_ACCEPTED(suspend("2027-05-01", "2027-05-22", "health"));
  // contract.suspension_overlap.
  EXPECT_REJECTED(suspend("2027-04-20", "2027-05-01", "training"), "contract.suspension_overlap");
  EXPECT_ACCEPTED(suspend("2027-04-20", "2027-04-30", "training"));
  EXPECT_REJECTED(suspend("2027-01-01", "2027-01-10", "vacation"), "malformed");
  EXPECT_REJECTED(suspend("2027-01-10", "2027-01-01", "health"), "malformed");
  EXPECT_EQ(state().contract("c1")->suspensions.size(), 2u);
  expect_replay_equal();
}

TEST_F(Contracts, EndWithinThePlannedPeriod) {
  // contract.end_invalid: on or after its start, no later than its planned end.
  hired("ei-1", "2026-05-01", "2026-10-31", "2026-04-15");
  auto end_on = [&](const std::string& date) {
    return w.send("j1", "ei-1", "EndContract",
                  {{"contract_id", "c1"}, {"date", date}, {"reason", "resignation"}});
  };
  EXPECT_REJECTED(end_on("2026-04-30"), "contract.end_invalid");
  EXPECT_REJECTED(end_on("2026-11-01"), "contract.end_invalid");
  EXPECT_REJECTED(end_on("2026-11-24"), "date.in_future");
  EXPECT_ACCEPTED(end_on("2026-10-31"));
  EXPECT_EQ(state().contract("c1")->status, "ended");
  EXPECT_REJECTED(end_on("2026-10-31"), "contract.end_invalid");  // already ended
  EXPECT_REJECTED(w.send("j1", "ei-2", "EndContract",
                         {{"contract_id", "c1"}, {"date", "2026-10-31"}, {"reason", "x"}}),
                  "forbidden");
}

}  // namespace
}  // namespace parcours::testing
