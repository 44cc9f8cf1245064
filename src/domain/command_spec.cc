#include "domain/command_spec.h"

namespace parcours::domain {

bool Senders::allows(const Actor& a) const {
  if (a.system) return system;
  if (a.admin && admin) return true;
  if (!a.org) return false;
  switch (a.org->kind) {
    case OrgKind::prescriber:
      return prescriber;
    case OrgKind::orienteur:
      return orienteur;
    case OrgKind::siae:
      return siae;
    case OrgKind::ddets:
    case OrgKind::auditor:
      return false;  // they read; they never write a journey
  }
  return false;
}

namespace {
constexpr Senders kPrescriberOrienteurSiae{.prescriber = true, .orienteur = true, .siae = true};
}  // namespace

const std::vector<CommandSpec>& command_specs() {
  static const std::vector<CommandSpec> specs = {
      // §3.1
      {"OpenJourney", kPrescriberOrienteurSiae, true, decide_open_journey},
      // §3.3
      {"SubmitCandidature", kPrescriberOrienteurSiae, false, decide_submit_candidature},
      // §3.8: involved organisations (checked by the decider)
      {"RecordFollowUp", kPrescriberOrienteurSiae, false, decide_record_followup},
  };
  return specs;
}

const CommandSpec* find_command_spec(std::string_view type) {
  for (const auto& s : command_specs()) {
    if (s.type == type) return &s;
  }
  return nullptr;
}

}  // namespace parcours::domain
