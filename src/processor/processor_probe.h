// Metrics of the command processor (prometheus-cpp). Handles are cached: Family::Add is slow
// on a hot path.
//
//   parcours_commands_total{type, outcome}             decided commands
//   parcours_transaction_failures_total{kind}          abortable, indeterminate, fatal
//   parcours_transaction_commit_seconds                histogram
//   parcours_transaction_commands                      histogram of commands per transaction
//   parcours_batch_phase_seconds{phase}                histogram: gather (from the batch's
//                                                      first command to its last, the linger
//                                                      included), registry_sync, decide, store,
//                                                      send_offsets (on its own thread, beside
//                                                      the two before; the commit is the
//                                                      histogram above)
//   parcours_events_appended_total
//   parcours_processor_partitions                      command partitions processed now
//   parcours_commands_quarantined_total                crashed the process kMaxAttempts times
//   parcours_commands_isolated_total                   processed alone after a crash
//   parcours_kafka_client_restarts_total{client}       commands_consumer, transactional_producer
//   parcours_processor_catch_up_failures_total{kind}   kafka, store: retried
//   parcours_processor_store_failures_total{kind}      retriable (batch redone), fatal (stop)
//   parcours_processor_invariant_breaks_total{kind}    seq_gap, hash_mismatch, undecodable,
//                                                      unappliable
//   parcours_processor_halted_partition_offset{partition}  set while a partition is stopped
//                                                      at a broken record: that record's offset
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
  // A committed batch's other phases: the organisation registry's sync, deciding and sealing
  // every command, the WriteBatch.
  void batch_phases(double registry_sync_seconds, double decide_seconds, double store_seconds,
                    double send_offsets_seconds);
  // A batch closed, `seconds` after its first command was taken (batch_linger.h).
  void batch_gathered(double seconds) { gather_seconds_->Observe(seconds); }
  void events_appended(std::size_t n) { events_->Increment(static_cast<double>(n)); }
  void transaction_failed(const std::string& kind);
  // parcours_commands_failed_total{type}: commands whose processing threw, answered 500.
  void command_failed(const std::string& type);
  // The partitions processor `processor` of this instance owns now (the gauge adds them up).
  void owned_partitions(int processor, std::size_t n);
  void quarantined() { quarantined_->Increment(); }
  void isolated() { isolated_->Increment(); }
  void client_restarted(const std::string& client);
  void catch_up_failed(const std::string& kind);
  void store_failed(const std::string& kind);
  void invariant_broken(const std::string& kind, int32_t partition, int64_t offset);
  void partition_resumed(int32_t partition);

 private:
  prometheus::Counter& labelled(prometheus::Family<prometheus::Counter>& family,
                                const std::string& label, const std::string& value);

  prometheus::Family<prometheus::Counter>& commands_family_;
  prometheus::Family<prometheus::Counter>& failures_family_;
  prometheus::Family<prometheus::Counter>& restarts_family_;
  prometheus::Family<prometheus::Counter>& catch_up_family_;
  prometheus::Family<prometheus::Counter>& store_family_;
  prometheus::Family<prometheus::Counter>& invariant_family_;
  prometheus::Family<prometheus::Gauge>& halted_family_;
  prometheus::Family<prometheus::Counter>& failed_family_;
  prometheus::Histogram* gather_seconds_ = nullptr;
  prometheus::Histogram* sync_seconds_ = nullptr;
  prometheus::Histogram* decide_seconds_ = nullptr;
  prometheus::Histogram* store_seconds_ = nullptr;
  prometheus::Histogram* send_offsets_seconds_ = nullptr;
  std::mutex mu_;
  std::map<std::pair<std::string, std::string>, prometheus::Counter*> commands_;
  // Counters of the one-label families, by (family, value).
  std::map<std::pair<const void*, std::string>, prometheus::Counter*> labelled_;
  std::map<int32_t, prometheus::Gauge*> halted_;
  std::map<int, std::size_t> owned_by_;
  prometheus::Histogram* commit_seconds_;
  prometheus::Histogram* batch_size_;
  prometheus::Counter* events_;
  prometheus::Gauge* owned_;
  prometheus::Counter* quarantined_;
  prometheus::Counter* isolated_;
};

}  // namespace parcours::processor
