// JOURNEY §3.9: deadlines kept by the system (ApplyDeadlines{day}, actor system).
#include "fixtures.h"

namespace parcours::testing {
namespace {

class Deadlines : public DomainTest {};

TEST_F(Deadlines, CandidatureLeftNewForSixtyDaysIsRefused) {
  // les-emplois AUTO_REJECT_JOB_APPLICATION_DELAY: submitted 2026-09-24, 60 days on
  // 2026-11-23.
  open();
  ASSERT_TRUE(submit("ft-annecy", "c1", "ei-1", "2026-09-24").ok());
  EXPECT_FALSE(domain::has_pending_deadlines(state(), D("2026-11-22")));
  EXPECT_REJECTED(w.deadlines("j1", D("2026-11-22")), "deadlines.nothing_due");
  EXPECT_TRUE(domain::has_pending_deadlines(state(), D("2026-11-23")));
  auto r = w.deadlines("j1", D("2026-11-23"));
  EXPECT_ACCEPTED(r);
  EXPECT_EQ(types_of(r), (std::vector<std::string>{"candidature.refused"}));
  EXPECT_EQ(r->events.at(0).data["reason"], "auto");
  EXPECT_EQ(r->events.at(0).data["days_pending"], 60);
  EXPECT_EQ(state().candidature("c1")->state, "refused");
  EXPECT_EQ(w.log("j1").back()["actor"], "system");
  // Idempotent: the same day again appends nothing.
  auto again = w.deadlines("j1", D("2026-11-23"));
  EXPECT_REJECTED(again, "deadlines.nothing_due");
  EXPECT_EQ(again.rejection().status, 422);
  EXPECT_FALSE(domain::has_pending_deadlines(state(), D("2026-11-23")));
  expect_replay_equal();
}

TEST_F(Deadlines, ProcessingCountsFromItsStartAndPostponedIsKept) {
  open();
  w.set_today(D("2026-09-01"));
  ASSERT_TRUE(submit("ft-annecy", "c1", "ei-1", "2026-09-01").ok());
  ASSERT_TRUE(submit("ft-annecy", "c2", "ei-2", "2026-09-01").ok());
  w.set_today(D("2026-09-10"));
  ASSERT_TRUE(w.send("j1", "ei-1", "ProcessCandidature", {{"candidature_id", "c1"}}).ok());
  ASSERT_TRUE(w.send("j1", "ei-2", "PostponeCandidature",
                     {{"candidature_id", "c2"}, {"message", "next season"}})
                  .ok());
  w.set_today(D("2026-11-23"));
  EXPECT_REJECTED(w.deadlines("j1", D("2026-11-08")), "deadlines.nothing_due");
  auto r = w.deadlines("j1", D("2026-11-09"));  // 60 days after 2026-09-10
  EXPECT_ACCEPTED(r);
  EXPECT_EQ(r->events.size(), 1u);
  EXPECT_EQ(state().candidature("c2")->state, "postponed");
}

TEST_F(Deadlines, AMissedDayIsCaughtUp) {
  open();
  ASSERT_TRUE(submit("ft-annecy", "c1", "ei-1", "2026-09-01").ok());
  auto r = w.deadlines("j1", D("2026-11-23"));
  EXPECT_ACCEPTED(r);
  EXPECT_EQ(r->events.at(0).data["days_pending"], 83);
}

TEST_F(Deadlines, ProlongationRemindersAt10_20_30Days) {
  hired("ei-1", "2025-01-06", "2025-07-05", "2025-01-02");
  w.set_today(D("2026-11-03"));
  ASSERT_TRUE(w.send("j1", "ei-1", "ProlongPass",
                     {{"prolongation_id", "p1"},
                      {"reason", "RQTH"},
                      {"end", "2027-06-30"},
                      {"prescriber_org", "ft-annecy"}})
                  .ok());
  w.set_today(D("2026-12-31"));
  EXPECT_REJECTED(w.deadlines("j1", D("2026-11-12")), "deadlines.nothing_due");
  for (const auto& [day, pending] : std::vector<std::pair<const char*, int>>{
           {"2026-11-13", 10}, {"2026-11-23", 20}, {"2026-12-03", 30}}) {
    auto r = w.deadlines("j1", D(day));
    EXPECT_ACCEPTED(r);
    EXPECT_EQ(types_of(r), (std::vector<std::string>{"pass.prolongation_reminder"})) << day;
    EXPECT_EQ(r->events.at(0).data["days_pending"], pending) << day;
    EXPECT_REJECTED(w.deadlines("j1", D(day)), "deadlines.nothing_due");
  }
  EXPECT_REJECTED(w.deadlines("j1", D("2026-12-13")), "deadlines.nothing_due");
  expect_replay_equal();
}

TEST_F(Deadlines, MissedRemindersGiveOneForTheHighestThreshold) {
  hired("ei-1", "2025-01-06", "2025-07-05", "2025-01-02");
  w.set_today(D("2026-11-03"));
  ASSERT_TRUE(w.send("j1", "ei-1", "ProlongPass",
                     {{"prolongation_id", "p1"},
                      {"reason", "RQTH"},
                      {"end", "2027-06-30"},
                      {"prescriber_org", "ft-annecy"}})
                  .ok());
  w.set_today(D("2026-11-30"));
  auto r = w.deadlines("j1", D("2026-11-28"));
  EXPECT_ACCEPTED(r);
  EXPECT_EQ(r->events.size(), 1u);
  EXPECT_EQ(r->events.at(0).data["days_pending"], 20);
  // Once decided, no more reminders.
  ASSERT_TRUE(w.send("j1", "ft-annecy", "DecideProlongation",
                     {{"prolongation_id", "p1"}, {"decision", "granted"}})
                  .ok());
  EXPECT_FALSE(domain::has_pending_deadlines(state(), D("2026-12-10")));
}

TEST_F(Deadlines, OnlyTheSystem) {
  open();
  ASSERT_TRUE(submit("ft-annecy", "c1", "ei-1", "2026-09-01").ok());
  EXPECT_REJECTED(w.send("j1", "ei-1", "ApplyDeadlines", {{"day", "2026-11-23"}}), "forbidden");
  EXPECT_REJECTED(w.send("j1", "admin", "ApplyDeadlines", {{"day", "2026-11-23"}}), "forbidden");
  EXPECT_REJECTED(w.deadlines("j1", D("2026-11-24")), "date.in_future");
  EXPECT_REJECTED(w.send("j1", "system", "ApplyDeadlines", {{"day", "2026-02-30"}}), "malformed");
  EXPECT_REJECTED(w.deadlines("j404", D("2026-11-23")), "not_found");
  EXPECT_FALSE(domain::has_pending_deadlines(w.state("j404"), D("2026-11-23")));
}

}  // namespace
}  // namespace parcours::testing
