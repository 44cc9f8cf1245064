// Classification of Kafka failures, in one place (STYLE habit 3, librdkafka's model):
//   retriable      the same call may be repeated as is
//   abortable      abort the transaction, rewind to the committed offsets, redo the batch
//   indeterminate  a commit whose outcome is unknown (a timeout, a lost coordinator): it may
//                  have committed. Never retried on the same producer: Jepsen's analysis of
//                  Kafka transactions (2024) found that a late commit or abort can land on a
//                  later transaction. The producer is re-created, whose init_transactions
//                  bumps the epoch and settles the old transaction, and the log is read again
//                  before anything more is decided.
//   fatal          this client is finished: re-create it (which fences the old one), rewind
// Anything unclassified is fatal.
#pragma once

#include <string>

#include <librdkafka/rdkafkacpp.h>

namespace parcours::kafka {

enum class Failure { none, retriable, abortable, indeterminate, fatal };

struct KafkaStatus {
  Failure failure = Failure::none;
  std::string message;
  bool ok() const { return failure == Failure::none; }
  static KafkaStatus success() { return {}; }
};

// Classifies and frees a transactional API error (nullptr = success).
KafkaStatus classify(RdKafka::Error* error);
// Classifies the error of commit_transaction: what librdkafka calls retriable (a timeout, a
// coordinator away) is indeterminate; abortable and fatal stay so (the recovery of a fatal
// error, a new producer and a read of the log, is the same).
KafkaStatus classify_commit(RdKafka::Error* error);
// Classifies an ErrorCode from produce() and other non-transactional calls.
KafkaStatus classify(RdKafka::ErrorCode code);

const char* to_string(Failure f);

}  // namespace parcours::kafka
