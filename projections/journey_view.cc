#include "projections/journey_view.h"

#include "domain/exit_category.h"
#include "domain/ruleset.h"

namespace parcours::projections {

namespace {

std::string label(const RenderOptions& o, const std::string& org) {
  return o.org_label ? o.org_label(org) : org;
}

nlohmann::json render_pass(const domain::Pass& p, const RenderOptions& o) {
  nlohmann::json suspensions = nlohmann::json::array();
  for (const auto& s : p.suspensions) {
    suspensions.push_back({{"suspension_id", s.suspension_id},
                           {"start", s.start},
                           {"end", s.end},
                           {"reason", s.reason}});
  }
  nlohmann::json prolongations = nlohmann::json::array();
  for (const auto& pr : p.prolongations) {
    prolongations.push_back({{"prolongation_id", pr.prolongation_id},
                             {"reason", pr.reason},
                             {"start", pr.start},
                             {"end", pr.end},
                             {"status", pr.status}});
  }
  return {{"number", p.number},
          {"start", p.start},
          {"end", p.end},
          {"status", pass_status(p, o.today)},
          {"suspensions", suspensions},
          {"prolongations", prolongations}};
}

}  // namespace

std::string pass_status(const domain::Pass& p, domain::Date today) {
  if (p.status == "cancelled") return "cancelled";
  if (today > p.end) return "expired";
  if (today < p.start) return "future";
  for (const auto& s : p.suspensions) {
    if (s.start <= today && today <= s.end) return "suspended";
  }
  return "valid";
}

std::string journey_status(const domain::JourneyState& s, domain::Date) {
  if (s.erased) return "erased";
  for (const auto& c : s.contracts) {
    if (c.status == "active") return "in_parcours";
  }
  if (!s.exits.empty()) return "exited";
  return "open";
}

nlohmann::json render_journey(const domain::JourneyState& s, const RenderOptions& o) {
  nlohmann::json diagnoses = nlohmann::json::array();
  for (const auto& d : s.diagnoses) {
    nlohmann::json j = {{"diagnosis_id", d.diagnosis_id},
                        {"kind", d.kind},
                        {"author_kind", d.author_kind},
                        {"author_org", label(o, d.author_org)},
                        {"date", d.date},
                        {"valid_until", d.valid_until},
                        {"superseded", d.superseded}};
    const bool own = !o.reader_org.empty() && d.author_org == o.reader_org;
    if (o.diagnosis_details || own) {
      if (d.kind == "eligibility") j["criteria"] = d.criteria;
      if (d.kind == "accompaniment") {
        j["barriers"] = d.barriers;
        j["recommended_path"] = d.recommended_path;
      }
    }
    diagnoses.push_back(std::move(j));
  }
  nlohmann::json candidatures = nlohmann::json::array();
  for (const auto& c : s.candidatures) {
    candidatures.push_back({{"candidature_id", c.candidature_id},
                            {"siae_org", c.siae_org},
                            {"sender_org", label(o, c.sender_org)},
                            {"sender_kind", c.sender_kind},
                            {"date", c.date},
                            {"state", c.state},
                            {"refusal_reason", c.refusal_reason}});
  }
  nlohmann::json past = nlohmann::json::array();
  for (const auto& p : s.past_passes) past.push_back(render_pass(p, o));
  nlohmann::json contracts = nlohmann::json::array();
  for (const auto& c : s.contracts) {
    contracts.push_back({{"contract_id", c.contract_id},
                         {"siae_org", c.siae_org},
                         {"type", c.type},
                         {"start", c.start},
                         {"end", c.end},
                         {"weekly_minutes", c.weekly_minutes},
                         {"weekly_hours", static_cast<double>(c.weekly_minutes) / 60.0},
                         {"status", c.status}});
  }
  nlohmann::json pmsmps = nlohmann::json::array();
  for (const auto& p : s.pmsmps) {
    pmsmps.push_back({{"pmsmp_id", p.pmsmp_id},
                      {"objective", p.objective},
                      {"start", p.start},
                      {"end", p.end},
                      {"status", p.status},
                      {"outcome", p.outcome}});
  }
  nlohmann::json trainings = nlohmann::json::array();
  for (const auto& t : s.trainings) {
    trainings.push_back({{"training_id", t.training_id},
                         {"kind", t.kind},
                         {"title", t.title},
                         {"start", t.start},
                         {"planned_end", t.planned_end},
                         {"status", t.status},
                         {"outcome", t.outcome}});
  }
  nlohmann::json exits = nlohmann::json::array();
  for (const auto& e : s.exits) {
    const auto& rules = domain::RulesetBook::standard().in_force_on(e.date);
    exits.push_back({{"contract_id", e.contract_id},
                     {"date", e.date},
                     {"destination", e.destination},
                     {"category", domain::exit_category(e.destination, rules)},
                     {"counted", domain::exit_counted(e, rules)}});
  }
  return {{"journey_id", s.journey_id},
          {"version", s.version},
          {"department", s.department},
          {"status", journey_status(s, o.today)},
          {"person", o.person},
          {"diagnoses", diagnoses},
          {"candidatures", candidatures},
          {"pass", s.pass ? render_pass(*s.pass, o) : nlohmann::json(nullptr)},
          {"past_passes", past},
          {"contracts", contracts},
          {"pmsmps", pmsmps},
          {"trainings", trainings},
          {"exits", exits},
          {"followups", s.followups}};
}

}  // namespace parcours::projections
