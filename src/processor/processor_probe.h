// Metrics of the command processor (prometheus-cpp). Handles are cached: Family::Add is slow
// on a hot path.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>

#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

namespace parcours::processor {

class ProcessorProbe {
 public:
  explicit ProcessorProbe(prometheus::Registry& registry);

  // parcours_commands_total{type, outcome}: outcome "accepted", "replayed" or a rule code.
  void command(const std::string& type, const std::string& outcome);
  void batch(std::size_t commands, double commit_seconds);
  void events_appended(std::size_t n) { events_->Increment(static_cast<double>(n)); }
  void transaction_failed(const std::string& kind);
  // parcours_commands_failed_total{type}: commands whose processing threw, answered 500.
  void command_failed(const std::string& type);
  void owned_partitions(std::size_t n) { owned_->Set(static_cast<double>(n)); }

 private:
  prometheus::Family<prometheus::Counter>& commands_family_;
  prometheus::Family<prometheus::Counter>& failures_family_;
  std::mutex mu_;
  std::map<std::pair<std::string, std::string>, prometheus::Counter*> commands_;
  std::map<std::string, prometheus::Counter*> failures_;
  prometheus::Family<prometheus::Counter>& failed_family_;
  std::map<std::string, prometheus::Counter*> failed_;
  prometheus::Histogram* commit_seconds_;
  prometheus::Histogram* batch_size_;
  prometheus::Counter* events_;
  prometheus::Gauge* owned_;
};

}  // namespace parcours::processor
