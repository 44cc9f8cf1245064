#include "auth/jwt.h"

#include <gtest/gtest.h>

namespace parcours::auth {
namespace {

using std::chrono::seconds;
using std::chrono::system_clock;

const std::string kSecret = "0123456789abcdef0123456789abcdef";
const system_clock::time_point kNow = system_clock::time_point(seconds(1'800'000'000));

JwtVerifier verifier() {
  std::string err;
  auto v = JwtVerifier::create({kSecret, seconds(60)}, &err);
  EXPECT_TRUE(v) << err;
  return *v;
}

nlohmann::json claims() {
  return {{"sub", "alice"}, {"org", "ft-annecy"}, {"roles", {"user"}}, {"exp", 1'800'000'600}};
}

TEST(Jwt, AcceptsAValidToken) {
  std::string why;
  auto p = verifier().verify(sign_hs256(claims(), kSecret), kNow, &why);
  ASSERT_TRUE(p) << why;
  EXPECT_EQ(p->sub, "alice");
  EXPECT_EQ(p->org, "ft-annecy");
  EXPECT_FALSE(p->admin());
}

TEST(Jwt, RefusesNoneGarbageAndWrongKey) {
  std::string why;
  const auto v = verifier();
  EXPECT_FALSE(v.verify("", kNow, &why));
  EXPECT_FALSE(v.verify("garbage", kNow, &why));
  EXPECT_FALSE(v.verify("a.b.c", kNow, &why));
  EXPECT_FALSE(v.verify(sign_hs256(claims(), "another-secret-another-secret-xx"), kNow, &why));
  EXPECT_EQ(why, "bad token signature");
  // alg "none" with an empty signature
  const std::string none = base64url(R"({"alg":"none"})") + "." + base64url(claims().dump()) + ".";
  EXPECT_FALSE(v.verify(none, kNow, &why));
}

TEST(Jwt, ExpiryAndNotBeforeWithLeeway) {
  std::string why;
  const auto v = verifier();
  auto c = claims();
  c["exp"] = 1'800'000'000 - 61;
  EXPECT_FALSE(v.verify(sign_hs256(c, kSecret), kNow, &why));
  EXPECT_EQ(why, "token expired");
  c["exp"] = 1'800'000'000 - 59;  // within the leeway
  EXPECT_TRUE(v.verify(sign_hs256(c, kSecret), kNow, &why));
  c = claims();
  c["nbf"] = 1'800'000'000 + 61;
  EXPECT_FALSE(v.verify(sign_hs256(c, kSecret), kNow, &why));
  EXPECT_EQ(why, "token not yet valid");
  c = claims();
  c.erase("exp");
  EXPECT_FALSE(v.verify(sign_hs256(c, kSecret), kNow, &why));
}

TEST(Jwt, ShortSecretsAreRefused) {
  std::string err;
  EXPECT_FALSE(JwtVerifier::create({"short", seconds(60)}, &err));
}

}  // namespace
}  // namespace parcours::auth
