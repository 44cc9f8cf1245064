// What a batch's transaction is made of: the topics it writes and the records it produces.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace parcours::processor {

struct Topics {
  std::string commands, events, org_events, replies, keys;
  int partitions = 12;
  int reply_partitions = 3;
};

// A record to produce inside the batch's transaction. partition -1: by key (murmur2).
struct OutRecord {
  std::string topic;
  int32_t partition = -1;
  std::string key;
  std::optional<std::string> value;  // nullopt = tombstone
};

}  // namespace parcours::processor
