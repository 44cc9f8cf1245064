// JOURNEY §3.3 SubmitCandidature, and §3.8 RecordFollowUp (involvement).
#include "support/domain_world.h"

namespace parcours::testing {
namespace {

class Candidatures : public ::testing::Test {
 protected:
  void SetUp() override {
    w.prescriber("ft-annecy");
    w.siae("ei-recyclage");
    w.siae("aci-jardins", "ACI");
    w.orienteur("asso-74");
    ASSERT_TRUE(w.open("j1", "ft-annecy").ok());
  }
  json cand(const std::string& id, const std::string& siae) {
    return {{"candidature_id", id}, {"siae_org", siae}, {"date", "2026-11-23"}};
  }
  World w;
};

TEST_F(Candidatures, SubmittedRecordsTheSender) {
  EXPECT_ACCEPTED(w.send("j1", "ft-annecy", "SubmitCandidature", cand("c1", "ei-recyclage")));
  const auto* c = w.state("j1").candidature("c1");
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->state, "new");
  EXPECT_EQ(c->sender_kind, "prescriber");
  EXPECT_TRUE(c->sender_habilitated);
  EXPECT_TRUE(w.state("j1").involved_orgs.count("ei-recyclage"));
}

TEST_F(Candidatures, TargetNotSiae) {
  // candidature.target_not_siae: a prescriber, or an unknown org, is not a valid target.
  EXPECT_REJECTED(w.send("j1", "ft-annecy", "SubmitCandidature", cand("c1", "asso-74")),
                  "candidature.target_not_siae");
  EXPECT_REJECTED(w.send("j1", "ft-annecy", "SubmitCandidature", cand("c1", "nowhere")),
                  "candidature.target_not_siae");
}

TEST_F(Candidatures, DuplicatePendingToTheSameSiae) {
  // candidature.duplicate: a second pending candidature to the same SIAE is refused; another
  // SIAE is fine.
  EXPECT_ACCEPTED(w.send("j1", "ft-annecy", "SubmitCandidature", cand("c1", "ei-recyclage")));
  EXPECT_REJECTED(w.send("j1", "ft-annecy", "SubmitCandidature", cand("c2", "ei-recyclage")),
                  "candidature.duplicate");
  EXPECT_ACCEPTED(w.send("j1", "ft-annecy", "SubmitCandidature", cand("c2", "aci-jardins")));
}

TEST_F(Candidatures, SameIdTwiceIsAConflict) {
  EXPECT_ACCEPTED(w.send("j1", "ft-annecy", "SubmitCandidature", cand("c1", "ei-recyclage")));
  EXPECT_REJECTED(w.send("j1", "ft-annecy", "SubmitCandidature", cand("c1", "aci-jardins")),
                  "id_taken");
}

TEST_F(Candidatures, UnknownJourneyIsNotFound) {
  EXPECT_REJECTED(w.send("j404", "ft-annecy", "SubmitCandidature", cand("c1", "ei-recyclage")),
                  "not_found");
}

TEST_F(Candidatures, IfMatchMustBeTheCurrentVersion) {
  EXPECT_REJECTED(w.send("j1", "ft-annecy", "SubmitCandidature", cand("c1", "ei-recyclage"), 7),
                  "version_conflict");
  EXPECT_ACCEPTED(w.send("j1", "ft-annecy", "SubmitCandidature", cand("c1", "ei-recyclage"), 1));
}

TEST(FollowUps, OnlyInvolvedOrganisationsMayRecord) {
  // JOURNEY §6: to an organisation that is not involved, the journey does not exist.
  World w;
  w.prescriber("ft-annecy");
  w.prescriber("ml-annecy", "ML");
  w.siae("ei-recyclage");
  ASSERT_TRUE(w.open("j1", "ft-annecy").ok());
  json f = {{"followup_id", "f1"}, {"date", "2026-11-23"}, {"kind", "interview"}};
  EXPECT_ACCEPTED(w.send("j1", "ft-annecy", "RecordFollowUp", f));
  f["followup_id"] = "f2";
  EXPECT_REJECTED(w.send("j1", "ml-annecy", "RecordFollowUp", f), "not_found");
  EXPECT_REJECTED(w.send("j1", "ei-recyclage", "RecordFollowUp", f), "not_found");
  // Receiving a candidature makes the SIAE involved.
  EXPECT_ACCEPTED(
      w.send("j1", "ft-annecy", "SubmitCandidature",
             {{"candidature_id", "c1"}, {"siae_org", "ei-recyclage"}, {"date", "2026-11-23"}}));
  EXPECT_ACCEPTED(w.send("j1", "ei-recyclage", "RecordFollowUp", f));
  EXPECT_EQ(w.state("j1").followups, 2);
  f["kind"] = "coffee";
  f["followup_id"] = "f3";
  EXPECT_REJECTED(w.send("j1", "ft-annecy", "RecordFollowUp", f), "malformed");
}

}  // namespace
}  // namespace parcours::testing
