#include "events/json_tree.h"

#include <cstdint>
#include <string>
#include <string_view>

namespace parcours::events {

nlohmann::json to_nlohmann(simdjson::dom::element e) {
  switch (e.type()) {
    case simdjson::dom::element_type::OBJECT: {
      nlohmann::json o = nlohmann::json::object();
      for (auto field : simdjson::dom::object(e)) {
        o[std::string(field.key)] = to_nlohmann(field.value);
      }
      return o;
    }
    case simdjson::dom::element_type::ARRAY: {
      nlohmann::json a = nlohmann::json::array();
      for (auto item : simdjson::dom::array(e)) a.push_back(to_nlohmann(item));
      return a;
    }
    case simdjson::dom::element_type::STRING:
      return std::string(std::string_view(e));
    case simdjson::dom::element_type::INT64:
      return int64_t(e);
    case simdjson::dom::element_type::UINT64:
      return uint64_t(e);
    case simdjson::dom::element_type::DOUBLE:
      return double(e);
    case simdjson::dom::element_type::BOOL:
      return bool(e);
    case simdjson::dom::element_type::NULL_VALUE:
      return nullptr;
  }
  return nullptr;
}

}  // namespace parcours::events
