#include "kafka/fetch_nudger.h"

#include <algorithm>
#include <cstdlib>

#include "common/thread_name.h"

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
      every_bytes_(std::max<std::size_t>(1, queue_bytes / 4)),
      any_partition_(!partitions_.empty()) {}

std::unique_ptr<FetchNudger> FetchNudger::for_consumer(
    RdKafka::KafkaConsumer& consumer, const RdKafka::Conf& conf,
    std::vector<std::pair<std::string, int32_t>> partitions) {
  auto level = [&](const char* name, std::size_t fallback) {
    std::string v;
    if (conf.get(name, v) != RdKafka::Conf::CONF_OK) return fallback;
    return static_cast<std::size_t>(std::strtoull(v.c_str(), nullptr, 10));
  };
  return std::make_unique<FetchNudger>(consumer, std::move(partitions),
                                       level("queued.min.messages", 100000),
                                       level("queued.max.messages.kbytes", 65536) * 1024);
}

void FetchNudger::set_partitions(std::vector<std::pair<std::string, int32_t>> partitions) {
  any_partition_ = !partitions.empty();
  std::lock_guard lock(mu_);
  partitions_ = std::move(partitions);
}

FetchNudger::~FetchNudger() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  wake_.notify_one();
  if (thread_.joinable()) thread_.join();
}

void FetchNudger::consumed(std::size_t messages, std::size_t bytes) {
  if (!any_partition_) return;
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
  common::name_this_thread("parcours-nudger");
  std::size_t next = 0;
  std::unique_lock lock(mu_);
  while (true) {
    wake_.wait(lock, [&] { return pending_ || stop_; });
    if (stop_) return;
    pending_ = false;
    if (partitions_.empty()) continue;
    // In turn, so that with several brokers each leader's thread is woken.
    const auto [topic, partition] = partitions_[next++ % partitions_.size()];
    lock.unlock();
    int64_t low = 0;
    int64_t high = 0;
    (void)consumer_.query_watermark_offsets(topic, partition, &low, &high, kQueryTimeoutMs);
    lock.lock();
    ++sent_;
  }
}

}  // namespace parcours::kafka
