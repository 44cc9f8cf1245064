#include "crypto/free_text_cipher.h"

#include "domain/free_text.h"

namespace parcours::crypto {

nlohmann::json seal_command_free_text(std::string_view type, nlohmann::json& data,
                                      std::string_view journey_id, const MasterKeyRing& ring) {
  if (!data.is_object()) return nullptr;
  std::optional<DataKey> key;
  for (std::string_view field : domain::free_text_fields_of_command(type)) {
    auto it = data.find(field);
    if (it == data.end()) continue;
    if (!key) key = new_data_key();
    *it = seal_value(*it, *key, sealed_text_ad(journey_id, field));
  }
  if (!key) return nullptr;
  return wrap_data_key(*key, journey_id, ring);
}

bool open_command_free_text(std::string_view type, nlohmann::json& data,
                            const nlohmann::json& wrapped_key, std::string_view journey_id,
                            const MasterKeyRing& ring) {
  if (!data.is_object()) return true;
  std::optional<DataKey> key;
  for (std::string_view field : domain::free_text_fields_of_command(type)) {
    auto it = data.find(field);
    if (it == data.end()) continue;
    if (!key) key = unwrap_data_key(wrapped_key, journey_id, ring);
    if (!key) return false;
    auto clear = open_value(*it, *key, sealed_text_ad(journey_id, field));
    if (!clear) return false;
    *it = std::move(*clear);
  }
  return true;
}

void seal_event_free_text(std::string_view event_type, nlohmann::json& data, const DataKey& key,
                          std::string_view journey_id) {
  if (!data.is_object()) return;
  for (const domain::EventFreeText* t : domain::free_text_fields_of_event(event_type)) {
    auto it = data.find(t->field);
    if (it != data.end()) *it = seal_value(*it, key, journey_id);
  }
}

std::optional<nlohmann::json> open_free_text(const nlohmann::json& sealed, const DataKey& key,
                                             std::string_view journey_id) {
  if (sealed.is_string()) return sealed;
  return open_value(sealed, key, journey_id);
}

}  // namespace parcours::crypto
