// A registry and shorthands shared by the domain tests. Every command goes through World,
// so every event is schema-checked and folded by evolve.
#pragma once

#include <string>

#include "support/domain_world.h"

namespace parcours::testing {

// Today is 2026-11-23 (World's default). The registry:
//   ft-annecy   prescriber FT (national list)      ohpd-74  prescriber OHPD until today + 5 y
//   asso-74     orienteur                          ddets-74 ddets
//   ei-1, ei-2  EI      aci-1 ACI    ai-1 AI      etti-1 ETTI     eiti-1 EITI
class DomainTest : public ::testing::Test {
 protected:
  void SetUp() override {
    w.prescriber("ft-annecy");
    w.prescriber("ml-annecy", "ML");
    w.ohpd("ohpd-74", w.today().plus_years(5));
    w.orienteur("asso-74");
    w.org("ddets-74", {{"name", "DDETS"}, {"kind", "ddets"}, {"department", "74"}});
    w.siae("ei-1", "EI");
    w.siae("ei-2", "EI");
    w.siae("aci-1", "ACI");
    w.siae("ai-1", "AI");
    w.siae("etti-1", "ETTI");
    w.siae("eiti-1", "EITI");
  }

  // Opens journey `j` for a person born on `birth` (by ft-annecy). Unless a test clears
  // `everyone_joins`, every other prescriber, orienteur and SIAE of the registry then joins it,
  // so that tests of a rule meet the rule rather than the 404 of an outsider (JOURNEY §6;
  // Authorization.OutsidersGetTheNotFoundOfAnUnknownJourney tests that one).
  void open(const std::string& j = "j1", const std::string& birth = "1990-04-02") {
    ASSERT_TRUE(w.open(j, "ft-annecy", birth).ok());
    if (!everyone_joins) return;
    for (const char* org :
         {"ml-annecy", "ohpd-74", "asso-74", "ei-1", "ei-2", "aci-1", "ai-1", "etti-1", "eiti-1"}) {
      auto r = w.join(j, org);
      ASSERT_TRUE(r.ok()) << org << ": " << r.rejection().code;
    }
  }
  bool everyone_joins = true;

  // Organisations join j1 (JOURNEY §6: only the involved may act on a journey).
  void join(std::initializer_list<const char*> orgs, const std::string& j = "j1") {
    for (const char* org : orgs) {
      auto r = w.join(j, org);
      ASSERT_TRUE(r.ok()) << org << ": " << r.rejection().code;
    }
  }

  domain::Result<domain::Decision> diagnose(const std::string& org, const std::string& id,
                                            const std::string& date, json criteria = json::array(),
                                            const std::string& j = "j1") {
    return w.send(j, org, "MakeEligibilityDiagnosis",
                  {{"diagnosis_id", id}, {"date", date}, {"criteria", criteria}});
  }

  domain::Result<domain::Decision> submit(const std::string& org, const std::string& cid,
                                          const std::string& siae, const std::string& date,
                                          const std::string& j = "j1") {
    return w.send(j, org, "SubmitCandidature",
                  {{"candidature_id", cid}, {"siae_org", siae}, {"date", date}});
  }

  static json contract(const std::string& type = "CDDI", long hours = 26) {
    return {{"type", type}, {"weekly_hours", hours}};
  }

  domain::Result<domain::Decision> accept(const std::string& siae, const std::string& cid,
                                          const std::string& start, std::optional<std::string> end,
                                          json contract_data = contract(),
                                          const std::string& j = "j1") {
    json d = {{"candidature_id", cid}, {"hiring_start", start}, {"contract", contract_data}};
    if (end) d["hiring_end"] = *end;
    return w.send(j, siae, "AcceptCandidature", d);
  }

  // The usual path: a journey, a prescriber diagnosis on `diag_date`, a candidature to `siae`
  // and a hire from `start` to `end` (CDDI 26 h unless said).
  void hired(const std::string& siae = "ei-1", const std::string& start = "2026-11-23",
             std::optional<std::string> end = "2027-05-22",
             const std::string& diag_date = "2026-11-02", json contract_data = contract()) {
    open();
    ASSERT_TRUE(diagnose("ft-annecy", "d1", diag_date).ok());
    ASSERT_TRUE(submit("ft-annecy", "c1", siae, diag_date).ok());
    auto r = accept(siae, "c1", start, end, contract_data);
    ASSERT_TRUE(r.ok()) << r.rejection().code << ": " << r.rejection().detail;
  }

  // By ft-annecy on j1, on 2026-11-23: a pending candidature c2 to ei-2 (sent 2026-11-20), a
  // PMSMP m1 (2026-11-16..2026-11-20) and a training t1 (from 2026-11-01).
  void candidature_pmsmp_and_training() {
    auto ok = [](const auto& r) { ASSERT_TRUE(r.ok()) << r.rejection().code; };
    ok(submit("ft-annecy", "c2", "ei-2", "2026-11-20"));
    ok(w.send("j1", "ft-annecy", "StartPmsmp",
              {{"pmsmp_id", "m1"},
               {"host", {{"siret", "73282932000074"}, {"name", "n"}}},
               {"objective", "discover"},
               {"start", "2026-11-16"},
               {"end", "2026-11-20"},
               {"weekly_hours", 35}}));
    ok(w.send("j1", "ft-annecy", "StartTraining",
              {{"training_id", "t1"},
               {"kind", "qualifying"},
               {"title", "t"},
               {"provider", "p"},
               {"start", "2026-11-01"},
               {"planned_end", "2027-01-31"},
               {"hours", 70}}));
  }

  const domain::JourneyState& state(const std::string& j = "j1") { return w.state(j); }
  const domain::Pass& pass(const std::string& j = "j1") { return *w.state(j).pass; }

  // The log folded from scratch equals the state held incrementally.
  void expect_replay_equal(const std::string& j = "j1") {
    EXPECT_EQ(json(w.replay(j)), json(w.state(j)));
  }

  World w;
};

inline std::vector<std::string> types_of(const domain::Result<domain::Decision>& r) {
  std::vector<std::string> out;
  if (r.ok()) {
    for (const auto& e : r->events) out.push_back(e.type);
  }
  return out;
}

}  // namespace parcours::testing
