// Who is calling (caller.h): roles are claims, honoured only for organisations of their kind.
#include "api/caller.h"

#include <gtest/gtest.h>

#include <chrono>

namespace parcours::api {
namespace {

class Callers_ : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string error;
    jwt = auth::JwtVerifier::create({std::string(40, 's'), "", std::chrono::seconds(60), "", ""},
                                    &error);
    ASSERT_TRUE(jwt) << error;
    org("ei-1", "siae", {{"siae_kind", "EI"}});
    org("igas", "auditor");
    org("ddets-74", "ddets");
    callers = std::make_unique<Callers>(*jwt, registry, CallerOptions{});
  }
  void org(const std::string& id, const std::string& kind, nlohmann::json extra = {}) {
    domain::RecordedEvent e;
    e.type = "org.registered";
    e.subject = id;
    e.seq = 1;
    e.command_id = "reg-" + id;
    e.data = {{"name", id}, {"kind", kind}, {"department", "74"}, {"registered_on", "2020-01-01"}};
    if (extra.is_object()) e.data.update(extra);
    registry.apply(e);
  }
  static auth::Principal principal(const std::string& org, std::vector<std::string> roles) {
    auth::Principal p;
    p.sub = "u";
    p.org = org;
    p.roles = std::move(roles);
    return p;
  }

  std::optional<auth::JwtVerifier> jwt;
  projections::OrgRegistry registry{kafka::KafkaSettings{}, "org-events", 1};
  std::unique_ptr<Callers> callers;
};

TEST_F(Callers_, AdminOnlyForThePlatformOrganisation) {
  http::Response error;
  auto platform = callers->resolve(principal("platform", {"admin"}), &error);
  ASSERT_TRUE(platform);
  EXPECT_TRUE(platform->reader.admin);
  auto siae = callers->resolve(principal("ei-1", {"admin"}), &error);
  ASSERT_TRUE(siae);
  EXPECT_FALSE(siae->reader.admin);
  EXPECT_FALSE(callers->resolve(principal("", {"admin"}), &error));
  EXPECT_EQ(error.status, 403);
}

TEST_F(Callers_, AuditorOnlyForAnAuditorOrganisation) {
  http::Response error;
  auto siae = callers->resolve(principal("ei-1", {"auditor"}), &error);
  ASSERT_TRUE(siae);
  EXPECT_FALSE(siae->reader.auditor);
  auto igas = callers->resolve(principal("igas", {"auditor"}), &error);
  ASSERT_TRUE(igas);
  EXPECT_TRUE(igas->reader.auditor);
}

}  // namespace
}  // namespace parcours::api
