#include "cli/dev_token.h"

#include <chrono>

#include <nlohmann/json.hpp>

#include "auth/jwt.h"

namespace parcours::cli {

std::string dev_token(const std::string& secret, const std::string& sub, const std::string& org,
                      const std::vector<std::string>& roles, long ttl_seconds,
                      const std::string& issuer, const std::string& audience) {
  const long now = std::chrono::duration_cast<std::chrono::seconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                       .count();
  nlohmann::json claims = {
      {"sub", sub}, {"iat", now}, {"exp", now + ttl_seconds}, {"roles", roles}};
  if (!org.empty()) claims["org"] = org;
  if (!issuer.empty()) claims["iss"] = issuer;
  if (!audience.empty()) claims["aud"] = audience;
  return auth::sign_hs256(claims, secret);
}

}  // namespace parcours::cli
