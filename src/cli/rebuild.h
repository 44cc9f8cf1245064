// `parcours rebuild`: rebuild every read model from offset 0 into a fresh directory, with a
// progress bar on a terminal, then print the digest. It reads Kafka directly; a running
// `serve` keeps answering from its own live copy meanwhile.
#pragma once

#include <string>

#include "common/config.h"

namespace parcours::cli {

// Threads projecting disjoint partition sets (partition p to thread p % kRebuildWorkers), each
// with its own consumer and WriteBatches.
inline constexpr int kRebuildWorkers = 2;

int rebuild(const common::Config& config, const std::string& out_dir);

}  // namespace parcours::cli
