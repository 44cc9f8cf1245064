// JOURNEY §3.1 OpenJourney.
#include "support/domain_world.h"

namespace parcours::testing {
namespace {

class Opening : public ::testing::Test {
 protected:
  void SetUp() override {
    w.prescriber("ft-annecy");
    w.orienteur("asso-74");
    w.siae("ei-recyclage");
    w.org("ddets-74", {{"name", "DDETS"}, {"kind", "ddets"}, {"department", "74"}});
  }
  World w;
};

TEST_F(Opening, PrescriberOrienteurAndSiaeMayOpen) {
  EXPECT_ACCEPTED(w.open("j1", "ft-annecy"));
  EXPECT_ACCEPTED(w.open("j2", "asso-74"));
  EXPECT_ACCEPTED(w.open("j3", "ei-recyclage"));
  EXPECT_EQ(w.state("j1").version, 1);
  EXPECT_EQ(w.state("j1").department, "74");
  EXPECT_EQ(w.state("j1").opened_by_org, "ft-annecy");
}

TEST_F(Opening, DdetsMayNotOpen) {
  EXPECT_REJECTED(w.open("j1", "ddets-74"), "forbidden");
}

TEST_F(Opening, UnregisteredOrganisationIsForbidden) {
  EXPECT_REJECTED(w.open("j1", "nobody"), "forbidden");
}

TEST_F(Opening, JourneyExistsIsAConflict) {
  EXPECT_ACCEPTED(w.open("j1", "ft-annecy"));
  auto r = w.open("j1", "ft-annecy");
  EXPECT_REJECTED(r, "journey_exists");
  EXPECT_EQ(r.rejection().status, 409);
}

TEST_F(Opening, TooYoungBoundary) {
  // journey.too_young (JOURNEY §3.1): under 16 on the server's date is refused; 16 that day is not.
  EXPECT_REJECTED(w.open("j1", "ft-annecy", "2010-11-24"), "journey.too_young");
  EXPECT_ACCEPTED(w.open("j2", "ft-annecy", "2010-11-23"));
}

TEST_F(Opening, IdentityIsSealedInTheEvent) {
  EXPECT_ACCEPTED(w.open("j1", "ft-annecy"));
  const std::string text = w.log("j1").front().dump();
  EXPECT_EQ(text.find("Camille"), std::string::npos);
  EXPECT_EQ(text.find("1990-04-02"), std::string::npos);
  EXPECT_EQ(w.log("j1").front()["data"]["identity"]["alg"], "xchacha20poly1305-ietf");
}

TEST_F(Opening, MalformedInput) {
  auto bad = [&](json data) { return w.send("jx", "ft-annecy", "OpenJourney", data); };
  json good = {{"person", {{"first_name", "A"}, {"last_name", "B"}, {"birth_date", "1990-01-01"}}},
               {"department", "74"}};
  EXPECT_ACCEPTED(bad(good));
  json d = good;
  d["person"]["birth_date"] = "2025-02-30";
  EXPECT_REJECTED(w.send("j2", "ft-annecy", "OpenJourney", d), "malformed");
  d = good;
  d["department"] = "20";
  EXPECT_REJECTED(w.send("j2", "ft-annecy", "OpenJourney", d), "malformed");
  d = good;
  d["person"].erase("last_name");
  EXPECT_REJECTED(w.send("j2", "ft-annecy", "OpenJourney", d), "malformed");
  d = good;
  d["person"]["first_name"] = std::string(201, 'x');
  EXPECT_REJECTED(w.send("j2", "ft-annecy", "OpenJourney", d), "malformed");
  d = good;
  d["extra"] = 1;
  EXPECT_REJECTED(w.send("j2", "ft-annecy", "OpenJourney", d), "malformed");
  d = good;
  d["person"]["nir"] = "190047412345678";  // wrong key
  EXPECT_REJECTED(w.send("j2", "ft-annecy", "OpenJourney", d), "malformed");
  d = good;
  d["person"]["nir"] = "190047412345633";  // 97 - (1900474123456 mod 97) = 33
  EXPECT_ACCEPTED(w.send("j2", "ft-annecy", "OpenJourney", d));
}

TEST_F(Opening, UnknownCommandTypeIsMalformed) {
  EXPECT_REJECTED(w.send("j1", "ft-annecy", "OpenTheDoor", json::object()), "malformed");
}

TEST_F(Opening, ReplayGivesTheSameState) {
  EXPECT_ACCEPTED(w.open("j1", "ft-annecy"));
  EXPECT_EQ(json(w.replay("j1")), json(w.state("j1")));
}

}  // namespace
}  // namespace parcours::testing
