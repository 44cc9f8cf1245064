// Bearer tokens: JWT (RFC 7519) signed with HS256 (RFC 7518 §3.2) with a shared secret, or,
// as an option, RS256 (RSA PKCS#1 v1.5, SHA-256) or EdDSA (Ed25519, RFC 8037) with a configured
// public key. The accepted algorithms follow from the configuration, never from the token.
//
// Claims Parcours reads: `sub` (the user, required), `org` (the organisation id; optional
// only for admins), `roles` (array of strings: "admin", "auditor", "ddets"), `exp` (required),
// `nbf`, `iat`, and `iss` and `aud` when configured. Roles are claims, not rights: the API
// honours "auditor" and "ddets" only for organisations the registry records as of that kind,
// and "admin" only for the platform organisation of the configuration (api/caller.h). The
// organisation's kind and habilitation are never taken from the token: they come from the registry
// (ARCHITECTURE §7).
//
// Thread-safety: JwtVerifier is immutable after construction; verify() may be called from any
// thread.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace parcours::auth {

struct Principal {
  std::string sub;
  std::string org;  // empty if the token has none
  std::vector<std::string> roles;
  long long exp = 0;
  bool has_role(std::string_view r) const;
  bool admin() const { return has_role("admin"); }
};

struct JwtOptions {
  // HS256 secret (PARCOURS_JWT_SECRET). At least 32 bytes, or the verifier refuses to start.
  // May be empty when a public key is configured.
  std::string hs256_secret;
  // PEM public key (PARCOURS_JWT_PUBLIC_KEY_FILE): an RSA key accepts RS256 tokens, an Ed25519
  // key EdDSA tokens. Empty: none.
  std::string public_key_pem;
  // Tolerated clock difference for exp and nbf. Default: 60 s.
  std::chrono::seconds leeway{60};
  // Required `iss` (PARCOURS_JWT_ISSUER) and a required member of `aud` (PARCOURS_JWT_AUDIENCE).
  // Empty: not checked. Both are required with a public key (tokens of an identity provider).
  std::string issuer;
  std::string audience;
};

class JwtVerifier {
 public:
  // nullopt (and *error) if the options cannot verify anything safely.
  static std::optional<JwtVerifier> create(JwtOptions options, std::string* error);

  // The principal of a valid token; nullopt and a reason (never containing the token) for
  // a missing, malformed, badly signed, expired or not-yet-valid one.
  std::optional<Principal> verify(std::string_view token, std::chrono::system_clock::time_point now,
                                  std::string* reason) const;

 private:
  struct PublicKey;
  explicit JwtVerifier(JwtOptions o);
  bool verify_signature(const std::string& alg, std::string_view signing_input,
                        const std::string& signature) const;
  JwtOptions options_;
  std::shared_ptr<PublicKey> key_;  // shared: copies of the verifier share the parsed key
  std::string key_alg_;             // "RS256" | "EdDSA" | ""
};

// Signs claims with HS256 (development tokens, tests, `parcours token`).
std::string sign_hs256(const nlohmann::json& claims, std::string_view secret);
// Signs claims with a PEM private key: RS256 for RSA, EdDSA for Ed25519 (tests, tools).
// "" if the key cannot be used.
std::string sign_with_private_key(const nlohmann::json& claims, const std::string& private_pem);

std::string base64url(std::string_view bytes);
std::optional<std::string> unbase64url(std::string_view text);

}  // namespace parcours::auth
