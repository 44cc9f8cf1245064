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
constexpr Senders kPrescriberOrienteur{.prescriber = true, .orienteur = true};
constexpr Senders kPrescriberSiae{.prescriber = true, .siae = true};
constexpr Senders kPrescriber{.prescriber = true};
constexpr Senders kSiae{.siae = true};
constexpr Senders kAdmin{.admin = true};
constexpr Senders kSystem{.system = true};
}  // namespace

// The senders below are the kinds that may send the command at all; a kind absent here gets
// 403 forbidden from decide(). Involvement is decide()'s (Reach). Finer rules (the target SIAE
// only, the SIAE of the last hire, habilitation on a date) are the decider's, with the code
// JOURNEY gives them.
const std::vector<CommandSpec>& command_specs() {
  static const std::vector<CommandSpec> specs = {
      // §3.1
      {"OpenJourney", kPrescriberOrienteurSiae, Reach::opens, decide_open_journey},
      {"JoinJourney", kPrescriberOrienteurSiae, Reach::joins, decide_join_journey},
      {"RecordConsent", kPrescriberOrienteurSiae, Reach::involved, decide_record_consent},
      // §3.2 (an orienteur reaches the eligibility decider to get 403 not_habilitated)
      {"RecordAccompanimentDiagnosis", kPrescriberOrienteur, Reach::involved,
       decide_accompaniment_diagnosis},
      {"MakeEligibilityDiagnosis", kPrescriberOrienteurSiae, Reach::involved,
       decide_eligibility_diagnosis},
      // §3.3
      {"SubmitCandidature", kPrescriberOrienteurSiae, Reach::involved, decide_submit_candidature},
      {"ProcessCandidature", kSiae, Reach::involved, decide_process_candidature},    // target SIAE
      {"PostponeCandidature", kSiae, Reach::involved, decide_postpone_candidature},  // target SIAE
      {"RefuseCandidature", kSiae, Reach::involved, decide_refuse_candidature},      // target SIAE
      {"AcceptCandidature", kSiae, Reach::involved, decide_accept_candidature},      // target SIAE
      {"CancelHire", kSiae, Reach::involved, decide_cancel_hire},                    // hiring SIAE
      // §3.4
      {"SuspendPass", kPrescriberSiae, Reach::involved, decide_suspend_pass},
      {"EndPassSuspension", kPrescriberSiae, Reach::involved, decide_end_pass_suspension},
      {"ProlongPass", kSiae, Reach::involved, decide_prolong_pass},  // SIAE with a hire on the PASS
      {"DecideProlongation", kPrescriber, Reach::involved,
       decide_prolongation},  // requested prescriber
      // §3.5 (the contract's SIAE)
      {"RenewContract", kSiae, Reach::involved, decide_renew_contract},
      {"SuspendContract", kSiae, Reach::involved, decide_suspend_contract},
      {"EndContract", kSiae, Reach::involved, decide_end_contract},
      // §3.6 (an ETTI is refused by the decider)
      {"StartPmsmp", kPrescriberSiae, Reach::involved, decide_start_pmsmp},
      {"EndPmsmp", kPrescriberSiae, Reach::involved, decide_end_pmsmp},
      // §3.7 (the employing SIAE or a prescriber)
      {"StartTraining", kPrescriberSiae, Reach::involved, decide_start_training},
      {"EndTraining", kPrescriberSiae, Reach::involved, decide_end_training},
      // §3.8
      {"RecordExit", kSiae, Reach::involved, decide_record_exit},  // contract's SIAE
      {"RecordFollowUp", kPrescriberOrienteurSiae, Reach::involved,
       decide_record_followup},  // involved
      {"EraseIdentity", kAdmin, Reach::involved, decide_erase_identity},
      // §3.9
      {"ApplyDeadlines", kSystem, Reach::involved, decide_apply_deadlines},
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
