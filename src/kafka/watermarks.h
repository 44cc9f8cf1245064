// End offsets of partitions, asked of the brokers within a bounded time.
//
// librdkafka before 2.3 waits in query_watermark_offsets for as long as the partition's leader
// stays down, whatever the timeout given (librdkafka #2588, fixed by #4460 in 2.3.0): the
// request sits in the dead broker's queue until it comes back. A reader that asks for end
// offsets on every batch (the organisation registry) would then stall for as long as a killed
// broker stays away, although its partitions have new leaders within seconds. The hedge below
// was written for 2.0.2; with the librdkafka we build now (deploy/local/librdkafka.sh) it is a
// bound that a first answer normally beats.
//
// The query is one offsets-for-times request ("latest") per partition leader for all the
// partitions asked, read_committed: the last stable offsets.
//
// WatermarkQuery asks on a worker thread with a client handle of its own. When the answer is
// late (kHedgeMs), it asks again, in parallel, with a fresh worker: a fresh handle reads the
// cluster's metadata anew, so once the controllers have elected new leaders it is answered at
// once, while the first one may wait for the dead broker for ever. The first answer wins and
// its worker is kept for the next calls. At most kMaxRacing workers run for one call; past
// that the oldest is abandoned (its thread ends, and its handle is destroyed, when librdkafka
// lets go, which is when the broker comes back). No answer by the deadline is a retriable
// failure. A broker that fails a query gives a fresh handle only when the racing ones are
// done too.
//
// Thread-safety: one caller thread at a time.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "kafka/errors.h"
#include "kafka/kafka_settings.h"

namespace parcours::kafka {

class WatermarkQuery {
 public:
  using Partitions = std::vector<std::pair<std::string, int32_t>>;
  using Offsets = std::map<std::pair<std::string, int32_t>, int64_t>;

  // A query not answered this soon is asked again by a fresh worker beside it.
  static constexpr int kHedgeMs = 400;
  // Workers asking at once for one call; a new one beyond that abandons the oldest.
  static constexpr std::size_t kMaxRacing = 3;

  // hedge_ms: kHedgeMs but for tests.
  explicit WatermarkQuery(KafkaSettings settings, int hedge_ms = kHedgeMs);
  ~WatermarkQuery();
  WatermarkQuery(const WatermarkQuery&) = delete;
  WatermarkQuery& operator=(const WatermarkQuery&) = delete;

  // The end offsets of `partitions`, read_committed (the last stable offsets). A failure, or
  // no answer within timeout_ms, is retriable.
  KafkaStatus end_offsets(const Partitions& partitions, Offsets* out, int timeout_ms);
  // Workers given up on so far (each one a query stuck on a dead broker).
  long abandoned() const { return abandoned_; }

 private:
  struct Worker;
  using WorkerPtr = std::shared_ptr<Worker>;
  static void serve(WorkerPtr worker);
  // A worker with a fresh handle and its own thread, or null (with *error) if librdkafka
  // refused to create the handle.
  WorkerPtr start_worker(std::string* error) const;
  // Stops a worker this call no longer waits for: joined if idle, detached if inside librdkafka.
  void retire(const WorkerPtr& worker);
  KafkaSettings settings_;
  int hedge_ms_;
  std::shared_ptr<Worker> worker_;
  long abandoned_ = 0;
};

}  // namespace parcours::kafka
