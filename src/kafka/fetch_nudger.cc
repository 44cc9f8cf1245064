#include "kafka/fetch_nudger.h"

#include <algorithm>

namespace parcours::kafka {

namespace {
// The watermark query only serves to wake the broker's thread; its answer is not used. A broker
// that does not answer delays the next nudge, never the reader.
constexpr int kQueryTimeoutMs = 500;
}  // namespace

FetchNudger::FetchNudger(RdKafka::KafkaConsumer& consumer,
                         std::vector<std::pair<std::string, int32_t>> partitions,
                         std::size_t queue_messages, std::size_t queue_bytes)
    : consumer_(consumer),
      partitions_(std::move(partitions)),
      // A quarter of the queue: fetching resumes while three quarters are still queued.
      every_messages_(std::max<std::size_t>(1, queue_messages / 4)),
      every_bytes_(std::max<std::size_t>(1, queue_bytes / 4)) {}

FetchNudger::~FetchNudger() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  wake_.notify_one();
  if (thread_.joinable()) thread_.join();
}

void FetchNudger::consumed(std::size_t messages, std::size_t bytes) {
  if (partitions_.empty()) return;
  messages_ += messages;
  bytes_ += bytes;
  if (messages_ < every_messages_ && bytes_ < every_bytes_) return;
  messages_ = 0;
  bytes_ = 0;
  {
    std::lock_guard lock(mu_);
    pending_ = true;
    if (!thread_.joinable()) thread_ = std::thread(&FetchNudger::loop, this);
  }
  wake_.notify_one();
}

long FetchNudger::nudges() const {
  std::lock_guard lock(mu_);
  return sent_;
}

void FetchNudger::loop() {
  std::size_t next = 0;
  std::unique_lock lock(mu_);
  while (true) {
    wake_.wait(lock, [&] { return pending_ || stop_; });
    if (stop_) return;
    pending_ = false;
    lock.unlock();
    // In turn, so that with several brokers each leader's thread is woken.
    const auto& [topic, partition] = partitions_[next++ % partitions_.size()];
    int64_t low = 0;
    int64_t high = 0;
    (void)consumer_.query_watermark_offsets(topic, partition, &low, &high, kQueryTimeoutMs);
    lock.lock();
    ++sent_;
  }
}

}  // namespace parcours::kafka
