#include "kafka/fetcher_wake.h"

#include <cstdint>

namespace parcours::kafka {

void wake_fetchers(RdKafka::KafkaConsumer& consumer,
                   const std::vector<RdKafka::TopicPartition*>& partitions, int timeout_ms) {
  for (const auto* tp : partitions) {
    int64_t low = 0;
    int64_t high = 0;
    // A failure (a leader just gone) wakes nothing, and the fetcher finds the partition at its
    // next round, as it would have without this.
    (void)consumer.query_watermark_offsets(tp->topic(), tp->partition(), &low, &high, timeout_ms);
  }
}

}  // namespace parcours::kafka
