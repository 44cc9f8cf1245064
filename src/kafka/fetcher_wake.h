// Wakes the fetchers of partitions a consumer has just resumed or sought.
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
// Blocks for one round trip per partition, `budget_ms` at most in all: a leader that is gone
// (a broker just killed) must not hold a catch-up for a second per partition. Partitions left
// when the budget is spent are fetched at their broker thread's next round, as without this.
#pragma once

#include <vector>

#include <librdkafka/rdkafkacpp.h>

namespace parcours::kafka {

void wake_fetchers(RdKafka::KafkaConsumer& consumer,
                   const std::vector<RdKafka::TopicPartition*>& partitions, int budget_ms = 250);

}  // namespace parcours::kafka
