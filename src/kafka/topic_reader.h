// Reads partitions of a topic from chosen offsets, read_committed, with end-of-partition
// detection: the building block of catch-up, the projector, the registry replica, the reply
// listener, `audit` and `rebuild` (all of which assign partitions themselves and keep their
// offsets outside Kafka).
//
// For read_committed consumers librdkafka reports the end at the last stable offset, so
// "at end" means: nothing committed is left to read right now.
//
// Thread-safety: one thread. Not copyable.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <librdkafka/rdkafkacpp.h>

#include "kafka/errors.h"
#include "kafka/kafka_settings.h"
#include "kafka/watermarks.h"

namespace parcours::kafka {

inline constexpr int64_t kFromBeginning = -2;  // RdKafka::Topic::OFFSET_BEGINNING
inline constexpr int64_t kFromEnd = -1;        // RdKafka::Topic::OFFSET_END

struct PartitionStart {
  std::string topic;
  int32_t partition = 0;
  int64_t offset = kFromBeginning;  // a stored next offset, kFromBeginning or kFromEnd
};

class TopicReader {
 public:
  using Visitor = std::function<void(const RdKafka::Message&)>;

  // nullptr and *error on failure. `extra` overrides reader defaults (e.g. fetch sizes).
  static std::unique_ptr<TopicReader> create(const KafkaSettings& settings,
                                             const std::vector<PartitionStart>& starts,
                                             std::string* error,
                                             const std::map<std::string, std::string>& extra = {});
  ~TopicReader();

  // Visits up to `max` messages, waiting at most timeout_ms for the first one. Returns the
  // number visited, or a status on a consumer error that is not transient.
  KafkaStatus poll(std::size_t max, int timeout_ms, const Visitor& visit, std::size_t* visited);
  // Visits everything up to the current end of every partition. Gives up after timeout_ms
  // without progress (broker away) with a retriable status.
  KafkaStatus read_to_end(const Visitor& visit, int timeout_ms = 30000,
                          std::size_t* visited = nullptr);

  // Current end offsets (high watermarks) of the assigned partitions, asked of the broker
  // within timeout_ms even when a leader is down (watermarks.h): then a retriable failure.
  KafkaStatus end_offsets(std::map<std::pair<std::string, int32_t>, int64_t>* out,
                          int timeout_ms = 5000);
  // Visits messages until every partition has reached its target offset (a previous
  // end_offsets() answer). With read_committed, offsets of aborted records and transaction
  // markers count as reached once the partition's end has moved past them.
  KafkaStatus read_until(const std::map<std::pair<std::string, int32_t>, int64_t>& targets,
                         const Visitor& visit, int timeout_ms = 30000,
                         std::size_t* visited = nullptr);

  bool at_end() const { return eof_count_ == tracks_.size(); }
  // Next offset to read per (topic, partition), for partitions that delivered something.
  std::map<std::pair<std::string, int32_t>, int64_t> next_offsets() const;

 private:
  // What the reader knows of one assigned partition.
  struct Track {
    std::string topic;
    int32_t partition = 0;
    bool eof = false;
    int64_t eof_offset = -1;  // offset of the last end-of-partition event
    int64_t next = -1;        // next offset to read (-1: nothing delivered yet)
  };

  TopicReader() = default;
  // The track of a message's partition, found without building its topic name.
  Track& track_of(const RdKafka::Message& m);
  // The track of `partition` among a topic's `slots` (by_topic_), created if new.
  Track& track(std::vector<int>& slots, const char* topic, int32_t partition);
  void set_eof(Track& t, bool eof);

  std::unique_ptr<RdKafka::KafkaConsumer> consumer_;
  std::unique_ptr<WatermarkQuery> watermarks_;
  std::vector<Track> tracks_;
  std::size_t eof_count_ = 0;
  // Per topic, the index in tracks_ of each partition (-1: not assigned).
  std::map<std::string, std::vector<int>, std::less<>> by_topic_;
  // librdkafka's topic handles already seen, with their topic's entry: a message's topic is
  // recognised by its handle, so no name is built or compared per message.
  std::vector<std::pair<const void*, std::vector<int>*>> handles_;
};

}  // namespace parcours::kafka
