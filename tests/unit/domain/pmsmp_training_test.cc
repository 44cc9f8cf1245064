// JOURNEY §3.6 PMSMP (seed001 §2.3, seed004:L120-121, L2381) and §3.7 training.
#include "fixtures.h"

namespace parcours::testing {
namespace {

class Pmsmp : public DomainTest {
 protected:
  domain::Result<domain::Decision> start(const std::string& org, const std::string& id,
                                         const std::string& from, const std::string& to,
                                         long hours = 35) {
    return w.send("j1", org, "StartPmsmp",
                  {{"pmsmp_id", id},
                   {"host", {{"siret", "73282932000074"}, {"name", "Boulangerie Dupont"}}},
                   {"objective", "discover"},
                   {"start", from},
                   {"end", to},
                   {"weekly_hours", hours}});
  }
};

TEST_F(Pmsmp, WhoMaySetOneUp) {
  // A prescriber or an SIAE other than an ETTI; an orienteur gets 403.
  open();
  EXPECT_ACCEPTED(start("ft-annecy", "m1", "2026-12-01", "2026-12-05"));
  EXPECT_ACCEPTED(start("ei-1", "m2", "2026-12-07", "2026-12-11"));
  EXPECT_REJECTED(start("etti-1", "m3", "2026-12-14", "2026-12-18"), "forbidden");
  EXPECT_REJECTED(start("asso-74", "m3", "2026-12-14", "2026-12-18"), "forbidden");
  EXPECT_REJECTED(start("ei-1", "m1", "2026-12-14", "2026-12-18"), "id_taken");
  expect_replay_equal();
}

TEST_F(Pmsmp, AtMostThirtyDays) {
  // pmsmp.too_long: 30 calendar days, both ends included.
  open();
  EXPECT_REJECTED(start("ft-annecy", "m1", "2026-12-01", "2026-12-31"), "pmsmp.too_long");
  EXPECT_ACCEPTED(start("ft-annecy", "m1", "2026-12-01", "2026-12-30"));
}

TEST_F(Pmsmp, AtMost48HoursAWeek) {
  // pmsmp.hours_too_high.
  open();
  EXPECT_REJECTED(start("ft-annecy", "m1", "2026-12-01", "2026-12-05", 49), "pmsmp.hours_too_high");
  EXPECT_ACCEPTED(start("ft-annecy", "m1", "2026-12-01", "2026-12-05", 48));
}

TEST_F(Pmsmp, NoOverlap) {
  // pmsmp.overlap.
  open();
  ASSERT_TRUE(start("ft-annecy", "m1", "2026-12-01", "2026-12-10").ok());
  EXPECT_REJECTED(start("ft-annecy", "m2", "2026-12-10", "2026-12-12"), "pmsmp.overlap");
  EXPECT_ACCEPTED(start("ft-annecy", "m2", "2026-12-11", "2026-12-12"));
}

TEST_F(Pmsmp, CumulativeCapWithinAContract) {
  // pmsmp.cumulative_cap: contract 2026-11-23..2027-05-22 is 181 days; 25 % is 45.25 days.
  hired();
  ASSERT_TRUE(start("ei-1", "m1", "2026-12-01", "2026-12-30").ok());  // 30 days
  ASSERT_TRUE(start("ei-1", "m2", "2027-01-05", "2027-01-19").ok());  // 15 days: 45
  EXPECT_REJECTED(start("ei-1", "m3", "2027-02-01", "2027-02-01"), "pmsmp.cumulative_cap");
  // After the contract, no cap applies.
  EXPECT_ACCEPTED(start("ft-annecy", "m3", "2027-05-23", "2027-05-23"));
}

TEST_F(Pmsmp, BadInput) {
  open();
  json d = {{"pmsmp_id", "m1"},        {"host", {{"siret", "7328293200007"}, {"name", "X"}}},
            {"objective", "discover"}, {"start", "2026-12-01"},
            {"end", "2026-12-05"},     {"weekly_hours", 35}};
  EXPECT_REJECTED(w.send("j1", "ft-annecy", "StartPmsmp", d), "malformed");  // 13 digits
  d["host"]["siret"] = "73282932000074";
  d["objective"] = "holiday";
  EXPECT_REJECTED(w.send("j1", "ft-annecy", "StartPmsmp", d), "malformed");
  d["objective"] = "confirm_project";
  d["end"] = "2026-11-30";
  EXPECT_REJECTED(w.send("j1", "ft-annecy", "StartPmsmp", d), "malformed");
  d["end"] = "2026-12-05";
  d["weekly_hours"] = 35.5;
  EXPECT_REJECTED(w.send("j1", "ft-annecy", "StartPmsmp", d), "malformed");
  d.erase("weekly_hours");
  d["weekly_minutes"] = 35 * 60 + 30;
  EXPECT_ACCEPTED(w.send("j1", "ft-annecy", "StartPmsmp", d));
}

TEST_F(Pmsmp, Ending) {
  open();
  ASSERT_TRUE(start("ei-1", "m1", "2026-11-10", "2026-11-20").ok());
  json e = {{"pmsmp_id", "m1"}, {"date", "2026-11-21"}, {"outcome", "completed"}};
  EXPECT_REJECTED(w.send("j1", "ft-annecy", "EndPmsmp", e), "forbidden");
  // pmsmp.end_invalid: within its planned period.
  EXPECT_REJECTED(w.send("j1", "ei-1", "EndPmsmp", e), "pmsmp.end_invalid");
  e["date"] = "2026-11-09";
  EXPECT_REJECTED(w.send("j1", "ei-1", "EndPmsmp", e), "pmsmp.end_invalid");
  e["date"] = "2026-11-20";
  e["ended_with_job"] = {{"contract_type", "cdi"}};
  EXPECT_ACCEPTED(w.send("j1", "ei-1", "EndPmsmp", e));
  // pmsmp.already_ended.
  EXPECT_REJECTED(w.send("j1", "ei-1", "EndPmsmp", e), "pmsmp.already_ended");
  e["pmsmp_id"] = "m9";
  EXPECT_REJECTED(w.send("j1", "ei-1", "EndPmsmp", e), "not_found");
  EXPECT_EQ(state().pmsmps.at(0).outcome, "completed");
  expect_replay_equal();
}

class Training : public DomainTest {
 protected:
  json training(const std::string& id, const std::string& from) {
    return {{"training_id", id},     {"kind", "qualifying"},
            {"title", "CACES R489"}, {"provider", "AFPA Annecy"},
            {"start", from},         {"planned_end", "2027-03-31"},
            {"hours", 140}};
  }
};

TEST_F(Training, EmployingSiaeOrPrescriber) {
  hired();
  EXPECT_ACCEPTED(w.send("j1", "ei-1", "StartTraining", training("t1", "2026-12-01")));
  EXPECT_ACCEPTED(w.send("j1", "ft-annecy", "StartTraining", training("t2", "2026-12-01")));
  EXPECT_REJECTED(w.send("j1", "ei-2", "StartTraining", training("t3", "2026-12-01")), "forbidden");
  EXPECT_REJECTED(w.send("j1", "asso-74", "StartTraining", training("t3", "2026-12-01")),
                  "forbidden");
  // Not employing on the start day.
  EXPECT_REJECTED(w.send("j1", "ei-1", "StartTraining", training("t3", "2026-11-22")), "forbidden");
  EXPECT_EQ(state().trainings.at(0).minutes, 140 * 60);
  expect_replay_equal();
}

TEST_F(Training, Ending) {
  hired();
  ASSERT_TRUE(w.send("j1", "ft-annecy", "StartTraining", training("t1", "2026-11-01")).ok());
  json e = {{"training_id", "t1"}, {"date", "2026-10-31"}, {"outcome", "certified"}};
  // training.end_invalid: not before its start.
  EXPECT_REJECTED(w.send("j1", "ft-annecy", "EndTraining", e), "training.end_invalid");
  e["date"] = "2026-11-20";
  EXPECT_REJECTED(w.send("j1", "ei-1", "EndTraining", e), "forbidden");
  e["outcome"] = "abandoned";
  e["certification"] = "CACES";
  EXPECT_REJECTED(w.send("j1", "ft-annecy", "EndTraining", e), "malformed");
  e["outcome"] = "certified";
  EXPECT_ACCEPTED(w.send("j1", "ft-annecy", "EndTraining", e));
  // training.already_ended.
  EXPECT_REJECTED(w.send("j1", "ft-annecy", "EndTraining", e), "training.already_ended");
  EXPECT_EQ(state().trainings.at(0).certification, "CACES");
  expect_replay_equal();
}

TEST_F(Training, BadInput) {
  hired();
  json t = training("t1", "2026-12-01");
  t["kind"] = "juggling";
  EXPECT_REJECTED(w.send("j1", "ft-annecy", "StartTraining", t), "malformed");
  t = training("t1", "2026-12-01");
  t["planned_end"] = "2026-11-30";
  EXPECT_REJECTED(w.send("j1", "ft-annecy", "StartTraining", t), "malformed");
  t = training("t1", "2026-12-01");
  t["title"] = std::string(201, 'x');
  EXPECT_REJECTED(w.send("j1", "ft-annecy", "StartTraining", t), "malformed");
  t = training("t1", "2026-12-01");
  t.erase("hours");
  t["minutes"] = 90;
  EXPECT_ACCEPTED(w.send("j1", "ft-annecy", "StartTraining", t));
}

}  // namespace
}  // namespace parcours::testing
