#include "kafka/errors.h"

#include <memory>

namespace parcours::kafka {

KafkaStatus classify(RdKafka::Error* raw) {
  if (!raw) return KafkaStatus::success();
  std::unique_ptr<RdKafka::Error> error(raw);
  KafkaStatus s;
  s.message = error->str();
  if (error->is_fatal()) {
    s.failure = Failure::fatal;
  } else if (error->txn_requires_abort()) {
    s.failure = Failure::abortable;
  } else if (error->is_retriable()) {
    s.failure = Failure::retriable;
  } else {
    s.failure = Failure::fatal;  // unclassified: treat as fatal
  }
  return s;
}

KafkaStatus classify_commit(RdKafka::Error* raw) {
  KafkaStatus s = classify(raw);
  if (s.failure == Failure::retriable) s.failure = Failure::indeterminate;
  return s;
}

KafkaStatus classify(RdKafka::ErrorCode code) {
  KafkaStatus s;
  if (code == RdKafka::ERR_NO_ERROR) return s;
  s.message = RdKafka::err2str(code);
  switch (code) {
    case RdKafka::ERR__QUEUE_FULL:
    case RdKafka::ERR__TIMED_OUT:
    case RdKafka::ERR__TRANSPORT:
    // Every broker connection down: librdkafka 2.8 answers a query with it while the only
    // broker it knows is down (2.0.2 waited), and goes on reconnecting.
    case RdKafka::ERR__ALL_BROKERS_DOWN:
    case RdKafka::ERR_NOT_LEADER_FOR_PARTITION:
    case RdKafka::ERR_LEADER_NOT_AVAILABLE:
    case RdKafka::ERR_REQUEST_TIMED_OUT:
    case RdKafka::ERR_COORDINATOR_LOAD_IN_PROGRESS:
    case RdKafka::ERR_COORDINATOR_NOT_AVAILABLE:
    case RdKafka::ERR_NOT_COORDINATOR:
    // A topic just created is known to the controllers before every broker has it in its
    // metadata: a client that asks a broker in between is told it does not exist (Kafka's own
    // clients retry it too, an InvalidMetadataException). A topic that really is missing is
    // then reported when the caller's bound runs out, as a timeout of this error.
    case RdKafka::ERR_UNKNOWN_TOPIC_OR_PART:
      s.failure = Failure::retriable;
      break;
    case RdKafka::ERR__STATE:
    case RdKafka::ERR__MSG_TIMED_OUT:
    case RdKafka::ERR_INVALID_PRODUCER_EPOCH:
      s.failure = Failure::abortable;
      break;
    default:
      s.failure = Failure::fatal;
  }
  return s;
}

const char* to_string(Failure f) {
  switch (f) {
    case Failure::none:
      return "none";
    case Failure::retriable:
      return "retriable";
    case Failure::abortable:
      return "abortable";
    case Failure::indeterminate:
      return "indeterminate";
    case Failure::fatal:
      return "fatal";
  }
  return "fatal";
}

}  // namespace parcours::kafka
