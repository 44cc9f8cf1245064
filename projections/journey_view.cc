#include "projections/journey_view.h"

#include "domain/exit_category.h"
#include "domain/free_text.h"
#include "domain/ruleset.h"

namespace parcours::projections {

namespace {

std::string label(const RenderOptions& o, const std::string& org) {
  return o.org_label ? o.org_label(org) : org;
}

// Adds `name` to `j` if the journey holds that free text for this item: opened, or null.
void add_text(nlohmann::json& j, const domain::JourneyState& s, const RenderOptions& o,
              std::string_view part, const std::string& id, std::string_view name) {
  auto it = s.sealed_texts.find(domain::sealed_text_key(part, id, name));
  if (it == s.sealed_texts.end()) return;
  j[std::string(name)] = o.open_text ? o.open_text(it->second) : nlohmann::json(nullptr);
}

nlohmann::json render_pass(const domain::Pass& p, const domain::JourneyState& s,
                           const RenderOptions& o) {
  nlohmann::json suspensions = nlohmann::json::array();
  for (const auto& sp : p.suspensions) {
    suspensions.push_back({{"suspension_id", sp.suspension_id},
                           {"start", sp.start},
                           {"end", sp.end},
                           {"reason", sp.reason}});
  }
  nlohmann::json prolongations = nlohmann::json::array();
  for (const auto& pr : p.prolongations) {
    nlohmann::json j = {{"prolongation_id", pr.prolongation_id},
                        {"reason", pr.reason},
                        {"start", pr.start},
                        {"end", pr.end},
                        {"status", pr.status}};
    add_text(j, s, o, "prolongation", pr.prolongation_id, "report");
    add_text(j, s, o, "prolongation", pr.prolongation_id, "explanation");
    prolongations.push_back(std::move(j));
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
        add_text(j, s, o, "diagnosis", d.diagnosis_id, "notes");
      }
    }
    diagnoses.push_back(std::move(j));
  }
  nlohmann::json candidatures = nlohmann::json::array();
  for (const auto& c : s.candidatures) {
    nlohmann::json j = {{"candidature_id", c.candidature_id},
                        {"siae_org", c.siae_org},
                        {"sender_org", label(o, c.sender_org)},
                        {"sender_kind", c.sender_kind},
                        {"date", c.date},
                        {"state", c.state},
                        {"refusal_reason", c.refusal_reason}};
    for (const char* name : {"message", "postpone_message", "refusal_detail", "cancel_reason"}) {
      add_text(j, s, o, "candidature", c.candidature_id, name);
    }
    candidatures.push_back(std::move(j));
  }
  nlohmann::json past = nlohmann::json::array();
  for (const auto& p : s.past_passes) past.push_back(render_pass(p, s, o));
  nlohmann::json contracts = nlohmann::json::array();
  for (const auto& c : s.contracts) {
    nlohmann::json j = {{"contract_id", c.contract_id},
                        {"siae_org", c.siae_org},
                        {"type", c.type},
                        {"start", c.start},
                        {"end", c.end},
                        {"weekly_minutes", c.weekly_minutes},
                        {"weekly_hours", static_cast<double>(c.weekly_minutes) / 60.0},
                        {"status", c.status}};
    add_text(j, s, o, "contract", c.contract_id, "end_reason");
    contracts.push_back(std::move(j));
  }
  nlohmann::json pmsmps = nlohmann::json::array();
  for (const auto& p : s.pmsmps) {
    nlohmann::json j = {{"pmsmp_id", p.pmsmp_id}, {"objective", p.objective},
                        {"start", p.start},       {"end", p.end},
                        {"status", p.status},     {"outcome", p.outcome}};
    add_text(j, s, o, "pmsmp", p.pmsmp_id, "tutor");
    pmsmps.push_back(std::move(j));
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
  // Follow-up notes, in the order of their ids (the count stays `followups`).
  nlohmann::json followup_notes = nlohmann::json::array();
  const std::string followup_prefix = "followup/";
  for (auto it = s.sealed_texts.lower_bound(followup_prefix);
       it != s.sealed_texts.end() && it->first.rfind(followup_prefix, 0) == 0; ++it) {
    const std::string rest = it->first.substr(followup_prefix.size());
    followup_notes.push_back(
        {{"followup_id", rest.substr(0, rest.find('/'))},
         {"notes", o.open_text ? o.open_text(it->second) : nlohmann::json(nullptr)}});
  }
  return {{"journey_id", s.journey_id},
          {"version", s.version},
          {"department", s.department},
          {"status", journey_status(s, o.today)},
          {"person", o.person},
          {"diagnoses", diagnoses},
          {"candidatures", candidatures},
          {"pass", s.pass ? render_pass(*s.pass, s, o) : nlohmann::json(nullptr)},
          {"past_passes", past},
          {"contracts", contracts},
          {"pmsmps", pmsmps},
          {"trainings", trainings},
          {"exits", exits},
          {"followups", s.followups},
          {"followup_notes", followup_notes}};
}

}  // namespace parcours::projections
