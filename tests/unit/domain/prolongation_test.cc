// JOURNEY §3.4: prolonging a PASS IAE (seed004:L1925-1936, L3004-3053; les-emplois).
#include "fixtures.h"

namespace parcours::testing {
namespace {

class Prolongation : public DomainTest {
 protected:
  // A hire at `siae` from 2025-01-06 to 2025-07-05: PASS 2025-01-06..2027-01-05; the window
  // to ask is 2026-01-05..2027-07-05. Today 2026-11-23.
  void setup(const std::string& siae = "ei-1", const std::string& birth = "1990-04-02") {
    open("j1", birth);
    ASSERT_TRUE(diagnose("ft-annecy", "d1", "2025-01-02").ok());
    ASSERT_TRUE(submit("ft-annecy", "c1", siae, "2025-01-02").ok());
    ASSERT_TRUE(accept(siae, "c1", "2025-01-06", "2025-07-05", contract("CDDI", 26)).ok());
    ASSERT_EQ(pass().end, D("2027-01-05"));
  }
  domain::Result<domain::Decision> prolong(const std::string& id, const std::string& reason,
                                           Date end, std::optional<std::string> prescriber = {},
                                           const std::string& siae = "ei-1") {
    json d = {{"prolongation_id", id}, {"reason", reason}, {"end", end.str()}};
    if (prescriber) d["prescriber_org"] = *prescriber;
    return w.send("j1", siae, "ProlongPass", d);
  }
  domain::Result<domain::Decision> decide(const std::string& org, json data) {
    return w.send("j1", org, "DecideProlongation", data);
  }
  Date end() { return pass().end; }
};

TEST_F(Prolongation, DeclaredReasonTakesEffectAtOnce) {
  setup();
  auto r = prolong("p1", "COMPLETE_TRAINING", end().plus_days(365));
  EXPECT_ACCEPTED(r);
  EXPECT_EQ(types_of(r), (std::vector<std::string>{"pass.prolonged"}));
  EXPECT_EQ(pass().end, D("2028-01-05"));
  EXPECT_EQ(pass().prolongations.at(0).status, "declared");
  EXPECT_EQ(pass().prolongations.at(0).start, D("2027-01-05"));
  EXPECT_EQ(pass().prolongations.at(0).days, 365);
  expect_replay_equal();
}

TEST_F(Prolongation, TooShortAndTooLong) {
  // pass.prolongation_too_short: at least a day after the current end;
  // pass.prolongation_too_long: the reason's maximum (365 days for COMPLETE_TRAINING).
  setup();
  EXPECT_REJECTED(prolong("p1", "COMPLETE_TRAINING", end()), "pass.prolongation_too_short");
  EXPECT_REJECTED(prolong("p1", "COMPLETE_TRAINING", end().plus_days(366)),
                  "pass.prolongation_too_long");
  EXPECT_ACCEPTED(prolong("p1", "COMPLETE_TRAINING", end().plus_days(1)));
}

TEST_F(Prolongation, WindowBoundaries) {
  // pass.prolongation_window: between PASS end - 12 months and PASS end + 6 months.
  setup();
  w.set_today(D("2026-01-04"));
  EXPECT_REJECTED(prolong("p1", "COMPLETE_TRAINING", end().plus_days(10)),
                  "pass.prolongation_window");
  w.set_today(D("2026-01-05"));
  EXPECT_ACCEPTED(prolong("p1", "COMPLETE_TRAINING", D("2027-01-15")));
  // Now ending 2027-01-15: the window closes on 2027-07-15.
  w.set_today(D("2027-07-16"));
  EXPECT_REJECTED(prolong("p2", "COMPLETE_TRAINING", D("2027-02-15")), "pass.prolongation_window");
  w.set_today(D("2027-07-15"));
  EXPECT_ACCEPTED(prolong("p2", "COMPLETE_TRAINING", D("2027-02-15")));
}

TEST_F(Prolongation, OnlyAnSiaeThatHiredOnThePass) {
  setup();
  EXPECT_REJECTED(prolong("p1", "COMPLETE_TRAINING", end().plus_days(10), {}, "ei-2"), "forbidden");
  EXPECT_REJECTED(w.send("j1", "ft-annecy", "ProlongPass",
                         {{"prolongation_id", "p1"},
                          {"reason", "COMPLETE_TRAINING"},
                          {"end", end().plus_days(10).str()}}),
                  "forbidden");
}

TEST_F(Prolongation, NotWhileSuspended) {
  // pass.currently_suspended.
  setup();
  ASSERT_TRUE(w.send("j1", "ei-1", "SuspendPass",
                     {{"suspension_id", "s1"},
                      {"start", "2026-11-01"},
                      {"end", "2026-11-23"},
                      {"reason", "FINISHED_CONTRACT"}})
                  .ok());
  EXPECT_REJECTED(prolong("p1", "COMPLETE_TRAINING", end().plus_days(10)),
                  "pass.currently_suspended");
  w.set_today(D("2026-11-24"));
  EXPECT_ACCEPTED(prolong("p1", "COMPLETE_TRAINING", end().plus_days(10)));
}

TEST_F(Prolongation, RequestGrantedByTheRequestedPrescriber) {
  setup();
  auto r = prolong("p1", "RQTH", end().plus_days(200), "ft-annecy");
  EXPECT_ACCEPTED(r);
  EXPECT_EQ(types_of(r), (std::vector<std::string>{"pass.prolongation_requested"}));
  EXPECT_EQ(pass().end, D("2027-01-05"));  // unchanged until granted
  // pass.prolongation_pending: one pending request at a time.
  EXPECT_REJECTED(prolong("p2", "COMPLETE_TRAINING", end().plus_days(10)),
                  "pass.prolongation_pending");
  // Only the requested prescriber decides.
  EXPECT_REJECTED(decide("ml-annecy", {{"prolongation_id", "p1"}, {"decision", "granted"}}),
                  "forbidden");
  EXPECT_REJECTED(decide("ei-1", {{"prolongation_id", "p1"}, {"decision", "granted"}}),
                  "forbidden");
  EXPECT_REJECTED(decide("ft-annecy", {{"prolongation_id", "p9"}, {"decision", "granted"}}),
                  "not_found");
  // A grant starts at the PASS end of the day of the grant: a suspension since the request
  // moved the end by 10 days.
  ASSERT_TRUE(w.send("j1", "ei-1", "SuspendPass",
                     {{"suspension_id", "s1"},
                      {"start", "2026-11-14"},
                      {"end", "2026-11-23"},
                      {"reason", "FINISHED_CONTRACT"}})
                  .ok());
  w.set_today(D("2026-11-25"));
  EXPECT_ACCEPTED(decide("ft-annecy", {{"prolongation_id", "p1"}, {"decision", "granted"}}));
  EXPECT_EQ(pass().prolongations.at(0).status, "granted");
  EXPECT_EQ(pass().prolongations.at(0).start, D("2027-01-15"));
  EXPECT_EQ(pass().end, D("2027-01-15").plus_days(200));
  // pass.prolongation_not_pending: decided once.
  EXPECT_REJECTED(decide("ft-annecy", {{"prolongation_id", "p1"}, {"decision", "granted"}}),
                  "pass.prolongation_not_pending");
  expect_replay_equal();
}

TEST_F(Prolongation, DenialIsMotivated) {
  // seed004:L3047-3049: the prescriber motivates the refusal in writing.
  setup();
  ASSERT_TRUE(prolong("p1", "RQTH", end().plus_days(200), "ft-annecy").ok());
  json d = {{"prolongation_id", "p1"}, {"decision", "denied"}, {"deny_reason", "IAE"}};
  EXPECT_REJECTED(decide("ft-annecy", d), "malformed");  // no explanation
  d["explanation"] = "a job in a regular company is within reach";
  EXPECT_REJECTED(decide("ft-annecy", d), "malformed");  // IAE needs proposed actions
  d["proposed_actions"] = json::array();
  EXPECT_REJECTED(decide("ft-annecy", d), "malformed");
  d["proposed_actions"] = {"TRAVEL"};
  EXPECT_REJECTED(decide("ft-annecy", d), "malformed");
  d["proposed_actions"] = {"EXIT_IAE", "SOCIAL_PARTNER"};
  json bad = d;
  bad["deny_reason"] = "SIAE";
  EXPECT_REJECTED(decide("ft-annecy", bad), "malformed");  // actions only for IAE
  json grant = {{"prolongation_id", "p1"}, {"decision", "granted"}, {"deny_reason", "IAE"}};
  EXPECT_REJECTED(decide("ft-annecy", grant), "malformed");
  EXPECT_ACCEPTED(decide("ft-annecy", d));
  EXPECT_EQ(pass().prolongations.at(0).status, "denied");
  EXPECT_EQ(pass().end, D("2027-01-05"));
  // Denied, a new request may follow.
  EXPECT_ACCEPTED(prolong("p2", "COMPLETE_TRAINING", end().plus_days(30)));
  expect_replay_equal();
}

TEST_F(Prolongation, PrescriberMustBeHabilitated) {
  // pass.prolongation_prescriber_not_habilitated; a missing prescriber_org is malformed.
  setup();
  EXPECT_REJECTED(prolong("p1", "RQTH", end().plus_days(200)), "malformed");
  EXPECT_REJECTED(prolong("p1", "RQTH", end().plus_days(200), "asso-74"),
                  "pass.prolongation_prescriber_not_habilitated");
  EXPECT_REJECTED(prolong("p1", "RQTH", end().plus_days(200), "nobody"),
                  "pass.prolongation_prescriber_not_habilitated");
  EXPECT_REJECTED(prolong("p1", "COMPLETE_TRAINING", end().plus_days(200), "ft-annecy"),
                  "malformed");  // declared reasons name no prescriber
  EXPECT_ACCEPTED(prolong("p1", "RQTH", end().plus_days(200), "ohpd-74"));
  EXPECT_TRUE(state().involved_orgs.count("ohpd-74"));
}

TEST_F(Prolongation, RqthAtMost365Days) {
  setup();
  EXPECT_REJECTED(prolong("p1", "RQTH", end().plus_days(366), "ft-annecy"),
                  "pass.prolongation_too_long");
  EXPECT_ACCEPTED(prolong("p1", "RQTH", end().plus_days(365), "ft-annecy"));
}

TEST_F(Prolongation, ParticularDifficultiesOnlyInAiAndAci) {
  // pass.prolongation_reason_not_allowed (seed004:L3013-3014).
  setup("ei-1");
  EXPECT_REJECTED(prolong("p1", "PARTICULAR_DIFFICULTIES", end().plus_days(100), "ft-annecy"),
                  "pass.prolongation_reason_not_allowed");
  EXPECT_REJECTED(prolong("p1", "VACATION", end().plus_days(100), "ft-annecy"), "malformed");
}

TEST_F(Prolongation, ParticularDifficultiesInAci) {
  setup("aci-1");
  EXPECT_ACCEPTED(
      prolong("p1", "PARTICULAR_DIFFICULTIES", end().plus_days(100), "ft-annecy", "aci-1"));
}

TEST_F(Prolongation, SeniorFromFifty) {
  // pass.prolongation_age: SENIOR needs 50 on the day of the request.
  setup("ei-1", "1976-11-24");  // 49 on 2026-11-23
  EXPECT_REJECTED(prolong("p1", "SENIOR", end().plus_days(100), "ft-annecy"),
                  "pass.prolongation_age");
  w.set_today(D("2026-11-24"));
  EXPECT_ACCEPTED(prolong("p1", "SENIOR", end().plus_days(100), "ft-annecy"));
}

TEST_F(Prolongation, SeniorCdiFromFiftySeven) {
  setup("ei-1", "1969-11-24");  // 56 on 2026-11-23
  EXPECT_REJECTED(prolong("p1", "SENIOR_CDI", end().plus_days(100)), "pass.prolongation_age");
  w.set_today(D("2026-11-24"));
  EXPECT_ACCEPTED(prolong("p1", "SENIOR_CDI", end().plus_days(3650)));
}

TEST_F(Prolongation, AgeAfterErasureIsUnavailable) {
  setup("ei-1", "1960-01-01");
  ASSERT_TRUE(w.send("j1", "admin", "EraseIdentity", {{"reason", "request"}}).ok());
  EXPECT_REJECTED(prolong("p1", "SENIOR_CDI", end().plus_days(100)), "identity.unavailable");
  EXPECT_ACCEPTED(prolong("p1", "COMPLETE_TRAINING", end().plus_days(100)));
}

TEST_F(Prolongation, SeniorCdiAfterTwelveMonthsOfParcours) {
  // pass.cdi_inclusion_too_early (seed004:L3009): PASS from 2025-01-06, 12 months on
  // 2026-01-06; the window already opens on 2026-01-05.
  setup("ei-1", "1960-01-01");
  w.set_today(D("2026-01-05"));
  EXPECT_REJECTED(prolong("p1", "SENIOR_CDI", end().plus_days(100)),
                  "pass.cdi_inclusion_too_early");
  w.set_today(D("2026-01-06"));
  EXPECT_ACCEPTED(prolong("p1", "SENIOR_CDI", end().plus_days(100)));
}

TEST_F(Prolongation, CapCountsEveryEarlierProlongation) {
  // pass.prolongation_cap_exceeded: RQTH is capped at 3 x 365 = 1095 days over ALL the PASS's
  // prolongations, whatever their reason (les-emplois).
  setup("ei-1", "1960-01-01");
  ASSERT_TRUE(prolong("p1", "SENIOR_CDI", end().plus_days(1000)).ok());
  w.set_today(end().plus_days(-30));
  EXPECT_REJECTED(prolong("p2", "RQTH", end().plus_days(96), "ft-annecy"),
                  "pass.prolongation_cap_exceeded");
  EXPECT_ACCEPTED(prolong("p2", "RQTH", end().plus_days(95), "ft-annecy"));
  // A pending or denied request does not count; a granted one does.
  ASSERT_TRUE(decide("ft-annecy", {{"prolongation_id", "p2"}, {"decision", "granted"}}).ok());
  w.set_today(end().plus_days(-30));
  EXPECT_REJECTED(prolong("p3", "RQTH", end().plus_days(1), "ft-annecy"),
                  "pass.prolongation_cap_exceeded");
  EXPECT_ACCEPTED(prolong("p3", "SENIOR", end().plus_days(365), "ft-annecy"));  // 5 x 365 cap
  expect_replay_equal();
}

TEST_F(Prolongation, HealthContextUntil20211130) {
  // JOURNEY §3.4, §7: HEALTH_CONTEXT existed until 2021-11-30. PASS 2020-01-06..2022-01-04.
  w.set_today(D("2021-11-30"));
  open();
  ASSERT_TRUE(diagnose("ft-annecy", "d1", "2020-01-02").ok());
  ASSERT_TRUE(submit("ft-annecy", "c1", "ei-1", "2020-01-02").ok());
  ASSERT_TRUE(accept("ei-1", "c1", "2020-01-06", "2020-07-05").ok());
  w.set_today(D("2021-12-01"));
  EXPECT_REJECTED(prolong("p1", "HEALTH_CONTEXT", end().plus_days(100)),
                  "pass.prolongation_reason_not_allowed");
  w.set_today(D("2021-11-30"));
  auto r = prolong("p1", "HEALTH_CONTEXT", end().plus_days(100));
  EXPECT_ACCEPTED(r);
  EXPECT_EQ(r->ruleset, "iae-2021-09-03");
}

}  // namespace
}  // namespace parcours::testing
