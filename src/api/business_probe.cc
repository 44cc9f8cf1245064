#include "api/business_probe.h"

namespace parcours::api {

namespace {

prometheus::Gauge& single(prometheus::Registry& registry, const std::string& name,
                          const std::string& help) {
  return prometheus::BuildGauge().Name(name).Help(help).Register(registry).Add({});
}

}  // namespace

YearGauges::YearGauges(prometheus::Registry& registry, const std::string& name,
                       const std::string& help, std::string label, std::vector<std::string> always)
    : family_(prometheus::BuildGauge().Name(name).Help(help).Register(registry)),
      label_(std::move(label)),
      always_(std::move(always)) {}

void YearGauges::set(int year, const std::map<std::string, double>& values) {
  if (year != year_) {
    for (auto& [value, gauge] : handles_) family_.Remove(gauge);
    handles_.clear();
    year_ = year;
  }
  auto gauge = [&](const std::string& value) -> prometheus::Gauge& {
    auto& g = handles_[value];
    if (!g) {
      std::map<std::string, std::string> labels = {{"year", std::to_string(year)}};
      if (!label_.empty()) labels[label_] = value;
      g = &family_.Add(labels);
    }
    return *g;
  };
  for (auto& [value, g] : handles_) g->Set(0);
  for (const auto& value : always_) gauge(value).Set(0);
  for (const auto& [value, n] : values) gauge(value).Set(n);
}

BusinessProbe::BusinessProbe(prometheus::Registry& registry)
    : pass_(prometheus::BuildGauge()
                .Name("parcours_pass_iae")
                .Help("PASS IAE on the day: valid (suspended included), suspended, and valid "
                      "ending within 30 days")
                .Register(registry)),
      pass_valid_(pass_.Add({{"state", "valid"}})),
      pass_suspended_(pass_.Add({{"state", "suspended"}})),
      pass_ending_(pass_.Add({{"state", "ending_within_30_days"}})),
      waiting_(single(registry, "parcours_candidatures_waiting_over_30_days",
                      "Candidatures still pending more than 30 days after they were sent")),
      exits_(registry, "parcours_exits", "Exits dated in the year, by derived category", "category",
             projections::exit_categories()),
      exits_counted_(registry, "parcours_exits_counted",
                     "Exits dated in the year that count in the indicators", ""),
      dynamic_rate_(registry, "parcours_exits_dynamic_rate",
                    "Dynamic exit rate of the year over every SIAE (dynamic / counted exits)", ""),
      refusals_(registry, "parcours_candidatures_refused",
                "Candidatures refused in the year, by reason", "reason"),
      diagnoses_(registry, "parcours_eligibility_diagnoses",
                 "Prescribers' eligibility diagnoses of the year, by whether a hire used them",
                 "used", {"true", "false"}),
      counted_at_(single(registry, "parcours_business_gauges_timestamp_seconds",
                         "When the business gauges were last counted (Unix time)")) {}

void BusinessProbe::publish(const projections::BusinessFigures& f, double unix_seconds) {
  auto as_double = [](const std::map<std::string, long>& m) {
    std::map<std::string, double> out;
    for (const auto& [k, v] : m) out[k] = static_cast<double>(v);
    return out;
  };
  std::lock_guard lock(mu_);
  pass_valid_.Set(static_cast<double>(f.pass_valid));
  pass_suspended_.Set(static_cast<double>(f.pass_suspended));
  pass_ending_.Set(static_cast<double>(f.pass_ending_within_30_days));
  waiting_.Set(static_cast<double>(f.candidatures_waiting_over_30_days));
  exits_.set(f.exit_year, as_double(f.exits_by_category));
  exits_counted_.set(f.exit_year, {{"", static_cast<double>(f.exits_counted)}});
  if (f.exits_counted > 0) {
    dynamic_rate_.set(f.exit_year, {{"", static_cast<double>(f.exits_dynamic) /
                                             static_cast<double>(f.exits_counted)}});
  }
  refusals_.set(f.exit_year, as_double(f.refusals_by_reason));
  diagnoses_.set(f.exit_year, {{"true", static_cast<double>(f.diagnoses_used)},
                               {"false", static_cast<double>(f.diagnoses_unused)}});
  counted_at_.Set(unix_seconds);
}

}  // namespace parcours::api
