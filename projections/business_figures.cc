#include "projections/business_figures.h"

#include <set>

#include <nlohmann/json.hpp>

#include "domain/exit_category.h"
#include "domain/ruleset.h"
#include "projections/views_store.h"

namespace parcours::projections {

namespace {

// A waiting candidature is counted once, under its SIAE (the index also files it under its
// sender). Key: cand/<org>\0<state>\0<journey>\0<candidature>.
std::string_view key_org(std::string_view key) {
  key.remove_prefix(5);
  return key.substr(0, key.find('\0'));
}

std::optional<domain::Date> date_of(const nlohmann::json& v, const char* field) {
  const auto it = v.find(field);
  if (it == v.end() || !it->is_string()) return std::nullopt;
  return domain::Date::parse(it->get<std::string>());
}

}  // namespace

BusinessTally::BusinessTally(domain::Date day)
    : day_(day), rules_(domain::RulesetBook::standard().in_force_on(day)) {
  figures_.exit_year = day.year();
}

void BusinessTally::add(std::string_view key, std::string_view value) {
  const auto v = nlohmann::json::parse(value, nullptr, /*allow_exceptions=*/false);
  if (!v.is_object()) return;
  if (key.starts_with("pass/")) {
    const auto start = date_of(v, "start");
    const auto end = date_of(v, "end");
    if (!start || !end || v.value("cancelled", false)) return;
    if (!(*start <= day_ && day_ <= *end)) return;
    ++figures_.pass_valid;
    if (*end <= day_.plus_days(30)) ++figures_.pass_ending_within_30_days;
    for (const auto& s : v.value("suspensions", nlohmann::json::array())) {
      const auto from = date_of(s, "start");
      const auto to = date_of(s, "end");
      if (from && to && *from <= day_ && day_ <= *to) {
        ++figures_.pass_suspended;
        break;
      }
    }
  } else if (key.starts_with("cand/")) {
    const std::string siae = v.value("siae_org", "");
    if (siae != key_org(key)) return;
    const auto submitted = date_of(v, "date");
    if (submitted && rules_.is_pending_candidature_state(v.value("state", "")) &&
        *submitted < day_.plus_days(-30)) {
      ++figures_.candidatures_waiting_over_30_days;
    }
  } else if (key.starts_with("exit/")) {
    const auto date = date_of(v, "date");
    if (!date || date->year() != figures_.exit_year) return;
    const std::string category = v.value("category", "");
    ++figures_.exits_by_category[category];
    if (v.value("counted", false)) {
      ++figures_.exits_counted;
      const auto& rules = domain::RulesetBook::standard().in_force_on(*date);
      if (domain::is_dynamic_exit_category(category, rules)) ++figures_.exits_dynamic;
    }
  } else if (key.starts_with("refusal/")) {
    const auto date = date_of(v, "date");
    if (!date || date->year() != figures_.exit_year) return;
    ++figures_.refusals_by_reason[v.value("reason", "")];
  } else if (key.starts_with("diag/")) {
    // diag/<prescriber>\0<date>\0<journey>\0<diagnosis>
    const auto first = key.find('\0');
    if (first == std::string_view::npos) return;
    const auto date = domain::Date::parse(key.substr(first + 1, 10));
    if (!date || date->year() != figures_.exit_year) return;
    ++(v.value("used", false) ? figures_.diagnoses_used : figures_.diagnoses_unused);
  }
}

std::vector<std::string> exit_categories() {
  std::set<std::string> all;
  for (const auto& r : domain::RulesetBook::standard().entries()) {
    for (const auto& d : r.exit_destinations) {
      all.insert(d.category);
      if (!d.category_at_or_above.empty()) all.insert(d.category_at_or_above);
    }
  }
  return {all.begin(), all.end()};
}

BusinessFigures business_figures(const ViewsStore& views, domain::Date day) {
  BusinessTally tally(day);
  for (const char* prefix : {"pass/", "cand/", "exit/", "refusal/", "diag/"}) {
    views.scan(prefix, "", [&](const std::string& key, const std::string& value) {
      tally.add(key, value);
      return true;
    });
  }
  return tally.figures();
}

}  // namespace parcours::projections
