// End offsets of partitions, asked of the brokers within a bounded time.
//
// librdkafka before 2.3 (Debian ships 2.0.2) waits in query_watermark_offsets for as long as
// the partition's leader stays down, whatever the timeout given (librdkafka #2588, fixed by
// #4460 in 2.3.0): the request sits in the dead broker's queue until it comes back. A reader
// that asks for end offsets on every batch (the organisation registry) would then stall for as
// long as a killed broker stays away, although its partitions have new leaders within seconds.
//
// WatermarkQuery asks on a worker thread with a client handle of its own. When an answer does
// not come in time, the call returns a retriable failure; the stuck worker is abandoned (its
// thread ends, and its handle is destroyed, when librdkafka lets go, which is when the broker
// comes back) and the next call starts a fresh one, which sees the new leaders.
//
// Thread-safety: one caller thread at a time.
#pragma once

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

  explicit WatermarkQuery(KafkaSettings settings);
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
  static void serve(std::shared_ptr<Worker> worker);
  KafkaSettings settings_;
  std::shared_ptr<Worker> worker_;
  long abandoned_ = 0;
};

}  // namespace parcours::kafka
