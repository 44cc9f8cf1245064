#include "auth/jwt.h"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <sodium.h>

#include <algorithm>

namespace parcours::auth {

namespace {

std::string hmac_sha256(std::string_view key, std::string_view msg) {
  unsigned char mac[crypto_auth_hmacsha256_BYTES];
  crypto_auth_hmacsha256_state st;
  crypto_auth_hmacsha256_init(&st, reinterpret_cast<const unsigned char*>(key.data()), key.size());
  crypto_auth_hmacsha256_update(&st, reinterpret_cast<const unsigned char*>(msg.data()),
                                msg.size());
  crypto_auth_hmacsha256_final(&st, mac);
  return std::string(reinterpret_cast<const char*>(mac), sizeof mac);
}

}  // namespace

bool Principal::has_role(std::string_view r) const {
  return std::find(roles.begin(), roles.end(), r) != roles.end();
}

std::string base64url(std::string_view bytes) {
  const std::size_t len =
      sodium_base64_encoded_len(bytes.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  std::string out(len, '\0');
  sodium_bin2base64(out.data(), len, reinterpret_cast<const unsigned char*>(bytes.data()),
                    bytes.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  out.resize(len - 1);
  return out;
}

std::optional<std::string> unbase64url(std::string_view text) {
  std::string out(text.size(), '\0');
  std::size_t len = 0;
  const char* end = nullptr;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), text.data(),
                        text.size(), nullptr, &len, &end,
                        sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
      end != text.data() + text.size()) {
    return std::nullopt;
  }
  out.resize(len);
  return out;
}

std::string sign_hs256(const nlohmann::json& claims, std::string_view secret) {
  const std::string header = base64url(R"({"alg":"HS256","typ":"JWT"})");
  const std::string body = base64url(claims.dump());
  const std::string signing_input = header + "." + body;
  return signing_input + "." + base64url(hmac_sha256(secret, signing_input));
}

struct JwtVerifier::PublicKey {
  EVP_PKEY* pkey = nullptr;
  ~PublicKey() { EVP_PKEY_free(pkey); }
};

namespace {

struct BioDeleter {
  void operator()(BIO* b) const { BIO_free(b); }
};
struct CtxDeleter {
  void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};

// alg of a key: RS256 for RSA, EdDSA for Ed25519; "" otherwise.
std::string alg_of(EVP_PKEY* k) {
  switch (EVP_PKEY_base_id(k)) {
    case EVP_PKEY_RSA:
      return "RS256";
    case EVP_PKEY_ED25519:
      return "EdDSA";
    default:
      return "";
  }
}

}  // namespace

JwtVerifier::JwtVerifier(JwtOptions o) : options_(std::move(o)) {}

std::optional<JwtVerifier> JwtVerifier::create(JwtOptions options, std::string* error) {
  if (sodium_init() < 0) {
    if (error) *error = "libsodium failed to start";
    return std::nullopt;
  }
  if (!options.hs256_secret.empty() && options.hs256_secret.size() < 32) {
    if (error) *error = "PARCOURS_JWT_SECRET must be at least 32 bytes";
    return std::nullopt;
  }
  JwtVerifier v(std::move(options));
  if (!v.options_.public_key_pem.empty()) {
    std::unique_ptr<BIO, BioDeleter> bio(BIO_new_mem_buf(
        v.options_.public_key_pem.data(), static_cast<int>(v.options_.public_key_pem.size())));
    auto key = std::make_shared<PublicKey>();
    key->pkey = PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr);
    if (!key->pkey || alg_of(key->pkey).empty()) {
      if (error) *error = "the JWT public key is not a PEM RSA or Ed25519 public key";
      return std::nullopt;
    }
    v.key_alg_ = alg_of(key->pkey);
    v.key_ = std::move(key);
  }
  if (v.options_.hs256_secret.empty() && !v.key_) {
    if (error) *error = "configure PARCOURS_JWT_SECRET (HS256) or a JWT public key";
    return std::nullopt;
  }
  // An identity provider signs tokens for many services: without iss and aud, a token it
  // issued for another service would open this one.
  if (v.key_ && (v.options_.issuer.empty() || v.options_.audience.empty())) {
    if (error) {
      *error = "a JWT public key needs PARCOURS_JWT_ISSUER and PARCOURS_JWT_AUDIENCE";
    }
    return std::nullopt;
  }
  return v;
}

bool JwtVerifier::verify_signature(const std::string& alg, std::string_view signing_input,
                                   const std::string& sig) const {
  if (alg == "HS256" && !options_.hs256_secret.empty()) {
    const std::string expected = hmac_sha256(options_.hs256_secret, signing_input);
    return sig.size() == expected.size() &&
           sodium_memcmp(sig.data(), expected.data(), expected.size()) == 0;
  }
  if (!key_ || alg != key_alg_) return false;
  std::unique_ptr<EVP_MD_CTX, CtxDeleter> ctx(EVP_MD_CTX_new());
  const EVP_MD* md = alg == "RS256" ? EVP_sha256() : nullptr;  // Ed25519 hashes internally
  if (EVP_DigestVerifyInit(ctx.get(), nullptr, md, nullptr, key_->pkey) != 1) return false;
  return EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(sig.data()), sig.size(),
                          reinterpret_cast<const unsigned char*>(signing_input.data()),
                          signing_input.size()) == 1;
}

std::string sign_with_private_key(const nlohmann::json& claims, const std::string& private_pem) {
  std::unique_ptr<BIO, BioDeleter> bio(
      BIO_new_mem_buf(private_pem.data(), static_cast<int>(private_pem.size())));
  EVP_PKEY* k = PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr);
  if (!k) return "";
  const std::string alg = alg_of(k);
  std::string out;
  if (!alg.empty()) {
    const std::string input = base64url(nlohmann::json{{"alg", alg}, {"typ", "JWT"}}.dump()) + "." +
                              base64url(claims.dump());
    std::unique_ptr<EVP_MD_CTX, CtxDeleter> ctx(EVP_MD_CTX_new());
    size_t len = 0;
    if (EVP_DigestSignInit(ctx.get(), nullptr, alg == "RS256" ? EVP_sha256() : nullptr, nullptr,
                           k) == 1 &&
        EVP_DigestSign(ctx.get(), nullptr, &len,
                       reinterpret_cast<const unsigned char*>(input.data()), input.size()) == 1) {
      std::string sig(len, '\0');
      if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(sig.data()), &len,
                         reinterpret_cast<const unsigned char*>(input.data()), input.size()) == 1) {
        sig.resize(len);
        out = input + "." + base64url(sig);
      }
    }
  }
  EVP_PKEY_free(k);
  return out;
}

std::optional<Principal> JwtVerifier::verify(std::string_view token,
                                             std::chrono::system_clock::time_point now,
                                             std::string* reason) const {
  auto fail = [&](const char* why) -> std::optional<Principal> {
    if (reason) *reason = why;
    return std::nullopt;
  };
  if (token.empty()) return fail("no bearer token");
  if (token.size() > 8192) return fail("token too long");
  const auto dot1 = token.find('.');
  const auto dot2 = dot1 == std::string_view::npos ? dot1 : token.find('.', dot1 + 1);
  if (dot2 == std::string_view::npos || token.find('.', dot2 + 1) != std::string_view::npos) {
    return fail("token is not a JWS compact serialisation");
  }
  auto header_raw = unbase64url(token.substr(0, dot1));
  auto body_raw = unbase64url(token.substr(dot1 + 1, dot2 - dot1 - 1));
  auto sig = unbase64url(token.substr(dot2 + 1));
  if (!header_raw || !body_raw || !sig) return fail("token is not base64url");
  auto header = nlohmann::json::parse(*header_raw, nullptr, false);
  if (header.is_discarded() || !header.is_object()) return fail("token header is not JSON");
  // The algorithms are fixed by configuration, never chosen by the token ("none" attacks, or an
  // HS256 token signed with the public key as secret).
  const auto alg_it = header.find("alg");
  if (alg_it == header.end() || !alg_it->is_string())
    return fail("token algorithm is not accepted");
  const std::string alg = alg_it->get<std::string>();
  const bool accepted =
      (alg == "HS256" && !options_.hs256_secret.empty()) || (!key_alg_.empty() && alg == key_alg_);
  if (!accepted) return fail("token algorithm is not accepted");
  if (!verify_signature(alg, token.substr(0, dot2), *sig)) return fail("bad token signature");
  auto claims = nlohmann::json::parse(*body_raw, nullptr, false);
  if (claims.is_discarded() || !claims.is_object()) return fail("token claims are not JSON");

  Principal p;
  const auto sub = claims.find("sub");
  if (sub == claims.end() || !sub->is_string() || sub->get_ref<const std::string&>().empty()) {
    return fail("token has no sub");
  }
  p.sub = sub->get<std::string>();
  if (auto org = claims.find("org"); org != claims.end()) {
    if (!org->is_string()) return fail("token org is not a string");
    p.org = org->get<std::string>();
  }
  if (auto roles = claims.find("roles"); roles != claims.end()) {
    if (!roles->is_array()) return fail("token roles is not an array");
    for (const auto& r : *roles) {
      if (!r.is_string()) return fail("token roles must be strings");
      p.roles.push_back(r.get<std::string>());
    }
  }
  const long long now_s =
      std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
  const long long leeway = options_.leeway.count();
  // NumericDate within [0, 2^40] (year 36812): no arithmetic below can overflow.
  constexpr long long kMaxTime = 1LL << 40;
  auto numeric_date = [&](const nlohmann::json& j) -> std::optional<long long> {
    if (!j.is_number_integer()) return std::nullopt;
    if (j.is_number_unsigned() && j.get<unsigned long long>() > kMaxTime) return std::nullopt;
    const long long v = j.get<long long>();
    if (v < 0 || v > kMaxTime) return std::nullopt;
    return v;
  };
  const auto exp = claims.find("exp");
  const auto exp_value = exp == claims.end() ? std::nullopt : numeric_date(*exp);
  if (!exp_value) return fail("token has no valid exp");
  p.exp = *exp_value;
  if (now_s > p.exp + leeway) return fail("token expired");
  if (auto nbf = claims.find("nbf"); nbf != claims.end()) {
    const auto nbf_value = numeric_date(*nbf);
    if (!nbf_value) return fail("token nbf is not a valid time");
    if (now_s + leeway < *nbf_value) return fail("token not yet valid");
  }
  if (!options_.issuer.empty()) {
    const auto iss = claims.find("iss");
    if (iss == claims.end() || !iss->is_string() || *iss != options_.issuer) {
      return fail("token issuer is not accepted");
    }
  }
  if (!options_.audience.empty()) {
    // aud: a string or an array of strings (RFC 7519 §4.1.3); ours must be among them.
    const auto aud = claims.find("aud");
    bool ours = false;
    if (aud != claims.end() && aud->is_string()) ours = *aud == options_.audience;
    if (aud != claims.end() && aud->is_array()) {
      for (const auto& a : *aud) ours = ours || (a.is_string() && a == options_.audience);
    }
    if (!ours) return fail("token audience is not accepted");
  }
  return p;
}

}  // namespace parcours::auth
