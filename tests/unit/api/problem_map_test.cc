// The one mapping from rejection codes to HTTP problems (JOURNEY §5).
#include "api/problem_map.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace parcours::api {
namespace {

TEST(ProblemMap, GenericCodesHaveTheirContractStatus) {
  EXPECT_EQ(status_of("malformed"), 400);
  EXPECT_EQ(status_of("unauthenticated"), 401);
  EXPECT_EQ(status_of("forbidden"), 403);
  EXPECT_EQ(status_of("not_habilitated"), 403);
  EXPECT_EQ(status_of("not_found"), 404);
  EXPECT_EQ(status_of("journey_exists"), 409);
  EXPECT_EQ(status_of("version_conflict"), 409);
  EXPECT_EQ(status_of("too_large"), 413);
  EXPECT_EQ(status_of("idempotency_key_reused"), 422);
  EXPECT_EQ(status_of("unavailable"), 503);
  EXPECT_EQ(status_of("timeout"), 504);
  EXPECT_EQ(status_of("contract.too_short"), 422);
}

TEST(ProblemMap, ARejectionBecomesAProblemJsonWithNothingAppended) {
  const auto r = problem(domain::rule("contract.too_short", "a CDDI lasts at least 4 months"));
  EXPECT_EQ(r.status, 422);
  EXPECT_EQ(r.content_type, "application/problem+json");
  const auto j = nlohmann::json::parse(r.body);
  EXPECT_EQ(nlohmann::ordered_json::parse(r.body).dump(), r.body);  // one document, nothing more
  EXPECT_EQ(j["code"], "contract.too_short");
  EXPECT_EQ(j["status"], 422);
  EXPECT_EQ(j["type"], "urn:parcours:problem:contract.too_short");
  EXPECT_EQ(j["detail"], "a CDDI lasts at least 4 months");
  EXPECT_EQ(j.size(), 5u);
}

TEST(ProblemMap, GenericCodesKeepTheirStatusWhateverTheDeciderSaid) {
  EXPECT_EQ(problem(domain::Rejection{"forbidden", "no", 422}).status, 403);
  EXPECT_EQ(problem(domain::malformed("bad")).status, 400);
}

}  // namespace
}  // namespace parcours::api
