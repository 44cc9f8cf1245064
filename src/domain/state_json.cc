#include "domain/state_json.h"

#include <algorithm>
#include <array>
#include <charconv>

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
  out += j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
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

#define PARCOURS_MEMBER(T, m)                                     \
  Member<T> {                                                     \
#m, [](std::string & o, const T& x) { append_value(o, x.m); } \
  }

void append_value(std::string& out, const Consent& v) {
  static const auto members =
      sorted(std::array{PARCOURS_MEMBER(Consent, scope), PARCOURS_MEMBER(Consent, org),
                        PARCOURS_MEMBER(Consent, given), PARCOURS_MEMBER(Consent, date)});
  append_object(out, v, members);
}

void append_value(std::string& out, const Diagnosis& v) {
  static const auto members = sorted(std::array{
      PARCOURS_MEMBER(Diagnosis, diagnosis_id), PARCOURS_MEMBER(Diagnosis, kind),
      PARCOURS_MEMBER(Diagnosis, author_kind), PARCOURS_MEMBER(Diagnosis, author_org),
      PARCOURS_MEMBER(Diagnosis, date), PARCOURS_MEMBER(Diagnosis, valid_until),
      PARCOURS_MEMBER(Diagnosis, criteria), PARCOURS_MEMBER(Diagnosis, barriers),
      PARCOURS_MEMBER(Diagnosis, recommended_path), PARCOURS_MEMBER(Diagnosis, superseded),
      PARCOURS_MEMBER(Diagnosis, ruleset), PARCOURS_MEMBER(Diagnosis, superseded_by),
      PARCOURS_MEMBER(Diagnosis, superseded_on)});
  append_object(out, v, members);
}

void append_value(std::string& out, const Candidature& v) {
  static const auto members = sorted(std::array{
      PARCOURS_MEMBER(Candidature, candidature_id), PARCOURS_MEMBER(Candidature, siae_org),
      PARCOURS_MEMBER(Candidature, sender_org), PARCOURS_MEMBER(Candidature, sender_kind),
      PARCOURS_MEMBER(Candidature, sender_habilitated), PARCOURS_MEMBER(Candidature, date),
      PARCOURS_MEMBER(Candidature, job_title), PARCOURS_MEMBER(Candidature, state),
      PARCOURS_MEMBER(Candidature, refusal_reason), PARCOURS_MEMBER(Candidature, hiring_start),
      PARCOURS_MEMBER(Candidature, state_since), PARCOURS_MEMBER(Candidature, hiring_end)});
  append_object(out, v, members);
}

void append_value(std::string& out, const Suspension& v) {
  static const auto members =
      sorted(std::array{PARCOURS_MEMBER(Suspension, suspension_id),
                        PARCOURS_MEMBER(Suspension, start), PARCOURS_MEMBER(Suspension, end),
                        PARCOURS_MEMBER(Suspension, reason), PARCOURS_MEMBER(Suspension, by_org)});
  append_object(out, v, members);
}

void append_value(std::string& out, const Prolongation& v) {
  static const auto members = sorted(std::array{
      PARCOURS_MEMBER(Prolongation, prolongation_id), PARCOURS_MEMBER(Prolongation, reason),
      PARCOURS_MEMBER(Prolongation, start), PARCOURS_MEMBER(Prolongation, end),
      PARCOURS_MEMBER(Prolongation, status), PARCOURS_MEMBER(Prolongation, prescriber_org),
      PARCOURS_MEMBER(Prolongation, requested_by_org), PARCOURS_MEMBER(Prolongation, requested_on),
      PARCOURS_MEMBER(Prolongation, days), PARCOURS_MEMBER(Prolongation, reminders_sent),
      PARCOURS_MEMBER(Prolongation, decided_on), PARCOURS_MEMBER(Prolongation, deny_reason)});
  append_object(out, v, members);
}

void append_value(std::string& out, const Pass& v) {
  static const auto members = sorted(std::array{
      PARCOURS_MEMBER(Pass, number), PARCOURS_MEMBER(Pass, start), PARCOURS_MEMBER(Pass, end),
      PARCOURS_MEMBER(Pass, issued_by_candidature), PARCOURS_MEMBER(Pass, status),
      PARCOURS_MEMBER(Pass, suspensions), PARCOURS_MEMBER(Pass, prolongations),
      PARCOURS_MEMBER(Pass, diagnosis_id), PARCOURS_MEMBER(Pass, siae_org)});
  append_object(out, v, members);
}

void append_value(std::string& out, const ContractSuspension& v) {
  static const auto members = sorted(std::array{PARCOURS_MEMBER(ContractSuspension, start),
                                                PARCOURS_MEMBER(ContractSuspension, end),
                                                PARCOURS_MEMBER(ContractSuspension, reason)});
  append_object(out, v, members);
}

void append_value(std::string& out, const Contract& v) {
  static const auto members = sorted(
      std::array{PARCOURS_MEMBER(Contract, contract_id), PARCOURS_MEMBER(Contract, siae_org),
                 PARCOURS_MEMBER(Contract, type), PARCOURS_MEMBER(Contract, start),
                 PARCOURS_MEMBER(Contract, end), PARCOURS_MEMBER(Contract, weekly_minutes),
                 PARCOURS_MEMBER(Contract, status), PARCOURS_MEMBER(Contract, ended_on),
                 PARCOURS_MEMBER(Contract, candidature_id), PARCOURS_MEMBER(Contract, siae_kind),
                 PARCOURS_MEMBER(Contract, pass_number), PARCOURS_MEMBER(Contract, job_title),
                 PARCOURS_MEMBER(Contract, end_reason), PARCOURS_MEMBER(Contract, suspensions),
                 PARCOURS_MEMBER(Contract, exit_recorded)});
  append_object(out, v, members);
}

void append_value(std::string& out, const Pmsmp& v) {
  static const auto members = sorted(std::array{
      PARCOURS_MEMBER(Pmsmp, pmsmp_id), PARCOURS_MEMBER(Pmsmp, host),
      PARCOURS_MEMBER(Pmsmp, objective), PARCOURS_MEMBER(Pmsmp, start), PARCOURS_MEMBER(Pmsmp, end),
      PARCOURS_MEMBER(Pmsmp, weekly_minutes), PARCOURS_MEMBER(Pmsmp, status),
      PARCOURS_MEMBER(Pmsmp, outcome), PARCOURS_MEMBER(Pmsmp, started_by_org),
      PARCOURS_MEMBER(Pmsmp, ended_on), PARCOURS_MEMBER(Pmsmp, ended_with_job)});
  append_object(out, v, members);
}

void append_value(std::string& out, const Training& v) {
  static const auto members = sorted(
      std::array{PARCOURS_MEMBER(Training, training_id), PARCOURS_MEMBER(Training, kind),
                 PARCOURS_MEMBER(Training, title), PARCOURS_MEMBER(Training, provider),
                 PARCOURS_MEMBER(Training, start), PARCOURS_MEMBER(Training, planned_end),
                 PARCOURS_MEMBER(Training, minutes), PARCOURS_MEMBER(Training, status),
                 PARCOURS_MEMBER(Training, outcome), PARCOURS_MEMBER(Training, started_by_org),
                 PARCOURS_MEMBER(Training, ended_on), PARCOURS_MEMBER(Training, certification)});
  append_object(out, v, members);
}

void append_value(std::string& out, const Exit& v) {
  static const auto members =
      sorted(std::array{PARCOURS_MEMBER(Exit, contract_id), PARCOURS_MEMBER(Exit, siae_org),
                        PARCOURS_MEMBER(Exit, date), PARCOURS_MEMBER(Exit, destination),
                        PARCOURS_MEMBER(Exit, presence_days), PARCOURS_MEMBER(Exit, ruleset),
                        PARCOURS_MEMBER(Exit, contract_start)});
  append_object(out, v, members);
}

}  // namespace

void append_json_string(std::string& out, std::string_view s) {
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
  static const auto members = sorted(std::array{
      PARCOURS_MEMBER(JourneyState, journey_id),    PARCOURS_MEMBER(JourneyState, version),
      PARCOURS_MEMBER(JourneyState, last_hash),     PARCOURS_MEMBER(JourneyState, department),
      PARCOURS_MEMBER(JourneyState, opened_by_org), PARCOURS_MEMBER(JourneyState, opened_on),
      PARCOURS_MEMBER(JourneyState, identity),      PARCOURS_MEMBER(JourneyState, erased),
      PARCOURS_MEMBER(JourneyState, consents),      PARCOURS_MEMBER(JourneyState, diagnoses),
      PARCOURS_MEMBER(JourneyState, candidatures),  PARCOURS_MEMBER(JourneyState, pass),
      PARCOURS_MEMBER(JourneyState, past_passes),   PARCOURS_MEMBER(JourneyState, contracts),
      PARCOURS_MEMBER(JourneyState, pmsmps),        PARCOURS_MEMBER(JourneyState, trainings),
      PARCOURS_MEMBER(JourneyState, exits),         PARCOURS_MEMBER(JourneyState, followups),
      PARCOURS_MEMBER(JourneyState, involved_orgs), PARCOURS_MEMBER(JourneyState, sealed_texts)});
  append_object(out, v, members);
}

std::string state_json(const JourneyState& s) {
  std::string out;
  out.reserve(4096);
  append_state_json(out, s);
  return out;
}

}  // namespace parcours::domain
