#include "domain/organization.h"

namespace parcours::domain {

std::optional<OrgKind> parse_org_kind(std::string_view s) {
  if (s == "prescriber") return OrgKind::prescriber;
  if (s == "orienteur") return OrgKind::orienteur;
  if (s == "siae") return OrgKind::siae;
  if (s == "ddets") return OrgKind::ddets;
  if (s == "auditor") return OrgKind::auditor;
  return std::nullopt;
}

std::string_view to_string(OrgKind k) {
  switch (k) {
    case OrgKind::prescriber:
      return "prescriber";
    case OrgKind::orienteur:
      return "orienteur";
    case OrgKind::siae:
      return "siae";
    case OrgKind::ddets:
      return "ddets";
    case OrgKind::auditor:
      return "auditor";
  }
  return "unknown";
}

bool Organization::habilitated_on(Date on) const {
  if (!active || kind != OrgKind::prescriber) return false;
  if (!habilitation_valid_until) return prescriber_kind != "OHPD";
  return on <= *habilitation_valid_until;
}

}  // namespace parcours::domain
