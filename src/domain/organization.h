// Organisations and their registry (JOURNEY §2).
//
// The registry is a replica of the org-events topic that every instance keeps in full. The
// domain only reads it through OrgLookup, so deciders can be tested with a plain map.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "domain/date.h"

namespace parcours::domain {

enum class OrgKind { prescriber, orienteur, siae, ddets, auditor };

std::optional<OrgKind> parse_org_kind(std::string_view s);
std::string_view to_string(OrgKind k);

struct Organization {
  std::string id;
  std::string name;
  OrgKind kind = OrgKind::prescriber;
  std::string department;
  std::string prescriber_kind;  // FT, CAP_EMPLOI, ..., OHPD; empty unless kind == prescriber
  std::string siae_kind;        // ACI, AI, EI, ETTI, EITI; empty unless kind == siae
  std::optional<Date> habilitation_valid_until;  // OHPD only: last day the habilitation holds
  Date registered_on;
  bool active = true;
  long version = 0;  // number of org events applied

  // A prescriber habilitated on `on`: national-list kinds always, OHPD until valid_until.
  // Deactivation ends every habilitation.
  bool habilitated_on(Date on) const;
};

// Read access to the registry, as deciders see it.
class OrgLookup {
 public:
  virtual ~OrgLookup() = default;
  // The organisation with that id, or nullptr if it was never registered.
  virtual const Organization* find(std::string_view org_id) const = 0;
};

// The simplest OrgLookup: a map. The registry replica and tests use it.
class OrgMap final : public OrgLookup {
 public:
  const Organization* find(std::string_view org_id) const override {
    auto it = orgs_.find(std::string(org_id));
    return it == orgs_.end() ? nullptr : &it->second;
  }
  Organization& upsert(const std::string& id) { return orgs_[id]; }
  const std::map<std::string, Organization>& all() const { return orgs_; }
  std::size_t size() const { return orgs_.size(); }

 private:
  std::map<std::string, Organization> orgs_;
};

}  // namespace parcours::domain
