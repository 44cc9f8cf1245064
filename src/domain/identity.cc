#include "domain/identity.h"

#include <algorithm>
#include <cctype>

namespace parcours::domain {

namespace {
bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}
}  // namespace

bool is_department_code(std::string_view c) {
  if (c == "2A" || c == "2B") return true;
  if (c.size() == 2 && all_digits(c)) {
    const int n = (c[0] - '0') * 10 + (c[1] - '0');
    return n >= 1 && n <= 95 && n != 20;
  }
  if (c.size() == 3 && all_digits(c)) {
    const int n = (c[0] - '0') * 100 + (c[1] - '0') * 10 + (c[2] - '0');
    return n >= 971 && n <= 976;
  }
  return false;
}

bool is_valid_nir(std::string_view nir) {
  if (nir.size() != 15) return false;
  std::string body(nir.substr(0, 13));
  // Corsica: the department "2A" counts as 19 and "2B" as 18 in the key computation.
  if (body[5] == '2' && (body[6] == 'A' || body[6] == 'B')) {
    body[5] = '1';
    body[6] = body[6] == 'A' ? '9' : '8';
  }
  if (!all_digits(body) || !all_digits(nir.substr(13))) return false;
  const long long n = std::stoll(body);
  const int key = (nir[13] - '0') * 10 + (nir[14] - '0');
  return key == 97 - static_cast<int>(n % 97);
}

Person read_person(FieldReader& f) {
  Person p;
  p.first_name = f.text("first_name", kMaxShortText);
  p.last_name = f.text("last_name", kMaxShortText);
  p.birth_date = f.date("birth_date");
  p.nir = f.opt_text("nir", 15);
  p.france_travail_id = f.opt_text("france_travail_id", 32);
  p.email = f.opt_text("email", 254);
  p.phone = f.opt_text("phone", 32);
  if (!f.ok()) return p;
  if (p.birth_date.year() < 1900) f.fail("birth_date", "is before 1900");
  if (p.nir && !is_valid_nir(*p.nir)) f.fail("nir", "is not a valid NIR (15 characters, key)");
  if (p.email && p.email->find('@') == std::string::npos) f.fail("email", "is not an address");
  if (p.phone && !std::all_of(p.phone->begin(), p.phone->end(), [](char c) {
        return std::isdigit(static_cast<unsigned char>(c)) || c == '+' || c == ' ' || c == '.';
      })) {
    f.fail("phone", "may hold only digits, spaces, dots and +");
  }
  return p;
}

nlohmann::json to_json(const Person& p) {
  nlohmann::json j = {
      {"first_name", p.first_name}, {"last_name", p.last_name}, {"birth_date", p.birth_date.str()}};
  if (p.nir) j["nir"] = *p.nir;
  if (p.france_travail_id) j["france_travail_id"] = *p.france_travail_id;
  if (p.email) j["email"] = *p.email;
  if (p.phone) j["phone"] = *p.phone;
  return j;
}

std::optional<Person> person_from_json(const nlohmann::json& j) {
  if (!j.is_object()) return std::nullopt;
  FieldReader f(j);
  Person p = read_person(f);
  if (f.finish()) return std::nullopt;
  return p;
}

}  // namespace parcours::domain
