#include "kafka/topic_reader.h"

#include <chrono>

#include "common/log.h"

namespace parcours::kafka {

std::unique_ptr<TopicReader> TopicReader::create(const KafkaSettings& settings,
                                                 const std::vector<PartitionStart>& starts,
                                                 std::string* error,
                                                 const std::map<std::string, std::string>& extra) {
  auto props = extra;
  // A group id is required by the C++ consumer; it is never used to commit (manual assignment,
  // offsets kept by the caller).
  if (!props.count("group.id")) props["group.id"] = "parcours-reader";
  auto conf = make_conf(settings, ClientRole::reader, props, error);
  if (!conf) return nullptr;
  std::unique_ptr<TopicReader> r(new TopicReader());
  std::string err;
  r->consumer_.reset(RdKafka::KafkaConsumer::create(conf.get(), err));
  if (!r->consumer_) {
    if (error) *error = err;
    return nullptr;
  }
  std::vector<RdKafka::TopicPartition*> parts;
  for (const auto& s : starts) {
    parts.push_back(RdKafka::TopicPartition::create(s.topic, s.partition, s.offset));
    r->eof_[{s.topic, s.partition}] = false;
  }
  const RdKafka::ErrorCode code = r->consumer_->assign(parts);
  RdKafka::TopicPartition::destroy(parts);
  if (code != RdKafka::ERR_NO_ERROR) {
    if (error) *error = "assign: " + RdKafka::err2str(code);
    return nullptr;
  }
  return r;
}

TopicReader::~TopicReader() {
  if (consumer_) consumer_->close();
}

bool TopicReader::at_end() const {
  for (const auto& [_, eof] : eof_) {
    if (!eof) return false;
  }
  return true;
}

KafkaStatus TopicReader::poll(std::size_t max, int timeout_ms, const Visitor& visit,
                              std::size_t* visited) {
  std::size_t n = 0;
  int wait = timeout_ms;
  while (n < max) {
    std::unique_ptr<RdKafka::Message> m(consumer_->consume(wait));
    wait = 0;  // only the first message is waited for
    const auto code = m->err();
    if (code == RdKafka::ERR__TIMED_OUT) break;
    if (code == RdKafka::ERR__PARTITION_EOF) {
      eof_[{m->topic_name(), m->partition()}] = true;
      eof_offset_[{m->topic_name(), m->partition()}] = m->offset();
      if (at_end()) break;
      continue;
    }
    if (code != RdKafka::ERR_NO_ERROR) {
      KafkaStatus s = classify(code);
      if (s.failure == Failure::retriable) {
        common::log_warn("kafka reader transient error", {{"error", m->errstr()}});
        break;
      }
      if (visited) *visited = n;
      return s;
    }
    const auto tp = std::make_pair(m->topic_name(), m->partition());
    eof_[tp] = false;
    next_[tp] = m->offset() + 1;
    visit(*m);
    ++n;
  }
  if (visited) *visited = n;
  return KafkaStatus::success();
}

KafkaStatus TopicReader::end_offsets(std::map<std::pair<std::string, int32_t>, int64_t>* out,
                                     int timeout_ms) {
  for (const auto& [tp, _] : eof_) {
    int64_t low = 0;
    int64_t high = 0;
    const auto code =
        consumer_->query_watermark_offsets(tp.first, tp.second, &low, &high, timeout_ms);
    if (code != RdKafka::ERR_NO_ERROR) return classify(code);
    (*out)[tp] = high;
  }
  return KafkaStatus::success();
}

KafkaStatus TopicReader::read_until(
    const std::map<std::pair<std::string, int32_t>, int64_t>& targets, const Visitor& visit,
    int timeout_ms, std::size_t* visited) {
  auto reached = [&] {
    for (const auto& [tp, target] : targets) {
      auto n = next_.find(tp);
      auto e = eof_offset_.find(tp);
      const bool done = (n != next_.end() && n->second >= target) ||
                        (e != eof_offset_.end() && e->second >= target) || target <= 0;
      if (!done) return false;
    }
    return true;
  };
  std::size_t total = 0;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (!reached()) {
    std::size_t n = 0;
    KafkaStatus s = poll(10000, 20, visit, &n);
    total += n;
    if (!s.ok()) {
      if (visited) *visited = total;
      return s;
    }
    if (std::chrono::steady_clock::now() > deadline) {
      if (visited) *visited = total;
      return {Failure::retriable, "timed out reading up to the end offsets"};
    }
  }
  if (visited) *visited = total;
  return KafkaStatus::success();
}

KafkaStatus TopicReader::read_to_end(const Visitor& visit, int timeout_ms, std::size_t* visited) {
  std::size_t total = 0;
  auto last_progress = std::chrono::steady_clock::now();
  while (!at_end()) {
    std::size_t n = 0;
    KafkaStatus s = poll(10000, 100, visit, &n);
    total += n;
    if (!s.ok()) {
      if (visited) *visited = total;
      return s;
    }
    if (n > 0) last_progress = std::chrono::steady_clock::now();
    if (std::chrono::steady_clock::now() - last_progress > std::chrono::milliseconds(timeout_ms)) {
      if (visited) *visited = total;
      return {Failure::retriable, "no progress reading to the end of the topic"};
    }
  }
  if (visited) *visited = total;
  return KafkaStatus::success();
}

}  // namespace parcours::kafka
