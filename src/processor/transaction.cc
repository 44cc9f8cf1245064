#include "processor/transaction.h"

#include <chrono>

#include "common/log.h"

namespace parcours::processor {

namespace {
using Clock = std::chrono::steady_clock;
double since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}
}  // namespace

ConsumedOffsets::ConsumedOffsets(const std::string& topic, const std::map<int32_t, int64_t>& next) {
  for (const auto& [p, offset] : next) {
    list_.push_back(RdKafka::TopicPartition::create(topic, p, offset));
  }
}

ConsumedOffsets::~ConsumedOffsets() {
  RdKafka::TopicPartition::destroy(list_);
}

OpenTransaction::OpenTransaction(kafka::TransactionalProducer& producer,
                                 const std::vector<RdKafka::TopicPartition*>& offsets,
                                 const RdKafka::ConsumerGroupMetadata* group,
                                 int send_offsets_timeout_ms)
    : producer_(producer) {
  open(
      offsets, [group] { return group; }, send_offsets_timeout_ms);
}

OpenTransaction::OpenTransaction(kafka::TransactionalProducer& producer,
                                 const std::vector<RdKafka::TopicPartition*>& offsets,
                                 GroupSource group, int send_offsets_timeout_ms)
    : producer_(producer) {
  open(
      offsets,
      [this, group = std::move(group)] {
        owned_group_ = group();
        return owned_group_.get();
      },
      send_offsets_timeout_ms);
}

std::shared_ptr<const RdKafka::ConsumerGroupMetadata> GroupMetadata::get(
    RdKafka::KafkaConsumer& consumer) {
  std::lock_guard lock(mu_);
  if (!kept_) {
    ++asked_;
    kept_.reset(consumer.groupMetadata());
  }
  return kept_;
}

void GroupMetadata::forget() {
  std::lock_guard lock(mu_);
  kept_.reset();
}

long GroupMetadata::asked() const {
  std::lock_guard lock(mu_);
  return asked_;
}

void OpenTransaction::open(const std::vector<RdKafka::TopicPartition*>& offsets,
                           std::function<const RdKafka::ConsumerGroupMetadata*()> group,
                           int send_offsets_timeout_ms) {
  if (offsets.empty()) {
    begun_ = producer_.begin();
    begun_known_ = true;
    return;
  }
  // librdkafka takes one transactional call at a time; this thread makes the only ones (begin,
  // then the offsets) until get(), and nothing is produced before begin() has returned.
  std::promise<kafka::KafkaStatus> begun;
  begun_future_ = begun.get_future();
  offsets_ =
      std::async(std::launch::async, [this, &offsets, group = std::move(group),
                                      send_offsets_timeout_ms, begun = std::move(begun)]() mutable {
        auto b = producer_.begin();
        begun.set_value(b);
        if (!b.ok()) return b;
        const auto t = Clock::now();
        auto s = producer_.send_offsets(offsets, group(), send_offsets_timeout_ms);
        send_offsets_seconds_ = since(t);
        return s;
      });
}

const kafka::KafkaStatus& OpenTransaction::begun() {
  if (!begun_known_) {
    begun_ = begun_future_.get();
    begun_known_ = true;
  }
  return begun_;
}

OpenTransaction::~OpenTransaction() {
  if (ended_) return;
  if (const auto s = abandon(); !s.ok()) {
    common::log_warn("an open transaction could not be aborted", {{"error", s.message}});
  }
}

kafka::KafkaStatus OpenTransaction::wait_for_offsets(TransactionPhases* phases) {
  if (!begun().ok()) return begun_;
  if (!offsets_.valid()) return {};
  const auto t = Clock::now();
  const auto s = offsets_.get();
  phases->offsets_wait = since(t);
  phases->send_offsets = send_offsets_seconds_;
  return s;
}

kafka::KafkaStatus OpenTransaction::produce(const std::vector<OutRecord>& records) {
  if (!begun().ok()) return begun_;
  const auto t = Clock::now();
  kafka::KafkaStatus s;
  for (std::size_t i = 0; s.ok() && i < records.size(); ++i) {
    const auto& r = records[i];
    produced_ = true;
    s = producer_.produce(r.topic, r.partition, r.key, r.value ? &*r.value : nullptr);
  }
  produce_seconds_ += since(t);
  return s;
}

kafka::KafkaStatus OpenTransaction::commit(const std::vector<OutRecord>& records,
                                           const std::vector<HeadedRecord>& headed,
                                           int commit_timeout_ms, TransactionPhases* phases) {
  ended_ = true;
  *phases = {};
  kafka::KafkaStatus s = produce(records);
  const auto t0 = Clock::now();
  for (std::size_t i = 0; s.ok() && i < headed.size(); ++i) {
    const auto& r = headed[i];
    produced_ = true;
    s = producer_.produce(r.topic, r.partition, r.key, &r.value, r.headers);
  }
  produce_seconds_ += since(t0);
  phases->produce = produce_seconds_;
  if (const auto o = wait_for_offsets(phases); s.ok()) s = o;
  const auto t = Clock::now();
  if (s.ok()) {
    phases->commit_requested = true;
    s = producer_.commit(commit_timeout_ms);
  }
  phases->commit = since(t);
  return s;
}

kafka::KafkaStatus OpenTransaction::abandon(int timeout_ms) {
  if (produced_) return drop();
  ended_ = true;
  TransactionPhases unused;
  if (const auto s = wait_for_offsets(&unused); !s.ok()) return s;
  return producer_.abort(timeout_ms);
}

kafka::KafkaStatus OpenTransaction::drop() {
  ended_ = true;
  TransactionPhases unused;
  (void)wait_for_offsets(&unused);
  return {kafka::Failure::abortable,
          "a transaction with records produced is given up: the producer is re-created"};
}

kafka::KafkaStatus write_batch(kafka::TransactionalProducer& producer,
                               const std::vector<OutRecord>& records,
                               const std::vector<RdKafka::TopicPartition*>& offsets,
                               const RdKafka::ConsumerGroupMetadata* group,
                               const std::vector<HeadedRecord>& headed, int commit_timeout_ms,
                               TransactionPhases* phases, int send_offsets_timeout_ms) {
  TransactionPhases unused;
  OpenTransaction transaction(producer, offsets, group, send_offsets_timeout_ms);
  return transaction.commit(records, headed, commit_timeout_ms, phases ? phases : &unused);
}

Recovery recovery_for(const kafka::KafkaStatus&) {
  // Every failure, an abortable one too, gets a new producer (a new epoch). After an abort on
  // the same producer, librdkafka 2.0.2 may send the next transaction's first record to a
  // partition with the sequence number of a record of the aborted transaction whose answer it
  // had not had; the broker takes it for a duplicate of that aborted record and acknowledges
  // it with the old offset. The new transaction then commits without it: a reply committed
  // with no event behind it (found by the fault campaign: producer 2003, epoch 48, sequence
  // 188 written once, aborted, and acknowledged twice). A new epoch starts the sequences anew.
  return Recovery::recreate_and_rewind;
}

std::unique_ptr<kafka::TransactionalProducer> recover_producer(
    std::unique_ptr<kafka::TransactionalProducer> producer, const kafka::KafkaStatus& failed,
    const std::function<std::unique_ptr<kafka::TransactionalProducer>(std::string*)>& make,
    std::string* error, bool* aborted) {
  *aborted = false;
  if (recovery_for(failed) == Recovery::abort_and_rewind) {
    const auto a = producer->abort();
    if (a.ok()) {
      *aborted = true;
      return producer;
    }
    common::log_warn("abort failed; re-creating the producer", {{"error", a.message}});
  }
  // Destroy first: the new producer's init_transactions fences the old epoch and aborts
  // whatever it left open, or completes a commit the coordinator had already decided.
  producer.reset();
  return make(error);
}

}  // namespace parcours::processor
