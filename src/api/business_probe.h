// The business gauges on /metrics (projections/business_figures.h), for the State's
// dashboards. Figures of a year carry a `year` label: when the year turns, the new year's
// series start and the last year's stop being published.
#pragma once

#include <map>
#include <mutex>
#include <string>
#include <vector>

#include <prometheus/gauge.h>
#include <prometheus/registry.h>

#include "projections/business_figures.h"

namespace parcours::api {

// The series of one gauge family for the current year, one per value of `label` (or a single
// series when `label` is empty).
class YearGauges {
 public:
  YearGauges(prometheus::Registry& registry, const std::string& name, const std::string& help,
             std::string label, std::vector<std::string> always = {});
  // Publishes `values` for `year`; the labels of `always` that are absent are published as 0.
  void set(int year, const std::map<std::string, double>& values);

 private:
  prometheus::Family<prometheus::Gauge>& family_;
  std::string label_;
  std::vector<std::string> always_;
  int year_ = 0;
  std::map<std::string, prometheus::Gauge*> handles_;
};

class BusinessProbe {
 public:
  explicit BusinessProbe(prometheus::Registry& registry);
  // Publishes the figures, counted at `unix_seconds`.
  void publish(const projections::BusinessFigures& f, double unix_seconds);

 private:
  std::mutex mu_;
  prometheus::Family<prometheus::Gauge>& pass_;
  prometheus::Gauge& pass_valid_;
  prometheus::Gauge& pass_suspended_;
  prometheus::Gauge& pass_ending_;
  prometheus::Gauge& waiting_;
  YearGauges exits_;
  YearGauges exits_counted_;
  YearGauges dynamic_rate_;
  YearGauges refusals_;
  YearGauges diagnoses_;
  prometheus::Gauge& counted_at_;
};

}  // namespace parcours::api
