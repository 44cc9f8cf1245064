#include "processor/processor_probe.h"

namespace parcours::processor {

ProcessorProbe::ProcessorProbe(prometheus::Registry& registry)
    : commands_family_(prometheus::BuildCounter()
                           .Name("parcours_commands_total")
                           .Help("Commands decided, by type and outcome (accepted, replayed or "
                                 "the rejection code)")
                           .Register(registry)),
      failures_family_(prometheus::BuildCounter()
                           .Name("parcours_transaction_failures_total")
                           .Help("Kafka transactions that failed, by kind (abortable, fatal)")
                           .Register(registry)),
      failed_family_(prometheus::BuildCounter()
                         .Name("parcours_commands_failed_total")
                         .Help("Commands whose processing threw (a defect): each was answered "
                               "500 internal and the partition went on")
                         .Register(registry)) {
  commit_seconds_ =
      &prometheus::BuildHistogram()
           .Name("parcours_transaction_commit_seconds")
           .Help("Time to produce, send offsets and commit one batch transaction")
           .Register(registry)
           .Add({}, prometheus::Histogram::BucketBoundaries{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                                            0.1, 0.25, 0.5, 1, 2.5, 5, 10});
  batch_size_ = &prometheus::BuildHistogram()
                     .Name("parcours_transaction_commands")
                     .Help("Commands per committed transaction")
                     .Register(registry)
                     .Add({}, prometheus::Histogram::BucketBoundaries{1, 2, 5, 10, 25, 50, 100, 250,
                                                                      500, 1000, 5000});
  events_ = &prometheus::BuildCounter()
                 .Name("parcours_events_appended_total")
                 .Help("Events appended to the journey and org event topics")
                 .Register(registry)
                 .Add({});
  owned_ = &prometheus::BuildGauge()
                .Name("parcours_processor_partitions")
                .Help("Command partitions owned by this instance")
                .Register(registry)
                .Add({});
}

void ProcessorProbe::command(const std::string& type, const std::string& outcome) {
  std::lock_guard lock(mu_);
  auto& c = commands_[{type, outcome}];
  if (!c) c = &commands_family_.Add({{"type", type}, {"outcome", outcome}});
  c->Increment();
}

void ProcessorProbe::command_failed(const std::string& type) {
  std::lock_guard lock(mu_);
  auto& c = failed_[type];
  if (!c) c = &failed_family_.Add({{"type", type}});
  c->Increment();
  auto& outcome = commands_[{type, "internal"}];
  if (!outcome) outcome = &commands_family_.Add({{"type", type}, {"outcome", "internal"}});
  outcome->Increment();
}

void ProcessorProbe::batch(std::size_t commands, double commit_seconds) {
  commit_seconds_->Observe(commit_seconds);
  batch_size_->Observe(static_cast<double>(commands));
}

void ProcessorProbe::transaction_failed(const std::string& kind) {
  std::lock_guard lock(mu_);
  auto& c = failures_[kind];
  if (!c) c = &failures_family_.Add({{"kind", kind}});
  c->Increment();
}

}  // namespace parcours::processor
