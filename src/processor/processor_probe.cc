#include "processor/processor_probe.h"

namespace parcours::processor {

namespace {
prometheus::Family<prometheus::Counter>& counters(prometheus::Registry& r, const char* name,
                                                  const char* help) {
  return prometheus::BuildCounter().Name(name).Help(help).Register(r);
}
}  // namespace

ProcessorProbe::ProcessorProbe(prometheus::Registry& registry)
    : commands_family_(counters(registry, "parcours_commands_total",
                                "Commands decided, by type and outcome (accepted, replayed, "
                                "quarantined or the rejection code)")),
      failures_family_(counters(registry, "parcours_transaction_failures_total",
                                "Kafka transactions that failed, by kind (abortable, "
                                "indeterminate, fatal)")),
      restarts_family_(counters(registry, "parcours_kafka_client_restarts_total",
                                "Kafka clients of the processor re-created after a fatal error "
                                "or an unknown transaction outcome, by client")),
      catch_up_family_(counters(registry, "parcours_processor_catch_up_failures_total",
                                "Catch-up rounds of assigned partitions that failed and were "
                                "retried, by kind (kafka, store)")),
      store_family_(counters(registry, "parcours_processor_store_failures_total",
                             "Failures of the processor's RocksDB store, by kind (retriable: "
                             "the batch is redone; fatal: the processor stops)")),
      invariant_family_(counters(registry, "parcours_processor_invariant_breaks_total",
                                 "Records of the events log at which the processor stopped a "
                                 "partition, by kind (seq_gap, hash_mismatch, undecodable, "
                                 "unappliable)")),
      halted_family_(prometheus::BuildGauge()
                         .Name("parcours_processor_halted_partition_offset")
                         .Help("Offset in the events topic of the record at which the processor "
                               "stopped this partition (present only while stopped)")
                         .Register(registry)),
      failed_family_(counters(registry, "parcours_commands_failed_total",
                              "Commands whose processing threw (a defect): each was answered "
                              "500 internal and the partition went on")) {
  commit_seconds_ =
      &prometheus::BuildHistogram()
           .Name("parcours_transaction_commit_seconds")
           .Help(
               "Time a batch waited for its transaction once decided: the rest of sending its "
               "offsets, producing and committing")
           .Register(registry)
           .Add({}, prometheus::Histogram::BucketBoundaries{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                                            0.1, 0.25, 0.5, 1, 2.5, 5, 10});
  batch_size_ = &prometheus::BuildHistogram()
                     .Name("parcours_transaction_commands")
                     .Help("Commands per committed transaction")
                     .Register(registry)
                     .Add({}, prometheus::Histogram::BucketBoundaries{1, 2, 5, 10, 25, 50, 100, 250,
                                                                      500, 1000, 5000});
  auto& phases = prometheus::BuildHistogram()
                     .Name("parcours_batch_phase_seconds")
                     .Help(
                         "Time a batch spent in each phase but the commit: gather (from its "
                         "first command to its last, the linger included), registry_sync, "
                         "decide (and seal), store (the WriteBatch), send_offsets (beside "
                         "registry_sync and decide, on a thread of its own)")
                     .Register(registry);
  const prometheus::Histogram::BucketBoundaries fine{
      0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5};
  gather_seconds_ = &phases.Add({{"phase", "gather"}}, fine);
  sync_seconds_ = &phases.Add({{"phase", "registry_sync"}}, fine);
  decide_seconds_ = &phases.Add({{"phase", "decide"}}, fine);
  store_seconds_ = &phases.Add({{"phase", "store"}}, fine);
  send_offsets_seconds_ = &phases.Add({{"phase", "send_offsets"}}, fine);
  events_ = &counters(registry, "parcours_events_appended_total",
                      "Events appended to the journey and org event topics")
                 .Add({});
  owned_ = &prometheus::BuildGauge()
                .Name("parcours_processor_partitions")
                .Help("Command partitions processed by this instance")
                .Register(registry)
                .Add({});
  quarantined_ = &counters(registry, "parcours_commands_quarantined_total",
                           "Commands set aside after the process ended while processing them "
                           "three times: answered 500, copied to the dead-letter topic")
                      .Add({});
  isolated_ = &counters(registry, "parcours_commands_isolated_total",
                        "Commands processed alone, in a transaction of their own, because the "
                        "process ended while their batch was processed")
                   .Add({});
}

void ProcessorProbe::command(const std::string& type, const std::string& outcome) {
  std::lock_guard lock(mu_);
  auto& c = commands_[{type, outcome}];
  if (!c) c = &commands_family_.Add({{"type", type}, {"outcome", outcome}});
  c->Increment();
}

void ProcessorProbe::batch(std::size_t commands, double commit_seconds) {
  commit_seconds_->Observe(commit_seconds);
  batch_size_->Observe(static_cast<double>(commands));
}

void ProcessorProbe::batch_phases(double registry_sync_seconds, double decide_seconds,
                                  double store_seconds, double send_offsets_seconds) {
  send_offsets_seconds_->Observe(send_offsets_seconds);
  sync_seconds_->Observe(registry_sync_seconds);
  decide_seconds_->Observe(decide_seconds);
  store_seconds_->Observe(store_seconds);
}

prometheus::Counter& ProcessorProbe::labelled(prometheus::Family<prometheus::Counter>& family,
                                              const std::string& label, const std::string& value) {
  std::lock_guard lock(mu_);
  auto& c = labelled_[{&family, value}];
  if (!c) c = &family.Add({{label, value}});
  return *c;
}

void ProcessorProbe::command_failed(const std::string& type) {
  labelled(failed_family_, "type", type).Increment();
  command(type, "internal");
}

void ProcessorProbe::transaction_failed(const std::string& kind) {
  labelled(failures_family_, "kind", kind).Increment();
}

void ProcessorProbe::owned_partitions(int processor, std::size_t n) {
  std::lock_guard lock(mu_);
  owned_by_[processor] = n;
  std::size_t total = 0;
  for (const auto& [i, count] : owned_by_) total += count;
  owned_->Set(static_cast<double>(total));
}

void ProcessorProbe::client_restarted(const std::string& client) {
  labelled(restarts_family_, "client", client).Increment();
}

void ProcessorProbe::catch_up_failed(const std::string& kind) {
  labelled(catch_up_family_, "kind", kind).Increment();
}

void ProcessorProbe::store_failed(const std::string& kind) {
  labelled(store_family_, "kind", kind).Increment();
}

void ProcessorProbe::invariant_broken(const std::string& kind, int32_t partition, int64_t offset) {
  labelled(invariant_family_, "kind", kind).Increment();
  std::lock_guard lock(mu_);
  auto& g = halted_[partition];
  if (!g) g = &halted_family_.Add({{"partition", std::to_string(partition)}});
  g->Set(static_cast<double>(offset));
}

void ProcessorProbe::partition_resumed(int32_t partition) {
  std::lock_guard lock(mu_);
  auto it = halted_.find(partition);
  if (it == halted_.end()) return;
  halted_family_.Remove(it->second);
  halted_.erase(it);
}

}  // namespace parcours::processor
