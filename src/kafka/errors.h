// Classification of Kafka failures, in one place (STYLE habit 3, librdkafka's model):
//   retriable  the same call may be repeated as is
//   abortable  abort the transaction, rewind to the committed offsets, redo the batch
//   fatal      this producer is finished: re-create it (which fences the old one), rewind
// Anything unclassified is fatal.
#pragma once

#include <string>

#include <librdkafka/rdkafkacpp.h>

namespace parcours::kafka {

enum class Failure { none, retriable, abortable, fatal };

struct KafkaStatus {
  Failure failure = Failure::none;
  std::string message;
  bool ok() const { return failure == Failure::none; }
  static KafkaStatus success() { return {}; }
};

// Classifies and frees a transactional API error (nullptr = success).
KafkaStatus classify(RdKafka::Error* error);
// Classifies an ErrorCode from produce() and other non-transactional calls.
KafkaStatus classify(RdKafka::ErrorCode code);

const char* to_string(Failure f);

}  // namespace parcours::kafka
