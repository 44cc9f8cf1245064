#include "kafka/fetcher_wake.h"

#include <chrono>

namespace parcours::kafka {

namespace {

constexpr int kWakeBudgetMs = 250;

void wake_fetchers(RdKafka::KafkaConsumer& consumer,
                   const std::vector<RdKafka::TopicPartition*>& partitions) {
  using Clock = std::chrono::steady_clock;
  const auto deadline = Clock::now() + std::chrono::milliseconds(kWakeBudgetMs);
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

}  // namespace

std::optional<SeekFailure> seek_and_wake(RdKafka::KafkaConsumer& consumer,
                                         const std::vector<RdKafka::TopicPartition*>& partitions,
                                         int seek_timeout_ms) {
  for (const auto* tp : partitions) {
    if (const auto err = consumer.seek(*tp, seek_timeout_ms); err != RdKafka::ERR_NO_ERROR) {
      return SeekFailure{tp->partition(), err};
    }
  }
  wake_fetchers(consumer, partitions);
  return std::nullopt;
}

}  // namespace parcours::kafka
