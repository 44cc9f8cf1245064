#include "domain/free_text.h"

namespace parcours::domain {

const std::vector<CommandFreeText>& command_free_text() {
  static const std::vector<CommandFreeText> table = {
      {"JoinJourney", "proof"},  // a NIR, or names and a birth date
      {"RecordAccompanimentDiagnosis", "notes"},
      {"SubmitCandidature", "message"},
      {"PostponeCandidature", "message"},
      {"RefuseCandidature", "detail"},
      {"CancelHire", "reason"},
      {"EndContract", "reason"},
      {"ProlongPass", "report"},
      {"DecideProlongation", "explanation"},
      {"StartPmsmp", "tutor"},
      {"RecordFollowUp", "notes"},
      {"EraseIdentity", "reason"},
  };
  return table;
}

std::vector<std::string_view> free_text_fields_of_command(std::string_view type) {
  std::vector<std::string_view> out;
  for (const auto& t : command_free_text()) {
    if (t.command == type) out.push_back(t.field);
  }
  return out;
}

const std::vector<EventFreeText>& event_free_text() {
  static const std::vector<EventFreeText> table = {
      {"diagnosis.accompaniment_recorded", "notes", "diagnosis", "diagnosis_id", "notes"},
      {"candidature.submitted", "message", "candidature", "candidature_id", "message"},
      {"candidature.postponed", "message", "candidature", "candidature_id", "postpone_message"},
      {"candidature.refused", "detail", "candidature", "candidature_id", "refusal_detail"},
      {"candidature.hire_cancelled", "reason", "candidature", "candidature_id", "cancel_reason"},
      {"contract.ended", "reason", "contract", "contract_id", "end_reason"},
      {"pass.prolongation_requested", "report", "prolongation", "prolongation_id", "report"},
      {"pass.prolonged", "report", "prolongation", "prolongation_id", "report"},
      {"pass.prolongation_denied", "explanation", "prolongation", "prolongation_id", "explanation"},
      {"pmsmp.started", "tutor", "pmsmp", "pmsmp_id", "tutor"},
      {"followup.recorded", "notes", "followup", "followup_id", "notes"},
      {"journey.identity_erased", "reason", "journey", "", "erasure_reason"},
  };
  return table;
}

std::vector<const EventFreeText*> free_text_fields_of_event(std::string_view type) {
  std::vector<const EventFreeText*> out;
  for (const auto& t : event_free_text()) {
    if (t.event == type) out.push_back(&t);
  }
  return out;
}

std::string sealed_text_key(std::string_view part, std::string_view id, std::string_view name) {
  std::string k;
  k.reserve(part.size() + id.size() + name.size() + 2);
  k.append(part).push_back('/');
  k.append(id).push_back('/');
  k.append(name);
  return k;
}

}  // namespace parcours::domain
