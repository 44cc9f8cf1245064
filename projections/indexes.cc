#include "projections/indexes.h"

#include <nlohmann/json.hpp>

#include "domain/exit_category.h"
#include "domain/json_types.h"

namespace parcours::projections {

namespace {

std::string join(std::initializer_list<std::string> parts) {
  std::string out;
  bool first = true;
  for (const auto& p : parts) {
    if (!first) out.push_back('\0');
    out += p;
    first = false;
  }
  return out;
}

void pass_entries(const domain::JourneyState& s, const domain::Pass& p, IndexEntries& out) {
  nlohmann::json suspensions = nlohmann::json::array();
  for (const auto& x : p.suspensions) {
    suspensions.push_back({{"start", x.start}, {"end", x.end}, {"reason", x.reason}});
  }
  const nlohmann::json v = {{"number", p.number},
                            {"journey_id", s.journey_id},
                            {"department", s.department},
                            {"start", p.start},
                            {"end", p.end},
                            {"cancelled", p.cancelled()},
                            {"siae_org", p.siae_org},
                            {"suspensions", suspensions}};
  out["pass/" + p.number] = v.dump();
  if (!p.cancelled()) {
    out["pass_end/" + join({p.end.str(), p.number})] = nlohmann::json{
        {"number", p.number},
        {"journey_id", s.journey_id},
        {"department", s.department},
        {"end", p.end}}.dump();
  }
}

}  // namespace

std::string cand_prefix(const std::string& org, const std::string& state) {
  std::string k = "cand/" + org;
  k.push_back('\0');
  if (!state.empty()) {
    k += state;
    k.push_back('\0');
  }
  return k;
}

std::string exit_prefix(const std::string& siae, int year) {
  std::string k = "exit/" + siae;
  k.push_back('\0');
  k += std::to_string(year);
  k.push_back('\0');
  return k;
}

std::string refusal_prefix(const std::string& siae) {
  std::string k = "refusal/" + siae;
  k.push_back('\0');
  return k;
}

std::string diag_prefix(const std::string& prescriber) {
  std::string k = "diag/" + prescriber;
  k.push_back('\0');
  return k;
}

IndexEntries index_entries(const domain::JourneyState& s) {
  IndexEntries out;
  if (!s.exists()) return out;
  for (const auto& c : s.candidatures) {
    nlohmann::json v = {{"journey_id", s.journey_id},
                        {"candidature_id", c.candidature_id},
                        {"state", c.state},
                        {"siae_org", c.siae_org},
                        {"sender_org", c.sender_org},
                        {"sender_kind", c.sender_kind},
                        {"date", c.date},
                        {"state_since", c.state_since},
                        {"refusal_reason", c.refusal_reason},
                        {"department", s.department}};
    if (!c.job_title.empty()) v["job_title"] = c.job_title;
    const std::string value = v.dump();
    out[cand_prefix(c.siae_org, c.state) + join({s.journey_id, c.candidature_id})] = value;
    if (!c.sender_org.empty()) {
      out[cand_prefix(c.sender_org, c.state) + join({s.journey_id, c.candidature_id})] = value;
    }
    if (c.state == "refused" && c.refusal_reason) {
      out[refusal_prefix(c.siae_org) + join({s.journey_id, c.candidature_id})] =
          nlohmann::json{{"reason", *c.refusal_reason}, {"date", c.state_since}}.dump();
    }
  }
  if (s.pass) pass_entries(s, *s.pass, out);
  for (const auto& p : s.past_passes) pass_entries(s, p, out);

  for (const auto& e : s.exits) {
    const auto& rules = domain::exit_ruleset(e);
    out[exit_prefix(e.siae_org, e.date.year()) + join({s.journey_id, e.contract_id})] =
        nlohmann::json{{"date", e.date},
                       {"category", domain::exit_category(e.destination, rules)},
                       {"counted", domain::exit_counted(e, rules)},
                       {"presence_days", e.presence_days}}
            .dump();
  }

  for (const auto& d : s.diagnoses) {
    if (d.kind != "eligibility" || d.author_kind != "prescriber") continue;
    bool used = false;
    auto uses = [&](const domain::Pass& p) {
      return !p.cancelled() && p.diagnosis_id == d.diagnosis_id;
    };
    if (s.pass && uses(*s.pass)) used = true;
    for (const auto& p : s.past_passes) used = used || uses(p);
    out[diag_prefix(d.author_org) + join({d.date.str(), s.journey_id, d.diagnosis_id})] =
        nlohmann::json{{"used", used}}.dump();
  }
  return out;
}

}  // namespace parcours::projections
