#include "projections/projector_probe.h"

namespace parcours::projections {

ProjectorProbe::ProjectorProbe(prometheus::Registry& registry)
    : breaks_family_(prometheus::BuildCounter()
                         .Name("parcours_projector_invariant_breaks_total")
                         .Help("Records of the events log at which the read models stopped a "
                               "partition, by kind (seq_gap, hash_mismatch, undecodable, "
                               "unappliable)")
                         .Register(registry)),
      halted_family_(prometheus::BuildGauge()
                         .Name("parcours_projector_halted_partition_offset")
                         .Help("Offset in the events topic of the record at which the read "
                               "models stopped this partition (present only while stopped)")
                         .Register(registry)),
      restarts_family_(prometheus::BuildCounter()
                           .Name("parcours_projector_restarts_total")
                           .Help("Projector reader re-opened from the stored offsets after a "
                                 "failure, by cause (kafka, store)")
                           .Register(registry)) {}

void ProjectorProbe::invariant_broken(const std::string& kind, int32_t partition, int64_t offset) {
  std::lock_guard lock(mu_);
  auto& c = breaks_[kind];
  if (!c) c = &breaks_family_.Add({{"kind", kind}});
  c->Increment();
  auto& g = halted_[partition];
  if (!g) g = &halted_family_.Add({{"partition", std::to_string(partition)}});
  g->Set(static_cast<double>(offset));
}

void ProjectorProbe::restarted(const std::string& cause) {
  std::lock_guard lock(mu_);
  auto& c = restarts_[cause];
  if (!c) c = &restarts_family_.Add({{"cause", cause}});
  c->Increment();
}

}  // namespace parcours::projections
