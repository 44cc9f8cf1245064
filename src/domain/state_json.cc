#include "domain/state_json.h"

#include <algorithm>
#include <array>
#include <charconv>

#include "domain/json_text.h"

namespace parcours::domain {

namespace {

void append_value(std::string& out, const std::string& v) {
  append_json_string(out, v);
}
void append_value(std::string& out, bool v) {
  out += v ? "true" : "false";
}
void append_value(std::string& out, long v) {
  char buf[24];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, r.ptr);
}
void append_value(std::string& out, int v) {
  append_value(out, static_cast<long>(v));
}
void append_value(std::string& out, const Date& d) {
  out.push_back('"');  // a date's digits and dashes need no escaping
  d.append_to(out);
  out.push_back('"');
}
void append_value(std::string& out, const nlohmann::json& j) {
  append_json_text(out, j);
}
template <class T>
void append_value(std::string& out, const std::optional<T>& v);
template <class T>
void append_value(std::string& out, const std::vector<T>& v);
void append_value(std::string& out, const std::set<std::string>& v);
void append_value(std::string& out, const std::map<std::string, nlohmann::json>& v);
void append_value(std::string& out, const Consent& v);
void append_value(std::string& out, const Diagnosis& v);
void append_value(std::string& out, const Candidature& v);
void append_value(std::string& out, const Suspension& v);
void append_value(std::string& out, const Prolongation& v);
void append_value(std::string& out, const Pass& v);
void append_value(std::string& out, const ContractSuspension& v);
void append_value(std::string& out, const Contract& v);
void append_value(std::string& out, const Pmsmp& v);
void append_value(std::string& out, const Training& v);
void append_value(std::string& out, const Exit& v);
void append_value(std::string& out, const JourneyState& v);

template <class T>
void append_value(std::string& out, const std::optional<T>& v) {
  if (v) {
    append_value(out, *v);
  } else {
    out += "null";
  }
}

template <class T>
void append_value(std::string& out, const std::vector<T>& v) {
  out.push_back('[');
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (i) out.push_back(',');
    append_value(out, v[i]);
  }
  out.push_back(']');
}

void append_value(std::string& out, const std::map<std::string, nlohmann::json>& v) {
  out.push_back('{');
  bool first = true;
  for (const auto& [k, j] : v) {
    if (!first) out.push_back(',');
    first = false;
    append_json_string(out, k);
    out.push_back(':');
    append_value(out, j);
  }
  out.push_back('}');
}

void append_value(std::string& out, const std::set<std::string>& v) {
  out.push_back('[');
  bool first = true;
  for (const auto& s : v) {
    if (!first) out.push_back(',');
    first = false;
    append_json_string(out, s);
  }
  out.push_back(']');
}

// The members of T, sorted by name once: nlohmann's objects are std::maps, so dump() writes
// members in key order whatever the order of declaration.
template <class T>
struct Member {
  std::string_view name;
  void (*append)(std::string&, const T&);
};

template <class T, std::size_t N>
void append_object(std::string& out, const T& v, const std::array<Member<T>, N>& members) {
  out.push_back('{');
  for (std::size_t i = 0; i < N; ++i) {
    if (i) out.push_back(',');
    out.push_back('"');
    out.append(members[i].name);  // member names are plain identifiers: nothing to escape
    out += "\":";
    members[i].append(out, v);
  }
  out.push_back('}');
}

template <class T, std::size_t N>
std::array<Member<T>, N> sorted(std::array<Member<T>, N> members) {
  std::sort(members.begin(), members.end(),
            [](const Member<T>& a, const Member<T>& b) { return a.name < b.name; });
  return members;
}

// One member of the struct T in scope: its name and how to append its value.
#define PARCOURS_MEMBER(m) Member<T>{#m, [](std::string& o, const T& x) { append_value(o, x.m); }},

// The writer of one struct, from its field list in journey_state.h (the list its to_json
// expands too).
#define PARCOURS_APPEND_OBJECT(Type, FIELDS)                                                      \
  void append_value(std::string& out, const Type& v) {                                            \
    using T = Type;                                                                               \
    static const auto members = sorted(std::array{NLOHMANN_JSON_PASTE(PARCOURS_MEMBER, FIELDS)}); \
    append_object(out, v, members);                                                               \
  }

PARCOURS_APPEND_OBJECT(Consent, PARCOURS_FIELDS_CONSENT)
PARCOURS_APPEND_OBJECT(Diagnosis, PARCOURS_FIELDS_DIAGNOSIS)
PARCOURS_APPEND_OBJECT(Candidature, PARCOURS_FIELDS_CANDIDATURE)
PARCOURS_APPEND_OBJECT(Suspension, PARCOURS_FIELDS_SUSPENSION)
PARCOURS_APPEND_OBJECT(Prolongation, PARCOURS_FIELDS_PROLONGATION)
PARCOURS_APPEND_OBJECT(Pass, PARCOURS_FIELDS_PASS)
PARCOURS_APPEND_OBJECT(ContractSuspension, PARCOURS_FIELDS_CONTRACT_SUSPENSION)
PARCOURS_APPEND_OBJECT(Contract, PARCOURS_FIELDS_CONTRACT)
PARCOURS_APPEND_OBJECT(Pmsmp, PARCOURS_FIELDS_PMSMP)
PARCOURS_APPEND_OBJECT(Training, PARCOURS_FIELDS_TRAINING)
PARCOURS_APPEND_OBJECT(Exit, PARCOURS_FIELDS_EXIT)
PARCOURS_APPEND_OBJECT(JourneyState, PARCOURS_FIELDS_JOURNEY_STATE)

}  // namespace

void append_json_string(std::string& out, std::string_view s) {
  if (json_plain(s)) {  // most strings: ids, dates, codes, base64
    out.reserve(out.size() + s.size() + 2);
    out.push_back('"');
    out += s;
    out.push_back('"');
    return;
  }
  if (std::any_of(s.begin(), s.end(),
                  [](char ch) { return static_cast<unsigned char>(ch) >= 0x80; })) {
    // Multi-byte UTF-8, which dump() validates (and refuses if invalid): nlohmann's own
    // serialiser, so that both agree on every input.
    out += nlohmann::json(std::string(s)).dump();
    return;
  }
  static constexpr char kHex[] = "0123456789abcdef";
  out.push_back('"');
  for (const char ch : s) {
    switch (ch) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (static_cast<unsigned char>(ch) < 0x20) {
          out += "\\u00";
          out.push_back(kHex[static_cast<unsigned char>(ch) >> 4]);
          out.push_back(kHex[static_cast<unsigned char>(ch) & 0xf]);
        } else {
          out.push_back(ch);
        }
    }
  }
  out.push_back('"');
}

void append_state_json(std::string& out, const JourneyState& v) {
  append_value(out, v);
}

std::string state_json(const JourneyState& s) {
  std::string out;
  out.reserve(4096);
  append_state_json(out, s);
  return out;
}

}  // namespace parcours::domain
