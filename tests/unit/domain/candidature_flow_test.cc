// JOURNEY §3.3: the SIAE's answers and the candidature state machine (les-emplois), and the
// waiting period at submission.
#include "fixtures.h"

namespace parcours::testing {
namespace {

class CandidatureFlow : public DomainTest {
 protected:
  void SetUp() override {
    DomainTest::SetUp();
    open();
    ASSERT_TRUE(diagnose("ft-annecy", "d1", "2026-11-02").ok());
    ASSERT_TRUE(submit("ft-annecy", "c1", "ei-1", "2026-11-02").ok());
  }
  json id(const std::string& c = "c1") { return {{"candidature_id", c}}; }
  json refusal(const std::string& reason, const std::string& c = "c1") {
    return {{"candidature_id", c}, {"reason", reason}, {"shared_with_job_seeker", true}};
  }
};

TEST_F(CandidatureFlow, OnlyTheTargetSiaeAnswers) {
  // Not involved: the journey does not exist for an SIAE that has not joined (JOURNEY §6).
  w.siae("ei-9");
  EXPECT_REJECTED(w.send("j1", "ei-9", "ProcessCandidature", id()), "not_found");
  EXPECT_REJECTED(w.send("j1", "ei-2", "ProcessCandidature", id()), "forbidden");
  EXPECT_REJECTED(w.send("j1", "ft-annecy", "ProcessCandidature", id()), "forbidden");
  EXPECT_REJECTED(w.send("j1", "ei-2", "RefuseCandidature", refusal("no_position")), "forbidden");
  EXPECT_REJECTED(
      w.send("j1", "ei-2", "PostponeCandidature", {{"candidature_id", "c1"}, {"message", "later"}}),
      "forbidden");
  EXPECT_REJECTED(accept("ei-2", "c1", "2026-11-23", "2027-05-22"), "forbidden");
  EXPECT_REJECTED(w.send("j1", "ei-1", "ProcessCandidature", id("c9")), "not_found");
  EXPECT_ACCEPTED(w.send("j1", "ei-1", "ProcessCandidature", id()));
  EXPECT_EQ(state().candidature("c1")->state, "processing");
}

TEST_F(CandidatureFlow, RefusalReasons) {
  // candidature.detail_required: `other` needs a detail.
  EXPECT_REJECTED(w.send("j1", "ei-1", "RefuseCandidature", refusal("other")),
                  "candidature.detail_required");
  json r = refusal("other");
  r["detail"] = "the position was filled internally";
  EXPECT_ACCEPTED(w.send("j1", "ei-1", "RefuseCandidature", r));
  EXPECT_EQ(state().candidature("c1")->refusal_reason, "other");
  // Unknown reasons, and `auto` (the system's), are malformed from an SIAE.
  ASSERT_TRUE(submit("ft-annecy", "c2", "ei-2", "2026-11-02").ok());
  EXPECT_REJECTED(w.send("j1", "ei-2", "RefuseCandidature", refusal("bad_hair_day", "c2")),
                  "malformed");
  EXPECT_REJECTED(w.send("j1", "ei-2", "RefuseCandidature", refusal("auto", "c2")), "malformed");
  EXPECT_ACCEPTED(w.send("j1", "ei-2", "RefuseCandidature", refusal("no_position", "c2")));
  expect_replay_equal();
}

TEST_F(CandidatureFlow, RefusalIsNotFinal) {
  // seed004:L1758-1769: the SIAE may still accept later.
  EXPECT_ACCEPTED(w.send("j1", "ei-1", "RefuseCandidature", refusal("no_position")));
  EXPECT_ACCEPTED(accept("ei-1", "c1", "2026-11-23", "2027-05-22"));
  EXPECT_EQ(state().candidature("c1")->state, "accepted");
  EXPECT_FALSE(state().candidature("c1")->refusal_reason.has_value());
}

TEST_F(CandidatureFlow, PostponeNeedsAMessage) {
  EXPECT_REJECTED(w.send("j1", "ei-1", "PostponeCandidature", id()), "malformed");
  EXPECT_ACCEPTED(w.send("j1", "ei-1", "PostponeCandidature",
                         {{"candidature_id", "c1"}, {"message", "after the summer"}}));
  EXPECT_EQ(state().candidature("c1")->state, "postponed");
}

TEST_F(CandidatureFlow, AcceptObsoletesEveryOtherPendingCandidature) {
  ASSERT_TRUE(submit("ft-annecy", "c2", "ei-2", "2026-11-02").ok());
  ASSERT_TRUE(submit("ft-annecy", "c3", "aci-1", "2026-11-02").ok());
  ASSERT_TRUE(submit("ft-annecy", "c4", "ai-1", "2026-11-02").ok());
  ASSERT_TRUE(w.send("j1", "aci-1", "ProcessCandidature", id("c3")).ok());
  ASSERT_TRUE(w.send("j1", "ai-1", "RefuseCandidature", refusal("no_position", "c4")).ok());
  auto r = accept("ei-1", "c1", "2026-11-23", "2027-05-22");
  EXPECT_ACCEPTED(r);
  EXPECT_EQ(state().candidature("c2")->state, "obsolete");
  EXPECT_EQ(state().candidature("c3")->state, "obsolete");
  EXPECT_EQ(state().candidature("c4")->state, "refused");  // not pending
  EXPECT_EQ(types_of(r),
            (std::vector<std::string>{"candidature.accepted", "pass.issued", "contract.started",
                                      "candidature.obsoleted", "candidature.obsoleted"}));
  expect_replay_equal();
}

// The state machine of JOURNEY §3.3, row by row: every transition from every state.
class StateMachine : public DomainTest {
 protected:
  // A fresh journey whose candidature c1 (to ei-1) is in `target`.
  void reach(const std::string& target) {
    open();
    ASSERT_TRUE(diagnose("ft-annecy", "d1", "2026-11-02").ok());
    ASSERT_TRUE(submit("ft-annecy", "c1", "ei-1", "2026-11-02").ok());
    auto ok = [](const auto& r) { ASSERT_TRUE(r.ok()) << r.rejection().code; };
    if (target == "processing") ok(w.send("j1", "ei-1", "ProcessCandidature", cid()));
    if (target == "postponed") {
      ok(w.send("j1", "ei-1", "PostponeCandidature", {{"candidature_id", "c1"}, {"message", "m"}}));
    }
    if (target == "refused") ok(w.send("j1", "ei-1", "RefuseCandidature", refuse()));
    if (target == "accepted" || target == "cancelled")
      ok(accept("ei-1", "c1", "2026-11-23", "2027-05-22"));
    if (target == "cancelled") {
      ok(w.send("j1", "ei-1", "CancelHire", {{"candidature_id", "c1"}, {"reason", "mistake"}}));
    }
    if (target == "obsolete") {
      ok(submit("ft-annecy", "c2", "ei-2", "2026-11-02"));
      ok(accept("ei-2", "c2", "2026-11-23", "2027-05-22"));
      ok(w.send("j1", "ei-2", "CancelHire", {{"candidature_id", "c2"}, {"reason", "mistake"}}));
    }
    ASSERT_EQ(state().candidature("c1")->state, target);
  }
  static json cid() { return {{"candidature_id", "c1"}}; }
  static json refuse() {
    return {{"candidature_id", "c1"}, {"reason", "no_position"}, {"shared_with_job_seeker", false}};
  }
  domain::Result<domain::Decision> apply(const std::string& transition) {
    if (transition == "process") return w.send("j1", "ei-1", "ProcessCandidature", cid());
    if (transition == "postpone") {
      return w.send("j1", "ei-1", "PostponeCandidature",
                    {{"candidature_id", "c1"}, {"message", "m"}});
    }
    if (transition == "refuse") return w.send("j1", "ei-1", "RefuseCandidature", refuse());
    if (transition == "accept") return accept("ei-1", "c1", "2026-11-23", "2027-05-22");
    return w.send("j1", "ei-1", "CancelHire", {{"candidature_id", "c1"}, {"reason", "mistake"}});
  }
};

TEST_F(StateMachine, EveryTransitionFromEveryState) {
  // candidature.invalid_transition for anything outside the table.
  const std::map<std::string, std::set<std::string>> allowed = {
      {"process", {"new"}},
      {"postpone", {"new", "processing"}},
      {"refuse", {"new", "processing", "postponed"}},
      {"accept", {"new", "processing", "postponed", "refused", "obsolete", "cancelled"}},
      {"cancel_hire", {"accepted"}},
  };
  for (const std::string from :
       {"new", "processing", "postponed", "refused", "accepted", "obsolete", "cancelled"}) {
    for (const auto& [transition, states] : allowed) {
      w = World();
      DomainTest::SetUp();
      reach(from);
      auto r = apply(transition);
      if (states.count(from)) {
        EXPECT_TRUE(r.ok()) << transition << " from " << from << ": " << r.rejection().code;
      } else {
        ASSERT_FALSE(r.ok()) << transition << " from " << from << " was accepted";
        EXPECT_EQ(r.rejection().code, "candidature.invalid_transition")
            << transition << " from " << from;
      }
      expect_replay_equal();
    }
  }
}

// JOURNEY §3.3: a person in the waiting period may only be oriented by a habilitated
// prescriber or with a valid prescriber diagnosis (les-emplois WAITING_PERIOD_YEARS).
class WaitingPeriod : public DomainTest {
 protected:
  void SetUp() override {
    DomainTest::SetUp();
    // A PASS from 2023-01-02 to 2024-12-31: the waiting period runs until 2026-12-31.
    open();
    ASSERT_TRUE(diagnose("ft-annecy", "d0", "2023-01-02").ok());
    ASSERT_TRUE(submit("ft-annecy", "c0", "ei-1", "2023-01-02").ok());
    ASSERT_TRUE(accept("ei-1", "c0", "2023-01-02", "2023-07-01").ok());
    ASSERT_EQ(pass().end, D("2024-12-31"));
    join({"asso-74", "ei-2", "aci-1", "ml-annecy"});
  }
};

TEST_F(WaitingPeriod, OrienteurWithoutPrescriberDiagnosisIsRefused) {
  EXPECT_REJECTED(submit("asso-74", "c1", "ei-2", "2026-11-23"), "pass.waiting_period");
  EXPECT_REJECTED(submit("ei-2", "c1", "ei-2", "2026-11-23"), "pass.waiting_period");
  // Nor does an SIAE's own diagnosis open the way.
  ASSERT_TRUE(diagnose("aci-1", "s1", "2026-11-20", {"RSA"}).ok());
  EXPECT_REJECTED(submit("aci-1", "c1", "aci-1", "2026-11-23"), "pass.waiting_period");
  // A habilitated prescriber may.
  EXPECT_ACCEPTED(submit("ml-annecy", "c1", "ei-2", "2026-11-23"));
}

TEST_F(WaitingPeriod, EndsTwoYearsAfterThePassEnd) {
  w.set_today(D("2027-01-01"));
  EXPECT_REJECTED(submit("asso-74", "c1", "ei-2", "2026-12-31"), "pass.waiting_period");
  EXPECT_ACCEPTED(submit("asso-74", "c1", "ei-2", "2027-01-01"));
}

TEST_F(WaitingPeriod, AValidPrescriberDiagnosisOpensTheWay) {
  ASSERT_TRUE(diagnose("ml-annecy", "d1", "2026-11-20").ok());
  EXPECT_ACCEPTED(submit("asso-74", "c1", "ei-2", "2026-11-23"));
  EXPECT_ACCEPTED(submit("aci-1", "c2", "aci-1", "2026-11-23"));
}

}  // namespace
}  // namespace parcours::testing
