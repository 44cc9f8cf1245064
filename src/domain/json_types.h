// JSON mapping of domain value types (Date, std::optional) for nlohmann/json.
// Dates are "YYYY-MM-DD" strings; an empty optional is null.
#pragma once

#include <optional>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "domain/date.h"

namespace nlohmann {

template <>
struct adl_serializer<parcours::domain::Date> {
  static void to_json(json& j, const parcours::domain::Date& d) { j = d.str(); }
  static void from_json(const json& j, parcours::domain::Date& d) {
    auto parsed = parcours::domain::Date::parse(j.get<std::string>());
    if (!parsed) throw std::invalid_argument("not a date: " + j.get<std::string>());
    d = *parsed;
  }
};

template <class T>
struct adl_serializer<std::optional<T>> {
  static void to_json(json& j, const std::optional<T>& v) {
    if (v) {
      j = *v;
    } else {
      j = nullptr;
    }
  }
  static void from_json(const json& j, std::optional<T>& v) {
    if (j.is_null()) {
      v.reset();
    } else {
      v = j.get<T>();
    }
  }
};

}  // namespace nlohmann
