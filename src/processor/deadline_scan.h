// The daily deadline scan (deadline_scheduler.h) on a thread of its own, so that a processor's
// partitions go on while it reads every state they hold: with a hundred thousand journeys the
// scan takes seconds, and on the processor's thread those seconds stalled every command of
// its partitions once a day.
//
// The scan reads through its own handle on the store (the RocksDB iterator sees a snapshot)
// and sends its ApplyDeadlines commands through the commands topic like anyone else's; what
// it reads may be a few commands old, which changes nothing: each command is decided against
// the state of its own turn, and its id makes a second one of the day a replay.
//
// Thread-safety: start() and busy() from the owning processor's thread.
#pragma once

#include <atomic>
#include <memory>
#include <set>
#include <string>
#include <thread>

#include "domain/date.h"
#include "kafka/kafka_settings.h"
#include "processor/deadline_scheduler.h"
#include "processor/processor_probe.h"
#include "processor/processor_store.h"

namespace parcours::processor {

class DeadlineScan {
 public:
  DeadlineScan(kafka::KafkaSettings settings, std::string commands_topic, int partitions,
               std::unique_ptr<ProcessorStore> store, ProcessorProbe* probe);
  // Cuts a scan in progress short (it records nothing, the next owner scans again) and waits.
  ~DeadlineScan();

  // Starts scheduling `day` over `owned` (see DeadlineScheduler::run); false if a scan is
  // still running, in which case nothing starts.
  bool start(domain::Date day, std::set<int32_t> owned, bool force);
  bool busy() const { return busy_.load(); }

 private:
  void scan(domain::Date day, const std::set<int32_t>& owned, bool force);

  DeadlineScheduler scheduler_;
  std::unique_ptr<ProcessorStore> store_;
  ProcessorProbe* probe_;
  std::atomic<bool> cancel_{false};
  std::atomic<bool> busy_{false};
  std::thread thread_;
};

}  // namespace parcours::processor
