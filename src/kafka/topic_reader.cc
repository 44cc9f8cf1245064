#include "kafka/topic_reader.h"

#include <chrono>

#include <librdkafka/rdkafka.h>

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
    // "From the beginning" is asked as offset 0: librdkafka then fetches at once, where the
    // logical BEGINNING first waits for an offset query (about 0.5 s). If the log no longer
    // starts at 0, auto.offset.reset=earliest (the reader default) moves to its start.
    const int64_t offset = s.offset == kFromBeginning ? 0 : s.offset;
    parts.push_back(RdKafka::TopicPartition::create(s.topic, s.partition, offset));
    r->track(r->by_topic_[s.topic], s.topic.c_str(), s.partition);
  }
  const RdKafka::ErrorCode code = r->consumer_->assign(parts);
  RdKafka::TopicPartition::destroy(parts);
  if (code != RdKafka::ERR_NO_ERROR) {
    if (error) *error = "assign: " + RdKafka::err2str(code);
    return nullptr;
  }
  r->watermarks_ = std::make_unique<WatermarkQuery>(settings);
  return r;
}

TopicReader::~TopicReader() {
  if (consumer_) consumer_->close();
}

TopicReader::Track& TopicReader::track_of(const RdKafka::Message& m) {
  const rd_kafka_topic_t* handle = const_cast<RdKafka::Message&>(m).c_ptr()->rkt;
  std::vector<int>* slots = nullptr;
  for (const auto& [h, s] : handles_) {
    if (h == handle) {
      slots = s;
      break;
    }
  }
  if (!slots) {
    // librdkafka keeps one handle per topic; the bound only guards against that changing.
    if (handles_.size() >= 64) handles_.clear();
    slots = &by_topic_[rd_kafka_topic_name(handle)];
    handles_.emplace_back(handle, slots);
  }
  return track(*slots, rd_kafka_topic_name(handle), m.partition());
}

TopicReader::Track& TopicReader::track(std::vector<int>& slots, const char* topic,
                                       int32_t partition) {
  const auto p = static_cast<std::size_t>(partition);
  if (slots.size() <= p) slots.resize(p + 1, -1);
  if (slots[p] < 0) {
    // New at assignment, or a partition librdkafka delivers unassigned (it never does).
    slots[p] = static_cast<int>(tracks_.size());
    tracks_.push_back({topic, partition});
  }
  return tracks_[static_cast<std::size_t>(slots[p])];
}

void TopicReader::set_eof(Track& t, bool eof) {
  if (t.eof == eof) return;
  t.eof = eof;
  if (eof) {
    ++eof_count_;
  } else {
    --eof_count_;
  }
}

std::map<std::pair<std::string, int32_t>, int64_t> TopicReader::next_offsets() const {
  std::map<std::pair<std::string, int32_t>, int64_t> out;
  for (const auto& t : tracks_) {
    if (t.next >= 0) out[{t.topic, t.partition}] = t.next;
  }
  return out;
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
      Track& t = track_of(*m);
      set_eof(t, true);
      t.eof_offset = m->offset();
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
    Track& t = track_of(*m);
    set_eof(t, false);
    t.next = m->offset() + 1;
    visit(*m);
    ++n;
  }
  if (visited) *visited = n;
  return KafkaStatus::success();
}

KafkaStatus TopicReader::end_offsets(std::map<std::pair<std::string, int32_t>, int64_t>* out,
                                     int timeout_ms) {
  WatermarkQuery::Partitions partitions;
  for (const auto& t : tracks_) partitions.emplace_back(t.topic, t.partition);
  return watermarks_->end_offsets(partitions, out, timeout_ms);
}

KafkaStatus TopicReader::read_until(
    const std::map<std::pair<std::string, int32_t>, int64_t>& targets, const Visitor& visit,
    int timeout_ms, std::size_t* visited) {
  auto reached = [&] {
    for (const auto& [tp, target] : targets) {
      if (target <= 0) continue;
      auto slots = by_topic_.find(tp.first);
      const auto p = static_cast<std::size_t>(tp.second);
      if (slots == by_topic_.end() || p >= slots->second.size() || slots->second[p] < 0) {
        return false;
      }
      const Track& t = tracks_[static_cast<std::size_t>(slots->second[p])];
      if (t.next < target && t.eof_offset < target) return false;
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
