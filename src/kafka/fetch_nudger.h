// Keeps a consumer's fetches going while its application reads slower than the broker sends.
//
// librdkafka 2.0 stops fetching a partition once the consumer's queue is over its thresholds
// (queued.min.messages, queued.max.messages.kbytes: with assign(), every partition's queue is
// forwarded to the consumer's one queue, so they fill together), and reconsiders it only when
// the broker's thread wakes up: on a fetch response, on an operation for it, or after its idle
// timeout of one second. A reader slower than the fetches therefore emptied its queue and then
// waited up to a second, each time the queue had filled: a rebuild spent more than half of its
// time idle, and so would a projector catching up. (librdkafka 2.2 added
// fetch.queue.backoff.ms for this; Debian's 2.0 does not have it.)
//
// Every request to a broker wakes its thread, which then fetches again for the partitions whose
// queue has drained. So once the application has taken a quarter of a full queue, the nudger
// asks the broker of one of the partitions (in turn) for its watermarks, on a thread of its own
// so that the reader never waits for the answer. An idle reader sends nothing.
//
// Thread-safety: consumed() and set_partitions() from the reader's thread (a rebalance callback
// runs on it too); the nudger's own thread only queries.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <librdkafka/rdkafkacpp.h>

namespace parcours::kafka {

class FetchNudger {
 public:
  // `queue_messages` and `queue_bytes` are the consumer's queued.min.messages and
  // queued.max.messages.kbytes (in bytes): the levels at which librdkafka stops fetching.
  FetchNudger(RdKafka::KafkaConsumer& consumer,
              std::vector<std::pair<std::string, int32_t>> partitions, std::size_t queue_messages,
              std::size_t queue_bytes);
  // The same, with the queue levels read from the consumer's configuration.
  static std::unique_ptr<FetchNudger> for_consumer(
      RdKafka::KafkaConsumer& consumer, const RdKafka::Conf& conf,
      std::vector<std::pair<std::string, int32_t>> partitions);
  ~FetchNudger();
  FetchNudger(const FetchNudger&) = delete;
  FetchNudger& operator=(const FetchNudger&) = delete;

  // The reader took `messages` records of `bytes` bytes from the queue.
  void consumed(std::size_t messages, std::size_t bytes);
  // The partitions to wake the brokers of (a group consumer's change at each rebalance).
  void set_partitions(std::vector<std::pair<std::string, int32_t>> partitions);
  // Nudges sent so far (for tests and diagnostics).
  long nudges() const;

 private:
  void loop();

  RdKafka::KafkaConsumer& consumer_;
  std::vector<std::pair<std::string, int32_t>> partitions_;  // guarded by mu_
  const std::size_t every_messages_;
  const std::size_t every_bytes_;
  std::size_t messages_ = 0;  // taken since the last nudge (reader's thread)
  std::size_t bytes_ = 0;
  bool any_partition_ = false;  // partitions_ is not empty (reader's thread)
  mutable std::mutex mu_;
  std::condition_variable wake_;
  bool pending_ = false;  // a nudge is asked for
  bool stop_ = false;
  long sent_ = 0;
  std::thread thread_;  // started at the first nudge
};

}  // namespace parcours::kafka
