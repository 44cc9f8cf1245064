// Free text is personal data (JOURNEY §6): notes, messages, refusal details, explanations,
// reports, tutor names and reasons written by people are sealed with the journey's data key,
// like the identity, and destroyed with it by EraseIdentity.
//
// These tables say which fields hold free text, once for the whole system:
//   - the API seals the command fields for their trip through the commands topic (a key of
//     their own, wrapped by the master key: kCommandFields);
//   - the processor opens them, lets the decider read them, then seals the event fields with
//     the journey's data key before anything leaves the process (kEventFields);
//   - evolve keeps each sealed event field in JourneyState::sealed_texts under
//     "<part>/<id>/<name>", where the read models open it for those who may read that part.
// Codes (reasons from closed lists, criteria, kinds) stay in clear: rules and indicators need
// them and they describe no one (docs/security.md).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace parcours::domain {

// A command field sealed in transit (commands topic).
struct CommandFreeText {
  std::string_view command;
  std::string_view field;
};
const std::vector<CommandFreeText>& command_free_text();
// The sealed fields of a command type (empty for most).
std::vector<std::string_view> free_text_fields_of_command(std::string_view type);

// An event field sealed with the journey's data key, and where evolve keeps it.
struct EventFreeText {
  std::string_view event;
  std::string_view field;     // in the event's data
  std::string_view part;      // candidature | diagnosis | followup | pmsmp | prolongation |
                              // contract | journey
  std::string_view id_field;  // the data member naming the part's item ("" for the journey)
  std::string_view name;      // the key's last segment in JourneyState::sealed_texts
};
const std::vector<EventFreeText>& event_free_text();
// The sealed fields of an event type (empty for most).
std::vector<const EventFreeText*> free_text_fields_of_event(std::string_view type);

// "<part>/<id>/<name>", the key of a sealed text in JourneyState::sealed_texts.
std::string sealed_text_key(std::string_view part, std::string_view id, std::string_view name);

}  // namespace parcours::domain
