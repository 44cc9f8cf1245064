#include "kafka/fetcher_wake.h"

#include <chrono>
#include <cstdint>

namespace parcours::kafka {

void wake_fetchers(RdKafka::KafkaConsumer& consumer,
                   const std::vector<RdKafka::TopicPartition*>& partitions, int budget_ms) {
  using Clock = std::chrono::steady_clock;
  const auto deadline = Clock::now() + std::chrono::milliseconds(budget_ms);
  for (const auto* tp : partitions) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (left <= 0) return;
    int64_t low = 0;
    int64_t high = 0;
    // A failure (a leader just gone) wakes nothing, and the fetcher finds the partition at its
    // next round, as it would have without this.
    (void)consumer.query_watermark_offsets(tp->topic(), tp->partition(), &low, &high,
                                           static_cast<int>(left));
  }
}

}  // namespace parcours::kafka
