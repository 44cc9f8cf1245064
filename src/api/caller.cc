#include "api/caller.h"

#include "api/problem_map.h"

namespace parcours::api {

Callers::Callers(const auth::JwtVerifier& jwt, projections::OrgRegistry& registry,
                 CallerOptions options)
    : jwt_(jwt), registry_(registry), options_(std::move(options)) {}

std::optional<auth::Principal> Callers::verify(const http::Request& req,
                                               http::Response* error) const {
  const std::string header = req.header("authorization");
  std::string token;
  if (header.size() > 7 && (header.rfind("Bearer ", 0) == 0 || header.rfind("bearer ", 0) == 0)) {
    token = header.substr(7);
  }
  std::string why;
  auto principal = jwt_.verify(token, std::chrono::system_clock::now(), &why);
  if (!principal) {
    *error = problem("unauthenticated", why);
    error->headers.emplace_back("WWW-Authenticate", "Bearer");
  }
  return principal;
}

std::optional<domain::Organization> Callers::find_org(const std::string& org) {
  const auto now = std::chrono::steady_clock::now();
  {
    std::lock_guard lock(mu_);
    auto it = negative_.find(org);
    if (it != negative_.end()) {
      if (it->second > now) return registry_.get(org);  // known bad: no round trip
      negative_.erase(it);
    }
  }
  auto entry = registry_.get(org);
  if (entry && entry->active) return entry;
  // Registered a moment ago, perhaps, and not yet in this replica: one look at the log.
  (void)registry_.sync(2000);
  entry = registry_.get(org);
  if (!entry || !entry->active) {
    std::lock_guard lock(mu_);
    if (negative_.size() >= options_.negative_max) negative_.clear();
    negative_[org] = now + options_.negative_ttl;
  }
  return entry;
}

std::optional<Caller> Callers::resolve(const auth::Principal& principal, http::Response* error) {
  Caller c;
  c.principal = principal;
  c.reader.sub = principal.sub;
  c.reader.org_id = principal.org;
  c.reader.admin =
      principal.admin() && !principal.org.empty() && principal.org == options_.platform_org;
  if (c.reader.admin) return c;  // the platform organisation need not be registered
  if (principal.org.empty()) {
    *error = problem("forbidden", "the token names no organisation");
    return std::nullopt;
  }
  c.reader.org = find_org(principal.org);
  if (!c.reader.org) {
    *error = problem("forbidden", "organisation '" + principal.org + "' is not registered");
    return std::nullopt;
  }
  if (!c.reader.org->active) {
    *error = problem("forbidden", "organisation '" + principal.org + "' is deactivated");
    return std::nullopt;
  }
  c.reader.auditor =
      principal.has_role("auditor") && c.reader.org->kind == domain::OrgKind::auditor;
  return c;
}

}  // namespace parcours::api
