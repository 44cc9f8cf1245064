// JOURNEY §3.1 RecordConsent, §3.8 RecordFollowUp and EraseIdentity.
#include "fixtures.h"

namespace parcours::testing {
namespace {

class Consents : public DomainTest {
 protected:
  json consent(const std::string& org, bool given, const std::string& date = "2026-11-23") {
    return {{"scope", "share_identity"}, {"org", org}, {"given", given}, {"date", date}};
  }
};

TEST_F(Consents, GivenThenWithdrawn) {
  // seed004:L1618-1631: the person decides what is shared, with whom and when.
  open();
  auto r = w.send("j1", "ft-annecy", "RecordConsent", consent("ei-1", true));
  EXPECT_ACCEPTED(r);
  EXPECT_EQ(types_of(r), (std::vector<std::string>{"consent.given"}));
  r = w.send("j1", "ft-annecy", "RecordConsent", consent("*", false));
  EXPECT_EQ(types_of(r), (std::vector<std::string>{"consent.withdrawn"}));
  ASSERT_EQ(state().consents.size(), 2u);
  EXPECT_FALSE(state().consents[1].given);
  EXPECT_EQ(state().consents[1].org, "*");
  expect_replay_equal();
}

TEST_F(Consents, InvolvedOrganisationsOnly) {
  everyone_joins = false;
  open();
  // JOURNEY §6: not involved, the journey does not exist; a DDETS never writes a journey.
  EXPECT_REJECTED(w.send("j1", "ml-annecy", "RecordConsent", consent("ei-1", true)), "not_found");
  EXPECT_REJECTED(w.send("j1", "ddets-74", "RecordConsent", consent("ei-1", true)), "forbidden");
}

// JOURNEY §3.1: an organisation records a consent only for what it holds. The self-enrolment
// of a stranger is refused at each step: it cannot act on the journey, and once it has joined
// (with a true proof) it still cannot hand itself the identity.
TEST_F(Consents, OnlyAHolderHandsOver) {
  everyone_joins = false;
  open();
  json to_self = consent("ml-annecy", true);
  to_self["scope"] = "share_identity";
  EXPECT_REJECTED(w.send("j1", "ml-annecy", "RecordAccompanimentDiagnosis",
                         {{"diagnosis_id", "a1"},
                          {"date", "2026-11-20"},
                          {"barriers", json::array()},
                          {"recommended_path", "iae"}}),
                  "not_found");
  EXPECT_REJECTED(w.send("j1", "ml-annecy", "RecordConsent", to_self), "not_found");
  join({"ml-annecy", "ei-1"});
  EXPECT_REJECTED(w.send("j1", "ml-annecy", "RecordConsent", to_self), "forbidden");
  // The opener reads the identity and may share it.
  EXPECT_ACCEPTED(w.send("j1", "ft-annecy", "RecordConsent", to_self));
  // Now ml-annecy holds it, and may hand it over in turn.
  json onward = to_self;
  onward["org"] = "ei-1";
  EXPECT_ACCEPTED(w.send("j1", "ml-annecy", "RecordConsent", onward));
  // share_diagnosis: the author of a diagnosis, or whoever reads its details. An SIAE reads a
  // prescriber's details only with that consent.
  json diag = consent("ei-2", true);
  diag["scope"] = "share_diagnosis";
  EXPECT_REJECTED(w.send("j1", "ei-1", "RecordConsent", diag), "forbidden");
  EXPECT_ACCEPTED(w.send("j1", "ml-annecy", "RecordConsent", diag));
  ASSERT_TRUE(diagnose("ei-1", "s1", "2026-11-20", {"RSA"}).ok());
  EXPECT_ACCEPTED(w.send("j1", "ei-1", "RecordConsent", diag));
}

TEST_F(Consents, Rules) {
  open();
  // consent.unknown_org: a registered organisation or "*".
  EXPECT_REJECTED(w.send("j1", "ft-annecy", "RecordConsent", consent("nobody", true)),
                  "consent.unknown_org");
  EXPECT_REJECTED(w.send("j1", "ft-annecy", "RecordConsent", consent("ei 1", true)), "malformed");
  EXPECT_REJECTED(w.send("j1", "ft-annecy", "RecordConsent", consent("ei-1", true, "2026-11-24")),
                  "date.in_future");
  json bad = consent("ei-1", true);
  bad["scope"] = "share_everything";
  EXPECT_REJECTED(w.send("j1", "ft-annecy", "RecordConsent", bad), "malformed");
  bad = consent("ei-1", true);
  bad["given"] = "yes";
  EXPECT_REJECTED(w.send("j1", "ft-annecy", "RecordConsent", bad), "malformed");
}

class FollowUpsAndErasure : public DomainTest {};

TEST_F(FollowUpsAndErasure, FollowUpNotInTheFuture) {
  open();
  json f = {{"followup_id", "f1"}, {"date", "2026-11-24"}, {"kind", "interview"}};
  EXPECT_REJECTED(w.send("j1", "ft-annecy", "RecordFollowUp", f), "date.in_future");
  f["date"] = "2026-11-23";
  EXPECT_ACCEPTED(w.send("j1", "ft-annecy", "RecordFollowUp", f));
}

TEST_F(FollowUpsAndErasure, AProlongationPrescriberBecomesInvolved) {
  everyone_joins = false;
  hired("ei-1", "2025-01-06", "2025-07-05", "2025-01-02");
  EXPECT_REJECTED(w.send("j1", "ohpd-74", "RecordFollowUp",
                         {{"followup_id", "f1"}, {"date", "2026-11-23"}, {"kind", "interview"}}),
                  "not_found");
  ASSERT_TRUE(w.send("j1", "ei-1", "ProlongPass",
                     {{"prolongation_id", "p1"},
                      {"reason", "RQTH"},
                      {"end", "2027-06-30"},
                      {"prescriber_org", "ohpd-74"}})
                  .ok());
  EXPECT_ACCEPTED(
      w.send("j1", "ohpd-74", "RecordFollowUp",
             {{"followup_id", "f1"}, {"date", "2026-11-23"}, {"kind", "tripartite_meeting"}}));
}

TEST_F(FollowUpsAndErasure, EraseIdentityIsForAdminsOnce) {
  open();
  EXPECT_REJECTED(w.send("j1", "ft-annecy", "EraseIdentity", {{"reason", "asked"}}), "forbidden");
  EXPECT_REJECTED(w.send("j1", "admin", "EraseIdentity", json::object()), "malformed");
  auto r = w.send("j1", "admin", "EraseIdentity", {{"reason", "asked by the person"}});
  EXPECT_ACCEPTED(r);
  EXPECT_EQ(r->events.at(0).data,
            json({{"reason", "asked by the person"}, {"date", "2026-11-23"}}));
  EXPECT_TRUE(state().erased);
  EXPECT_TRUE(state().identity.is_null());
  // journey.already_erased (409).
  auto again = w.send("j1", "admin", "EraseIdentity", {{"reason", "again"}});
  EXPECT_REJECTED(again, "journey.already_erased");
  EXPECT_EQ(again.rejection().status, 409);
  // The journey goes on pseudonymously.
  EXPECT_ACCEPTED(w.send("j1", "ft-annecy", "RecordFollowUp",
                         {{"followup_id", "f1"}, {"date", "2026-11-23"}, {"kind", "interview"}}));
  expect_replay_equal();
}

TEST_F(FollowUpsAndErasure, NoPersonalDataOutsideTheSealedIdentity) {
  // The birth date and names appear in no event and not in the state (ARCHITECTURE §5).
  hired("ei-1", "2026-11-23", "2027-05-22", "2026-11-02");
  for (const auto& env : w.log("j1")) {
    const std::string text = env.dump();
    EXPECT_EQ(text.find("Camille"), std::string::npos) << env["type"];
    EXPECT_EQ(text.find("Martin"), std::string::npos) << env["type"];
    EXPECT_EQ(text.find("1990-04-02"), std::string::npos) << env["type"];
  }
  EXPECT_EQ(json(state()).dump().find("1990-04-02"), std::string::npos);
}

}  // namespace
}  // namespace parcours::testing
