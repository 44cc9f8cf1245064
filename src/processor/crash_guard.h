// Commands that crash the process (ARCHITECTURE §3, as Kafka Streams' processing-exception
// handler does, KIP-1033): a command that kills the process some other way than an exception
// (a signal, an abort) is retried at most kMaxAttempts times, then quarantined: answered
// `500 internal`, copied to the dead-letter topic and skipped, in one transaction.
//
// Before a batch is processed, the processor records per partition the range of offsets it
// is working on (ProcessorStore "attempt/<p>": a RocksDB write through the write-ahead log,
// not synced, so it survives a crash of the process). A batch that ends, committed or not,
// rewrites or deletes its records; a record still there when the partition's next batch comes
// therefore means that the process died while working on that range. The commands of such a
// range are then processed one at a time, each in its own transaction, with a count of the
// attempts at its offset, so that a crashing command is found and the others go through:
//
//   stored {from F, to L, attempts n}, next command at offset f:
//     f == F and n >= kMaxAttempts  quarantine f
//     f == F                        process f alone, recording {F, L, n + 1}
//     F < f <= L                    process f alone, recording {f, L, 2} (f was in the batch)
//     otherwise                     the record is stale: process as usual
//   after f is done (processed or quarantined): {f + 1, L, 1} while f < L, else nothing.
//
// The count is per instance (each keeps its store): a command that crashes every instance is
// quarantined after at most kMaxAttempts crashes of each.
//
// Thread-safety: none (the processor's thread).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <vector>

#include "processor/processor_store.h"

namespace parcours::processor {

inline constexpr int kMaxAttempts = 3;

// A polled message, as the guard sees it.
struct Polled {
  int32_t partition = 0;
  int64_t offset = 0;
};

struct GuardPlan {
  // Indexes of the messages processed together in one transaction, and the attempt records
  // to write before it (one per partition of the batch).
  std::vector<std::size_t> batch;
  std::map<int32_t, CommandAttempt> batch_attempts;

  // Messages processed alone after a crash, each in its own transaction, after the batch.
  struct Single {
    std::size_t index = 0;
    bool quarantine = false;
    CommandAttempt attempt;  // to record before processing it (unless quarantined)
    CommandAttempt stored;   // the record found
  };
  std::vector<Single> singles;

  // Partitions whose later messages of this poll are dropped: read again from this offset.
  std::map<int32_t, int64_t> rewind;
};

// Plans the processing of `polled` (in poll order; each partition's offsets increasing) given
// the attempt records stored per partition.
GuardPlan plan_batch(const std::vector<Polled>& polled,
                     const std::function<std::optional<CommandAttempt>(int32_t)>& stored);

// The record to keep once the single command at `offset` is done (processed or quarantined):
// the rest of its range, still suspect, or nothing.
std::optional<CommandAttempt> after_single(const CommandAttempt& recorded, int64_t offset);

}  // namespace parcours::processor
