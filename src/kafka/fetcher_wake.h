// Seeks a consumer's partitions and wakes their fetchers: every seek of Parcours goes through
// here.
//
// librdkafka fetches a partition from the broker thread of its leader, which looks at what to
// fetch when it wakes: on a network event, on an operation queued for it, or after an idle
// second. A seek to a concrete offset and a resume queue nothing for that thread (in 2.8,
// rd_kafka_toppar_seek wakes it only for a logical offset or 0), so a partition whose broker
// had no other fetch in flight was fetched up to a second late: after every restart, the first
// command of a processor's partitions waited for it (decision 25; tests/integration/
// test_write_path.py, Restart). A watermark query is a request sent through the partition's
// leader, which wakes that thread at once; its answer is not needed.
//
// The wake blocks for one round trip per partition, 250 ms at most in all: a leader that is
// gone (a broker just killed) must not hold a catch-up for a second per partition. Partitions
// left when that is spent are fetched at their broker thread's next round, as without it.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include <librdkafka/rdkafkacpp.h>

namespace parcours::kafka {

struct SeekFailure {
  int32_t partition;
  RdKafka::ErrorCode error;
};

// Seeks each partition to its offset (each seek bounded by `seek_timeout_ms`), then wakes their
// fetchers. The first seek that fails ends it, and is returned; nothing is woken then.
std::optional<SeekFailure> seek_and_wake(RdKafka::KafkaConsumer& consumer,
                                         const std::vector<RdKafka::TopicPartition*>& partitions,
                                         int seek_timeout_ms = 5000);

}  // namespace parcours::kafka
