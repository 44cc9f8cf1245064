#include "api/api_probe.h"

namespace parcours::api {

namespace {
const prometheus::Histogram::BucketBoundaries kLatency = {
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
}

ApiProbe::ApiProbe(prometheus::Registry& registry)
    : registry_(registry),
      requests_(prometheus::BuildCounter()
                    .Name("parcours_http_requests_total")
                    .Help("HTTP requests by route and status")
                    .Register(registry)),
      request_seconds_(prometheus::BuildHistogram()
                           .Name("parcours_http_request_seconds")
                           .Help("HTTP request latency by route")
                           .Register(registry)),
      command_seconds_(prometheus::BuildHistogram()
                           .Name("parcours_command_seconds")
                           .Help("Command latency from intake to reply, by command type")
                           .Register(registry)),
      lag_(prometheus::BuildGauge()
               .Name("parcours_projector_lag_records")
               .Help("Journey events not yet applied to the read models, per partition")
               .Register(registry)),
      pass_(prometheus::BuildGauge()
                .Name("parcours_pass_iae")
                .Help("PASS IAE on the day: valid (suspended included), suspended, and valid "
                      "ending within 30 days")
                .Register(registry)),
      pass_valid_(pass_.Add({{"state", "valid"}})),
      pass_suspended_(pass_.Add({{"state", "suspended"}})),
      pass_ending_(pass_.Add({{"state", "ending_within_30_days"}})),
      waiting_(prometheus::BuildGauge()
                   .Name("parcours_candidatures_waiting_over_30_days")
                   .Help("Candidatures still pending more than 30 days after they were sent")
                   .Register(registry)
                   .Add({})),
      exits_(prometheus::BuildGauge()
                 .Name("parcours_exits")
                 .Help("Exits dated in the year, by derived category (JOURNEY 3.8)")
                 .Register(registry)),
      exits_counted_(prometheus::BuildGauge()
                         .Name("parcours_exits_counted")
                         .Help("Exits dated in the year that count in the indicators")
                         .Register(registry)),
      business_time_(prometheus::BuildGauge()
                         .Name("parcours_business_gauges_timestamp_seconds")
                         .Help("When the business gauges were last counted (Unix time)")
                         .Register(registry)
                         .Add({})) {}

void ApiProbe::request(const std::string& route, int status, double seconds) {
  std::lock_guard lock(mu_);
  auto& c = request_handles_[{route, status}];
  if (!c) c = &requests_.Add({{"route", route}, {"status", std::to_string(status)}});
  c->Increment();
  auto& h = seconds_handles_[route];
  if (!h) h = &request_seconds_.Add({{"route", route}}, kLatency);
  h->Observe(seconds);
}

void ApiProbe::command_latency(const std::string& type, double seconds) {
  std::lock_guard lock(mu_);
  auto& h = command_handles_[type];
  if (!h) h = &command_seconds_.Add({{"type", type}}, kLatency);
  h->Observe(seconds);
}

void ApiProbe::projector_lag(int partition, double records) {
  std::lock_guard lock(mu_);
  auto& g = lag_handles_[partition];
  if (!g) g = &lag_.Add({{"partition", std::to_string(partition)}});
  g->Set(records);
}

void ApiProbe::business(const projections::BusinessFigures& f, double unix_seconds) {
  std::lock_guard lock(mu_);
  pass_valid_.Set(static_cast<double>(f.pass_valid));
  pass_suspended_.Set(static_cast<double>(f.pass_suspended));
  pass_ending_.Set(static_cast<double>(f.pass_ending_within_30_days));
  waiting_.Set(static_cast<double>(f.candidatures_waiting_over_30_days));
  // A new year starts its own series; the last year's stop being published.
  for (auto it = exit_handles_.begin(); it != exit_handles_.end();) {
    if (it->first.first == f.exit_year) {
      it->second->Set(0);
      ++it;
    } else {
      exits_.Remove(it->second);
      it = exit_handles_.erase(it);
    }
  }
  for (auto it = exits_counted_handles_.begin(); it != exits_counted_handles_.end();) {
    if (it->first == f.exit_year) {
      ++it;
    } else {
      exits_counted_.Remove(it->second);
      it = exits_counted_handles_.erase(it);
    }
  }
  const std::string year = std::to_string(f.exit_year);
  for (const char* category : {"durable", "transition", "positive", "negative", "neutralised"}) {
    auto& g = exit_handles_[{f.exit_year, category}];
    if (!g) g = &exits_.Add({{"year", year}, {"category", category}});
  }
  for (const auto& [category, n] : f.exits_by_category) {
    auto& g = exit_handles_[{f.exit_year, category}];
    if (!g) g = &exits_.Add({{"year", year}, {"category", category}});
    g->Set(static_cast<double>(n));
  }
  auto& counted = exits_counted_handles_[f.exit_year];
  if (!counted) counted = &exits_counted_.Add({{"year", year}});
  counted->Set(static_cast<double>(f.exits_counted));
  business_time_.Set(unix_seconds);
}

}  // namespace parcours::api
