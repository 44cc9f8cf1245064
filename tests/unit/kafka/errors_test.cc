// Every class of Kafka failure (kafka/errors.h), one code of each, and what is unclassified.
#include "kafka/errors.h"

#include <gtest/gtest.h>

namespace parcours::kafka {
namespace {

TEST(KafkaErrors, SuccessIsNoFailure) {
  EXPECT_TRUE(classify(RdKafka::ERR_NO_ERROR).ok());
  EXPECT_TRUE(classify(static_cast<RdKafka::Error*>(nullptr)).ok());
}

TEST(KafkaErrors, LeadersAndCoordinatorsMovingAreRetriable) {
  for (auto code :
       {RdKafka::ERR__TRANSPORT, RdKafka::ERR_NOT_LEADER_FOR_PARTITION,
        RdKafka::ERR_LEADER_NOT_AVAILABLE, RdKafka::ERR_COORDINATOR_LOAD_IN_PROGRESS,
        RdKafka::ERR_NOT_COORDINATOR, RdKafka::ERR__TIMED_OUT, RdKafka::ERR__ALL_BROKERS_DOWN}) {
    EXPECT_EQ(classify(code).failure, Failure::retriable) << RdKafka::err2str(code);
  }
}

// A serve started right after `parcours topics` was refused by a broker that did not have the
// new topics in its metadata yet, and ended: the registry's first read took it as fatal.
TEST(KafkaErrors, ATopicNotYetKnownToABrokerIsRetriable) {
  const KafkaStatus s = classify(RdKafka::ERR_UNKNOWN_TOPIC_OR_PART);
  EXPECT_EQ(s.failure, Failure::retriable);
  EXPECT_FALSE(s.message.empty());
}

TEST(KafkaErrors, AFencedEpochIsAbortable) {
  EXPECT_EQ(classify(RdKafka::ERR_INVALID_PRODUCER_EPOCH).failure, Failure::abortable);
  EXPECT_EQ(classify(RdKafka::ERR__MSG_TIMED_OUT).failure, Failure::abortable);
}

TEST(KafkaErrors, AnythingUnclassifiedIsFatal) {
  for (auto code : {RdKafka::ERR_TOPIC_AUTHORIZATION_FAILED, RdKafka::ERR__FATAL,
                    RdKafka::ERR_MSG_SIZE_TOO_LARGE, RdKafka::ERR_UNKNOWN}) {
    EXPECT_EQ(classify(code).failure, Failure::fatal) << RdKafka::err2str(code);
  }
}

}  // namespace
}  // namespace parcours::kafka
