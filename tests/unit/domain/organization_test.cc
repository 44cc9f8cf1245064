// JOURNEY §2: the organisation registry, and how every decision reads it.
#include "fixtures.h"

namespace parcours::testing {
namespace {

json prescriber(const std::string& kind) {
  return {{"name", "P"}, {"kind", "prescriber"}, {"department", "74"}, {"prescriber_kind", kind}};
}

TEST(Organizations, NationalPrescriberHasNoEndDate) {
  World w;
  EXPECT_ACCEPTED(w.org_command("ft", "RegisterOrganization", prescriber("FT")));
  const auto* o = w.orgs().find("ft");
  ASSERT_NE(o, nullptr);
  EXPECT_FALSE(o->habilitation_valid_until.has_value());
  EXPECT_TRUE(o->habilitated_on(D("2099-01-01")));
}

TEST(Organizations, HabilitationTooLongBoundary) {
  // org.habilitation_too_long: a prefectoral habilitation lasts at most 5 years
  // (seed004:L649-650, L775). Today 2026-11-23: until 2031-11-23 passes, a day more does not.
  World w;
  json d = prescriber("OHPD");
  d["habilitation"] = {{"valid_until", "2031-11-24"}};
  EXPECT_REJECTED(w.org_command("p1", "RegisterOrganization", d), "org.habilitation_too_long");
  d["habilitation"] = {{"valid_until", "2031-11-23"}};
  EXPECT_ACCEPTED(w.org_command("p1", "RegisterOrganization", d));
  EXPECT_REJECTED(w.org_command("p1", "UpdateHabilitation", {{"valid_until", "2031-11-24"}}),
                  "org.habilitation_too_long");
  EXPECT_ACCEPTED(w.org_command("p1", "UpdateHabilitation", {{"valid_until", "2031-11-23"}}));
}

TEST(Organizations, MissingRequiredKindIsMalformed) {
  World w;
  EXPECT_REJECTED(w.org_command("p", "RegisterOrganization",
                                {{"name", "P"}, {"kind", "prescriber"}, {"department", "74"}}),
                  "malformed");
  EXPECT_REJECTED(w.org_command("s", "RegisterOrganization",
                                {{"name", "S"}, {"kind", "siae"}, {"department", "74"}}),
                  "malformed");
  // OHPD needs its habilitation end.
  EXPECT_REJECTED(w.org_command("o", "RegisterOrganization", prescriber("OHPD")), "malformed");
  // Unknown kinds and misplaced fields.
  EXPECT_REJECTED(w.org_command("x", "RegisterOrganization", prescriber("WIZARD")), "malformed");
  EXPECT_REJECTED(
      w.org_command("x", "RegisterOrganization",
                    {{"name", "X"}, {"kind", "siae"}, {"department", "74"}, {"siae_kind", "GEIQ"}}),
      "malformed");
  EXPECT_REJECTED(w.org_command("x", "RegisterOrganization",
                                {{"name", "X"}, {"kind", "club"}, {"department", "74"}}),
                  "malformed");
}

TEST(Organizations, OnlyAdmin) {
  World w;
  w.prescriber("ft");
  EXPECT_REJECTED(w.org_command("x", "RegisterOrganization", prescriber("FT"), "ft"), "forbidden");
  EXPECT_REJECTED(w.org_command("ft", "DeactivateOrganization", json::object(), "ft"), "forbidden");
}

TEST(Organizations, RegisteredTwiceIsAConflict) {
  World w;
  EXPECT_ACCEPTED(w.org_command("ft", "RegisterOrganization", prescriber("FT")));
  EXPECT_REJECTED(w.org_command("ft", "RegisterOrganization", prescriber("FT")), "org_exists");
}

TEST(Organizations, UpdateHabilitationOnlyForOhpd) {
  World w;
  w.prescriber("ft");
  EXPECT_REJECTED(w.org_command("ft", "UpdateHabilitation", {{"valid_until", "2027-01-01"}}),
                  "org.not_prefectoral");
  EXPECT_REJECTED(w.org_command("nobody", "UpdateHabilitation", {{"valid_until", "2027-01-01"}}),
                  "not_found");
}

class Registry : public DomainTest {};

TEST_F(Registry, DeactivatedOrganisationCanNoLongerAct) {
  open();
  EXPECT_ACCEPTED(w.org_command("ft-annecy", "DeactivateOrganization", json::object()));
  EXPECT_REJECTED(w.org_command("ft-annecy", "DeactivateOrganization", json::object()),
                  "org.inactive");
  auto r = w.send("j1", "ft-annecy", "RecordFollowUp",
                  {{"followup_id", "f1"}, {"date", "2026-11-23"}, {"kind", "interview"}});
  EXPECT_REJECTED(r, "forbidden");
  // A deactivated SIAE is no candidature target.
  EXPECT_ACCEPTED(w.org_command("ei-2", "DeactivateOrganization", json::object()));
  EXPECT_REJECTED(submit("ml-annecy", "c1", "ei-2", "2026-11-23"), "candidature.target_not_siae");
}

TEST_F(Registry, ExpiredHabilitationCanNoLongerAct) {
  // JOURNEY §2: an expired organisation can no longer act (403 not_habilitated). Its
  // habilitation ends on valid_until inclusive.
  w.ohpd("ohpd-short", D("2026-11-23"));
  open();
  join({"ohpd-short"});
  EXPECT_ACCEPTED(diagnose("ohpd-short", "d1", "2026-11-23"));
  w.set_today(D("2026-11-24"));
  auto r = w.send("j1", "ohpd-short", "RecordFollowUp",
                  {{"followup_id", "f1"}, {"date", "2026-11-24"}, {"kind", "interview"}});
  EXPECT_REJECTED(r, "not_habilitated");
  EXPECT_EQ(r.rejection().status, 403);
  // Renewed, it acts again.
  EXPECT_ACCEPTED(
      w.org_command("ohpd-short", "UpdateHabilitation", {{"valid_until", "2028-01-01"}}));
  EXPECT_ACCEPTED(w.send("j1", "ohpd-short", "RecordFollowUp",
                         {{"followup_id", "f1"}, {"date", "2026-11-24"}, {"kind", "interview"}}));
}

}  // namespace
}  // namespace parcours::testing
