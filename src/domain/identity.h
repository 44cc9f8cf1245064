// The person behind a journey: the only personal data Parcours holds (ARCHITECTURE §5).
//
// It travels in one `identity` object of journey.opened, which the processor seals with the
// journey's data key before anything leaves the process; the state and every read model keep
// the sealed form. Deciders see only the birth date, through DecisionContext::birth_date.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "domain/date.h"
#include "domain/fields.h"

namespace parcours::domain {

struct Person {
  std::string first_name;
  std::string last_name;
  Date birth_date;
  std::optional<std::string> nir;  // numéro d'inscription au répertoire (15 chars)
  std::optional<std::string> france_travail_id;
  std::optional<std::string> email;
  std::optional<std::string> phone;
};

// Reads and checks a `person` object of OpenJourney (errors go to the reader).
Person read_person(FieldReader& f);
nlohmann::json to_json(const Person& p);
// Parses the clear identity object back (after decryption); nullopt if it is not one.
std::optional<Person> person_from_json(const nlohmann::json& j);

// 01-19, 21-95, 2A, 2B, 971-976 (there is no department 20 since 1976).
bool is_department_code(std::string_view code);
// 15 characters, 13 digits (2A/2B allowed for Corsica births) and a key of 97 - n mod 97.
bool is_valid_nir(std::string_view nir);

}  // namespace parcours::domain
