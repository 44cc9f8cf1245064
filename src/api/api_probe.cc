#include "api/api_probe.h"

namespace parcours::api {

namespace {
const prometheus::Histogram::BucketBoundaries kLatency = {
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};

// An unlabelled latency histogram of kLatency's buckets.
prometheus::Histogram& latency(prometheus::Registry& registry, const char* name, const char* help) {
  return prometheus::BuildHistogram().Name(name).Help(help).Register(registry).Add({}, kLatency);
}

// An unlabelled counter.
prometheus::Counter& counter(prometheus::Registry& registry, const char* name, const char* help) {
  return prometheus::BuildCounter().Name(name).Help(help).Register(registry).Add({});
}
}  // namespace

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
               .Register(registry)) {
  version_wait_ = &latency(registry, "parcours_read_version_wait_seconds",
                           "How long a read with ?min_version waited for the read models to "
                           "reach its version");
  reply_visible_wait_ = &latency(registry, "parcours_reply_visible_wait_seconds",
                                 "How long an accepted command's answer waited for the read "
                                 "models to show its version");
  reply_visible_timeouts_ = &counter(registry, "parcours_reply_visible_timeouts_total",
                                     "Accepted commands answered at the bound of their wait, "
                                     "the read models not showing their version yet");
  access_ack_ = &latency(registry, "parcours_access_log_ack_seconds",
                         "How long a read showing the identity waited for its access-log entry "
                         "to be acknowledged");
  access_failures_ = &counter(registry, "parcours_access_log_failures_total",
                              "Access-log entries the broker did not take (a read of personal "
                              "data that could not be logged was not served)");
}

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

void ApiProbe::version_wait(double seconds) {
  version_wait_->Observe(seconds);  // prometheus-cpp's histograms are thread-safe
}

void ApiProbe::reply_visible_wait(double seconds, bool reached) {
  reply_visible_wait_->Observe(seconds);  // prometheus-cpp's metrics are thread-safe
  if (!reached) reply_visible_timeouts_->Increment();
}

void ApiProbe::access_log_ack(double seconds) {
  access_ack_->Observe(seconds);  // prometheus-cpp's histograms are thread-safe
}

void ApiProbe::access_log_failures(long total) {
  std::lock_guard lock(mu_);
  if (total > access_failures_seen_) {
    access_failures_->Increment(static_cast<double>(total - access_failures_seen_));
    access_failures_seen_ = total;
  }
}

void ApiProbe::projector_lag(int partition, double records) {
  std::lock_guard lock(mu_);
  auto& g = lag_handles_[partition];
  if (!g) g = &lag_.Add({{"partition", std::to_string(partition)}});
  g->Set(records);
}

}  // namespace parcours::api
