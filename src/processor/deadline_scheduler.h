// The service's own deadlines (JOURNEY §3.9): once a day, every journey of the partitions this
// instance owns that has something due (has_pending_deadlines) gets an ApplyDeadlines{day}
// command from the `system` actor, through the same commands topic as everyone else's, so the
// resulting events replay without the clock. Its command id is "deadlines-<day>": running the
// scan twice the same day appends nothing more.
//
// The last day scheduled is kept per partition, so that a partition that moves to another
// processor (of this instance or another) after that one's scan of the day is still scanned
// by its new owner that day.
//
// Thread-safety: one scheduler per processor thread.
#pragma once

#include <atomic>
#include <memory>
#include <set>
#include <string>

#include "domain/date.h"
#include "kafka/kafka_settings.h"
#include "processor/processor_store.h"

namespace RdKafka {
class Producer;
}

namespace parcours::processor {

class DeadlineScheduler {
 public:
  DeadlineScheduler(kafka::KafkaSettings settings, std::string commands_topic, int partitions);
  ~DeadlineScheduler();

  // Schedules `day` for the owned partitions where this store has not yet scheduled it (all of
  // them if `force`). Returns the commands sent. A run that `cancel` cuts short records
  // nothing: the day is scheduled again at the next check (its commands are idempotent).
  long run(domain::Date day, const std::set<int32_t>& owned, ProcessorStore& store,
           bool force = false, const std::atomic<bool>* cancel = nullptr);

  // The owned partitions where `day` is still to be scheduled (all of them if `force`). A
  // partition never scheduled on its own falls back to the day the whole store kept before the
  // day was kept per partition.
  static std::set<int32_t> due_partitions(const std::set<int32_t>& owned,
                                          const ProcessorStore& store, const std::string& day,
                                          bool force);
  // The meta key of the last day scheduled for `partition`.
  static std::string last_day_key(int32_t partition);

 private:
  kafka::KafkaSettings settings_;
  std::string topic_;
  int partitions_;
  std::unique_ptr<RdKafka::Producer> producer_;
};

}  // namespace parcours::processor
