// JOURNEY §6: who may read what of a journey.
#include "api/read_policy.h"

#include <gtest/gtest.h>

namespace parcours::api {
namespace {

using domain::OrgKind;

domain::Organization org(const std::string& id, OrgKind kind, const std::string& dept = "74") {
  domain::Organization o;
  o.id = id;
  o.kind = kind;
  o.department = dept;
  return o;
}

Reader reader(const domain::Organization& o) {
  return Reader{"u", o.id, o, false, false};
}

domain::JourneyState journey() {
  domain::JourneyState s;
  s.journey_id = "j";
  s.version = 3;
  s.department = "74";
  s.opened_by_org = "ft";
  s.involved_orgs = {"ft", "ei"};
  return s;
}

TEST(ReadPolicy, AuthorOfOpenJourneySeesIdentity) {
  const auto g = journey_read_grant(reader(org("ft", OrgKind::prescriber)), journey());
  EXPECT_EQ(g.scope, ReadScope::involved);
  EXPECT_TRUE(g.identity);
  EXPECT_FALSE(g.events);
}

TEST(ReadPolicy, InvolvedSiaeNeedsConsentForIdentityAndDiagnosis) {
  auto s = journey();
  const Reader r = reader(org("ei", OrgKind::siae));
  auto g = journey_read_grant(r, s);
  EXPECT_TRUE(g.allowed());
  EXPECT_FALSE(g.identity);
  EXPECT_FALSE(g.diagnosis_details);
  s.consents.push_back({"share_identity", "ei", true, domain::Date::from_ymd(2026, 11, 1)});
  s.consents.push_back({"share_diagnosis", "*", true, domain::Date::from_ymd(2026, 11, 1)});
  g = journey_read_grant(r, s);
  EXPECT_TRUE(g.identity);
  EXPECT_TRUE(g.diagnosis_details);
  // A withdrawal holds for every later read.
  s.consents.push_back({"share_identity", "*", false, domain::Date::from_ymd(2026, 11, 2)});
  EXPECT_FALSE(journey_read_grant(r, s).identity);
}

TEST(ReadPolicy, UninvolvedOrganisationIsForbidden) {
  EXPECT_FALSE(journey_read_grant(reader(org("other-siae", OrgKind::siae)), journey()).allowed());
  EXPECT_FALSE(journey_read_grant(reader(org("ml", OrgKind::prescriber)), journey()).allowed());
}

TEST(ReadPolicy, DdetsOfTheDepartmentOnly) {
  const auto here = journey_read_grant(reader(org("ddets-74", OrgKind::ddets, "74")), journey());
  EXPECT_EQ(here.scope, ReadScope::everything);
  EXPECT_TRUE(here.events);
  EXPECT_FALSE(
      journey_read_grant(reader(org("ddets-73", OrgKind::ddets, "73")), journey()).allowed());
}

TEST(ReadPolicy, AuditorsAndAdminReadEverything) {
  EXPECT_EQ(journey_read_grant(reader(org("igas", OrgKind::auditor, "75")), journey()).scope,
            ReadScope::everything);
  Reader admin{"root", "", std::nullopt, true, false};
  const auto g = journey_read_grant(admin, journey());
  EXPECT_TRUE(g.identity);
  EXPECT_TRUE(g.events);
}

TEST(ReadPolicy, RoleClaimsReadNothingMore) {
  // Roles are honoured for organisations of their kind only (caller.h): a reader flagged as an
  // auditor but belonging to an SIAE reads as that SIAE.
  Reader r = reader(org("other-siae", OrgKind::siae));
  r.auditor = true;
  EXPECT_FALSE(journey_read_grant(r, journey()).allowed());
}

TEST(ReadPolicy, DeactivatedOrganisationReadsNothing) {
  auto o = org("ft", OrgKind::prescriber);
  o.active = false;
  EXPECT_FALSE(journey_read_grant(reader(o), journey()).allowed());
}

}  // namespace
}  // namespace parcours::api
