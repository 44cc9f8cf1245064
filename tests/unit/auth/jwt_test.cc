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
  auto v = JwtVerifier::create({kSecret, "", seconds(60), "", ""}, &err);
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
  EXPECT_FALSE(JwtVerifier::create({"short", "", seconds(60), "", ""}, &err));
}

}  // namespace
}  // namespace parcours::auth

#include <openssl/evp.h>
#include <openssl/pem.h>

namespace parcours::auth {
namespace {

struct KeyPair {
  std::string private_pem;
  std::string public_pem;
};

KeyPair generate(const char* type) {
  EVP_PKEY* k = std::string(type) == "RSA"
                    ? EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", size_t{2048})
                    : EVP_PKEY_Q_keygen(nullptr, nullptr, type);
  auto pem = [&](bool priv) {
    BIO* b = BIO_new(BIO_s_mem());
    if (priv) {
      PEM_write_bio_PrivateKey(b, k, nullptr, nullptr, 0, nullptr, nullptr);
    } else {
      PEM_write_bio_PUBKEY(b, k);
    }
    char* data = nullptr;
    const long len = BIO_get_mem_data(b, &data);
    std::string out(data, static_cast<std::size_t>(len));
    BIO_free(b);
    return out;
  };
  KeyPair kp{pem(true), pem(false)};
  EVP_PKEY_free(k);
  return kp;
}

TEST(JwtAsymmetric, Rs256AndEdDsaWithTheConfiguredKeyOnly) {
  for (const char* type : {"RSA", "ED25519"}) {
    const KeyPair good = generate(type);
    const KeyPair other = generate(type);
    std::string err;
    // A public key (an identity provider's tokens) needs an issuer and an audience.
    EXPECT_FALSE(JwtVerifier::create({"", good.public_pem, seconds(60), "", ""}, &err));
    EXPECT_NE(err.find("PARCOURS_JWT_ISSUER"), std::string::npos);
    auto v =
        JwtVerifier::create({"", good.public_pem, seconds(60), "https://idp", "parcours"}, &err);
    ASSERT_TRUE(v) << err;
    std::string why;
    auto ours = claims();
    ours["iss"] = "https://idp";
    ours["aud"] = "parcours";
    const std::string token = sign_with_private_key(ours, good.private_pem);
    ASSERT_FALSE(token.empty());
    auto p = v->verify(token, kNow, &why);
    ASSERT_TRUE(p) << type << ": " << why;
    EXPECT_EQ(p->sub, "alice");
    EXPECT_FALSE(v->verify(sign_with_private_key(ours, other.private_pem), kNow, &why)) << type;
    EXPECT_EQ(why, "bad token signature");
    EXPECT_FALSE(v->verify(sign_with_private_key(claims(), good.private_pem), kNow, &why));
    EXPECT_EQ(why, "token issuer is not accepted");
    // No HS256 secret configured: HS256 tokens are refused, whatever their key.
    EXPECT_FALSE(v->verify(sign_hs256(claims(), kSecret), kNow, &why));
    EXPECT_EQ(why, "token algorithm is not accepted");
    // The classic confusion: an HS256 token keyed with the public key.
    EXPECT_FALSE(v->verify(sign_hs256(claims(), good.public_pem), kNow, &why));
  }
}

TEST(JwtAsymmetric, BadKeyIsRefusedAtStart) {
  std::string err;
  EXPECT_FALSE(JwtVerifier::create({"", "not a key", seconds(60), "i", "a"}, &err));
  EXPECT_FALSE(JwtVerifier::create({"", "", seconds(60), "", ""}, &err));
}

TEST(Jwt, IssuerAndAudienceWhenConfigured) {
  std::string err, why;
  auto v = JwtVerifier::create({kSecret, "", seconds(60), "https://idp", "parcours"}, &err);
  ASSERT_TRUE(v) << err;
  auto c = claims();
  EXPECT_FALSE(v->verify(sign_hs256(c, kSecret), kNow, &why));
  EXPECT_EQ(why, "token issuer is not accepted");
  c["iss"] = "https://idp";
  EXPECT_FALSE(v->verify(sign_hs256(c, kSecret), kNow, &why));
  EXPECT_EQ(why, "token audience is not accepted");
  for (const nlohmann::json& aud :
       {nlohmann::json("parcours"), nlohmann::json({"x", "parcours"})}) {
    c["aud"] = aud;
    EXPECT_TRUE(v->verify(sign_hs256(c, kSecret), kNow, &why)) << why;
  }
  for (const nlohmann::json& aud :
       {nlohmann::json("other"), nlohmann::json({"x"}), nlohmann::json(3)}) {
    c["aud"] = aud;
    EXPECT_FALSE(v->verify(sign_hs256(c, kSecret), kNow, &why)) << aud.dump();
  }
  c["aud"] = "parcours";
  c["iss"] = "https://evil";
  EXPECT_FALSE(v->verify(sign_hs256(c, kSecret), kNow, &why));
}

TEST(Jwt, MalformedHeadersAndTimesAreRefusedNotThrown) {
  std::string why;
  const auto v = verifier();
  const std::string body = base64url(claims().dump());
  for (const char* header : {R"({"alg":256})", R"({"alg":null})", R"({"alg":["HS256"]})",
                             R"({"alg":{"x":1}})", R"([1,2])", R"("HS256")"}) {
    EXPECT_FALSE(v.verify(base64url(header) + "." + body + ".c2ln", kNow, &why)) << header;
  }
  for (const nlohmann::json& exp : {nlohmann::json(1e300), nlohmann::json(-5),
                                    nlohmann::json(18446744073709551615ULL), nlohmann::json("x")}) {
    auto c = claims();
    c["exp"] = exp;
    EXPECT_FALSE(v.verify(sign_hs256(c, kSecret), kNow, &why)) << exp.dump();
  }
}

}  // namespace
}  // namespace parcours::auth
