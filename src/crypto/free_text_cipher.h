// Sealing the free text of commands and events (JOURNEY §6; which fields: domain/free_text.h).
//
// On the commands topic a command's free text is sealed with a key of its own, wrapped by the
// master key like a data key (CommandRecord::wrapped_key), with "<journey id>/<field>" as
// associated data. In an event it is sealed with the journey's data key and the journey id as
// associated data, like the identity, so that the erasure, which destroys that key, makes it
// unreadable for good while every hash of the chain still holds.
//
// Thread-safety: pure functions.
#pragma once

#include <optional>
#include <string_view>

#include <nlohmann/json.hpp>

#include "crypto/identity_cipher.h"

namespace parcours::crypto {

// Seals in place the free-text fields of `data` for a command of `type`. Returns the wrapped
// transport key, or null if the command holds no free text.
nlohmann::json seal_command_free_text(std::string_view type, nlohmann::json& data,
                                      std::string_view journey_id, const MasterKeyRing& ring);

// Opens in place what seal_command_free_text sealed. False if a free-text field is present and
// cannot be opened (a record the API did not write), leaving `data` partly opened.
bool open_command_free_text(std::string_view type, nlohmann::json& data,
                            const nlohmann::json& wrapped_key, std::string_view journey_id,
                            const MasterKeyRing& ring);

// Seals in place the free-text fields of an event's data with the journey's data key.
void seal_event_free_text(std::string_view event_type, nlohmann::json& data, const DataKey& key,
                          std::string_view journey_id);

// Opens one sealed free text of a journey (JourneyState::sealed_texts, an event's field), or
// nullopt. A clear string (older events) is returned as it is.
std::optional<nlohmann::json> open_free_text(const nlohmann::json& sealed, const DataKey& key,
                                             std::string_view journey_id);

}  // namespace parcours::crypto
