// Metrics of the projector (prometheus-cpp), handles cached:
//   parcours_projector_invariant_breaks_total{kind}        records at which the read models
//                                                          stopped a partition (seq_gap,
//                                                          hash_mismatch, undecodable,
//                                                          unappliable)
//   parcours_projector_halted_partition_offset{partition}  the offset of that record, while
//                                                          the partition is stopped
//   parcours_projector_restarts_total{cause}               reader re-opened from the stored
//                                                          offsets after a failure (kafka,
//                                                          store)
#pragma once

#include <map>
#include <mutex>
#include <string>

#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/registry.h>

namespace parcours::projections {

class ProjectorProbe {
 public:
  explicit ProjectorProbe(prometheus::Registry& registry);
  void invariant_broken(const std::string& kind, int32_t partition, int64_t offset);
  void restarted(const std::string& cause);

 private:
  prometheus::Family<prometheus::Counter>& breaks_family_;
  prometheus::Family<prometheus::Gauge>& halted_family_;
  prometheus::Family<prometheus::Counter>& restarts_family_;
  std::mutex mu_;
  std::map<std::string, prometheus::Counter*> breaks_;
  std::map<int32_t, prometheus::Gauge*> halted_;
  std::map<std::string, prometheus::Counter*> restarts_;
};

}  // namespace parcours::projections
