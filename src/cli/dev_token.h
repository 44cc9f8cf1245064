// Development tokens (`parcours token`, the benches): HS256 with PARCOURS_JWT_SECRET.
#pragma once

#include <string>
#include <vector>

namespace parcours::cli {

// A token for `sub`, valid from now for `ttl_seconds`; `org`, `issuer` (iss) and `audience`
// (aud) are left out when empty.
std::string dev_token(const std::string& secret, const std::string& sub, const std::string& org,
                      const std::vector<std::string>& roles, long ttl_seconds,
                      const std::string& issuer = "", const std::string& audience = "");

}  // namespace parcours::cli
