// Who is calling: the bearer token verified, then what the registry says of its organisation.
//
// Roles are claims, not rights (JOURNEY §6, ARCHITECTURE §7): "admin" is honoured only for the
// platform organisation the configuration names (PARCOURS_PLATFORM_ORG), "auditor" only for an
// organisation the registry records as an auditor; a DDETS reads as a DDETS because the
// registry says so, whatever the token claims. Every other caller must belong to a registered,
// active organisation.
//
// Two steps, so that the per-token rate limit comes between them: verify() costs no I/O;
// resolve() reads the registry replica, and for an organisation it does not know (yet: it may
// have been registered a moment ago) brings the replica up to date once, then remembers the
// negative answer for a while, so that a flood of requests for an unknown or deactivated
// organisation costs at most one broker round trip per period.
//
// Thread-safety: every member may be called from any thread.
#pragma once

#include <chrono>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "api/read_policy.h"
#include "auth/jwt.h"
#include "http/request.h"
#include "projections/org_registry.h"

namespace parcours::api {

// An authenticated caller: the token's principal and what the registry says of its org.
struct Caller {
  auth::Principal principal;
  Reader reader;
  // "sub|org": the key of the per-token rate limit.
  std::string limit_key() const { return principal.sub + "|" + principal.org; }
};

struct CallerOptions {
  // The organisation whose tokens may carry the admin role (PARCOURS_PLATFORM_ORG). It need not
  // be in the registry. Default: "platform".
  std::string platform_org = "platform";
  // How long a "not registered" or "deactivated" answer is remembered. Default: 5 s.
  std::chrono::milliseconds negative_ttl{5000};
  // At most this many remembered negative answers (then all are forgotten). Default: 10,000.
  std::size_t negative_max = 10000;
};

class Callers {
 public:
  Callers(const auth::JwtVerifier& jwt, projections::OrgRegistry& registry, CallerOptions options);

  // The token's principal; nullopt with a 401 problem in *error.
  std::optional<auth::Principal> verify(const http::Request& req, http::Response* error) const;
  // The caller of a verified principal; nullopt with a 403 problem in *error.
  std::optional<Caller> resolve(const auth::Principal& principal, http::Response* error);

  const CallerOptions& options() const { return options_; }

 private:
  std::optional<domain::Organization> find_org(const std::string& org);

  const auth::JwtVerifier& jwt_;
  projections::OrgRegistry& registry_;
  CallerOptions options_;
  std::mutex mu_;
  std::unordered_map<std::string, std::chrono::steady_clock::time_point> negative_;  // until
};

}  // namespace parcours::api
