// What a quarantined command becomes (crash_guard.h): in one transaction with its consumed
// offset, the answer `500 internal` to whoever waits for it (when the record decodes and names
// a reply address), and a copy of the record on the dead-letter topic
// (<prefix>commands-dlq.v1), same key and value, with headers saying where it came from:
//   parcours-source-topic, parcours-source-partition, parcours-source-offset,
//   parcours-attempts, parcours-reason
// An operator can read it there, and send it again once the cause is fixed. The answer is
// also remembered as the command's outcome (idempotency), so a retry with the same key gets
// the same answer instead of crashing the process again.
//
// Thread-safety: pure functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "processor/command_record.h"

namespace parcours::processor {

// A record to produce with headers (the dead-letter copy).
struct HeadedRecord {
  std::string topic;
  int32_t partition = -1;  // -1: by key
  std::string key;
  std::string value;
  std::vector<std::pair<std::string, std::string>> headers;
};

struct Quarantined {
  std::optional<CommandRecord> command;  // nullopt: the record does not decode
  nlohmann::json answer;                 // the problem body of the 500 answer
  std::optional<HeadedRecord> reply;     // on the replies topic, if someone waits
  HeadedRecord dead_letter;
};

struct QuarantineTopics {
  std::string source;  // the commands topic
  std::string replies;
  int reply_partitions = 3;
  std::string dead_letters;
};

Quarantined quarantine(const QuarantineTopics& topics, std::string_view key, std::string_view value,
                       int32_t partition, int64_t offset, int attempts);

}  // namespace parcours::processor
