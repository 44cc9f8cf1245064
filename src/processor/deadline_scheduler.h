// The service's own deadlines (JOURNEY §3.9): once a day, every journey of the partitions this
// instance owns that has something due (has_pending_deadlines) gets an ApplyDeadlines{day}
// command from the `system` actor, through the same commands topic as everyone else's, so the
// resulting events replay without the clock. Its command id is "deadlines-<day>": running the
// scan twice the same day appends nothing more.
//
// Thread-safety: the processor's thread.
#pragma once

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

  // Schedules `day` if it was not yet scheduled by this store (or always, if `force`).
  // Returns the commands sent.
  long run(domain::Date day, const std::set<int32_t>& owned, ProcessorStore& store,
           bool force = false);

 private:
  kafka::KafkaSettings settings_;
  std::string topic_;
  int partitions_;
  std::unique_ptr<RdKafka::Producer> producer_;
};

}  // namespace parcours::processor
