#include "kafka/transactional_producer.h"

namespace parcours::kafka {

// Records the offset of every delivered message. Delivery callbacks run inside poll(),
// flush() and commit_transaction(), on the producer's thread.
class TransactionalProducer::DeliveryReports : public RdKafka::DeliveryReportCb {
 public:
  void dr_cb(RdKafka::Message& m) override {
    if (m.err() != RdKafka::ERR_NO_ERROR) {
      ++failed;  // the transaction enters the abortable state; commit() will say so
      return;
    }
    auto& last = delivered[{m.topic_name(), m.partition()}];
    last = std::max(last, m.offset());
  }
  std::map<std::pair<std::string, int32_t>, int64_t> delivered;
  long failed = 0;
};

std::unique_ptr<TransactionalProducer> TransactionalProducer::create(
    const KafkaSettings& settings, const std::string& transactional_id, std::string* error,
    int init_timeout_ms) {
  auto conf = make_conf(settings, ClientRole::transactional_producer,
                        {{"transactional.id", transactional_id}}, error);
  if (!conf) return nullptr;
  return create_from(std::move(conf), error, init_timeout_ms);
}

std::unique_ptr<TransactionalProducer> TransactionalProducer::create_from(
    std::unique_ptr<RdKafka::Conf> conf, std::string* error, int init_timeout_ms) {
  std::unique_ptr<TransactionalProducer> p(new TransactionalProducer());
  p->reports_ = std::make_unique<DeliveryReports>();
  std::string err;
  if (conf->set("dr_cb", p->reports_.get(), err) != RdKafka::Conf::CONF_OK) {
    if (error) *error = err;
    return nullptr;
  }
  p->producer_.reset(RdKafka::Producer::create(conf.get(), err));
  if (!p->producer_) {
    if (error) *error = err;
    return nullptr;
  }
  KafkaStatus s = classify(p->producer_->init_transactions(init_timeout_ms));
  // init_transactions may report a retriable timeout while the coordinator loads.
  for (int attempt = 0; s.failure == Failure::retriable && attempt < 5; ++attempt) {
    s = classify(p->producer_->init_transactions(init_timeout_ms));
  }
  if (!s.ok()) {
    if (error) *error = "init_transactions: " + s.message;
    return nullptr;
  }
  return p;
}

TransactionalProducer::~TransactionalProducer() {
  // Every record of this producer belongs to a transaction; one still queued or in flight at
  // destruction belongs to a transaction that will never commit (a failure, or a stop between
  // batches with nothing pending): drop it rather than wait for it.
  if (!producer_) return;
  (void)producer_->purge(RdKafka::Producer::PURGE_QUEUE | RdKafka::Producer::PURGE_INFLIGHT |
                         RdKafka::Producer::PURGE_NON_BLOCKING);
  producer_->flush(1000);
}

KafkaStatus TransactionalProducer::learn_topics(const std::vector<std::string>& topics,
                                                int timeout_ms) {
  return topics_.learn(*producer_, topics, timeout_ms);
}

KafkaStatus TransactionalProducer::begin() {
  reports_->delivered.clear();
  reports_->failed = 0;
  produced_ = 0;
  return classify(producer_->begin_transaction());
}

KafkaStatus TransactionalProducer::produce(const std::string& topic, int32_t partition,
                                           std::string_view key, const std::string* value) {
  return produce(topic, partition, key, value, {});
}

KafkaStatus TransactionalProducer::produce(
    const std::string& topic, int32_t partition, std::string_view key, const std::string* value,
    const std::vector<std::pair<std::string, std::string>>& headers) {
  for (;;) {
    RdKafka::Headers* hs = nullptr;
    if (!headers.empty()) {
      hs = RdKafka::Headers::create();
      for (const auto& [name, v] : headers) hs->add(name, v);
    }
    const RdKafka::ErrorCode code = producer_->produce(
        topic, partition == -1 ? RdKafka::Topic::PARTITION_UA : partition,
        RdKafka::Producer::RK_MSG_COPY, value ? const_cast<char*>(value->data()) : nullptr,
        value ? value->size() : 0, key.data(), key.size(), 0, hs, nullptr);
    if (code != RdKafka::ERR_NO_ERROR) delete hs;  // owned by librdkafka only on success
    if (code == RdKafka::ERR_NO_ERROR) {
      ++produced_;
      producer_->poll(0);
      return KafkaStatus::success();
    }
    if (code == RdKafka::ERR__QUEUE_FULL) {
      producer_->poll(10);  // back-pressure: serve delivery reports, then retry
      continue;
    }
    return classify(code);
  }
}

KafkaStatus TransactionalProducer::send_offsets(
    const std::vector<RdKafka::TopicPartition*>& offsets,
    const RdKafka::ConsumerGroupMetadata* group, int timeout_ms) {
  return classify(producer_->send_offsets_to_transaction(offsets, group, timeout_ms));
}

KafkaStatus TransactionalProducer::commit(int timeout_ms) {
  return classify_commit(producer_->commit_transaction(timeout_ms));
}

KafkaStatus TransactionalProducer::abort(int timeout_ms) {
  return classify(producer_->abort_transaction(timeout_ms));
}

void TransactionalProducer::serve_queue() {
  producer_->poll(0);
}

const std::map<std::pair<std::string, int32_t>, int64_t>& TransactionalProducer::delivered() const {
  return reports_->delivered;
}

}  // namespace parcours::kafka
