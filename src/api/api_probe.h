// HTTP and command-path metrics of the API (prometheus-cpp), handles cached per label set.
#pragma once

#include <map>
#include <mutex>
#include <string>

#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

namespace parcours::api {

class ApiProbe {
 public:
  explicit ApiProbe(prometheus::Registry& registry);
  // parcours_http_requests_total{route,status} and parcours_http_request_seconds{route}
  void request(const std::string& route, int status, double seconds);
  // parcours_command_seconds{type}: intake to reply, as the client sees it.
  void command_latency(const std::string& type, double seconds);
  // parcours_read_version_wait_seconds: how long a ?min_version read waited for the read models
  // to reach its version (reads that found it there at once wait nothing and are not counted).
  void version_wait(double seconds);
  // parcours_reply_visible_wait_seconds: how long an accepted command's answer waited for the
  // read models to show its version (answers that found it there at once are not counted);
  // parcours_reply_visible_timeouts_total: answers sent at the bound, the version not shown.
  void reply_visible_wait(double seconds, bool reached);
  // parcours_access_log_ack_seconds: how long a read that shows the identity waited for its
  // access-log entry to be acknowledged (JOURNEY §6: logged before it is served).
  void access_log_ack(double seconds);
  // parcours_projector_lag_records{partition}
  void projector_lag(int partition, double records);
  // parcours_access_log_failures_total: access-log entries the broker did not take, from the
  // access log's running total.
  void access_log_failures(long total);

  prometheus::Registry& registry() { return registry_; }

 private:
  prometheus::Registry& registry_;
  prometheus::Family<prometheus::Counter>& requests_;
  prometheus::Family<prometheus::Histogram>& request_seconds_;
  prometheus::Family<prometheus::Histogram>& command_seconds_;
  prometheus::Family<prometheus::Gauge>& lag_;
  prometheus::Histogram* version_wait_ = nullptr;
  prometheus::Histogram* access_ack_ = nullptr;
  prometheus::Histogram* reply_visible_wait_ = nullptr;
  prometheus::Counter* reply_visible_timeouts_ = nullptr;
  std::mutex mu_;
  std::map<std::pair<std::string, int>, prometheus::Counter*> request_handles_;
  std::map<std::string, prometheus::Histogram*> seconds_handles_;
  std::map<std::string, prometheus::Histogram*> command_handles_;
  std::map<int, prometheus::Gauge*> lag_handles_;
  prometheus::Counter* access_failures_ = nullptr;
  long access_failures_seen_ = 0;
};

}  // namespace parcours::api
