// KnownTopics: a producer learns its topics when made (decision 25), within one bound for all
// of them. Against the librdkafka mock cluster, which lets a test take every broker down.
#include "kafka/known_topics.h"

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>

#include "kafka/kafka_settings.h"
#include "support/mock_kafka.h"

namespace parcours::kafka {
namespace {

using Clock = std::chrono::steady_clock;

class KnownTopicsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(kafka_.start("events", 3, 1), "");
    KafkaSettings s;
    s.brokers = kafka_.bootstraps();
    s.passthrough = {"log_level=0"};
    std::string error;
    auto conf = make_conf(s, ClientRole::idempotent_producer, {}, &error);
    ASSERT_TRUE(conf) << error;
    producer_.reset(RdKafka::Producer::create(conf.get(), error));
    ASSERT_TRUE(producer_) << error;
  }

  parcours::testing::MockKafka kafka_;
  std::unique_ptr<RdKafka::Producer> producer_;
};

TEST_F(KnownTopicsTest, ATopicOfTheClusterIsLearnt) {
  KnownTopics known;
  EXPECT_TRUE(known.learn(*producer_, {"events", ""}, 5000).ok());
}

TEST_F(KnownTopicsTest, TopicsNobodyAnswersForCostOneBoundNotOnePerTopic) {
  ASSERT_EQ(rd_kafka_mock_broker_set_down(kafka_.cluster(), 1), RD_KAFKA_RESP_ERR_NO_ERROR);
  KnownTopics known;
  const auto started = Clock::now();
  const auto s = known.learn(*producer_, {"events", "replies", "keys", "dead-letters"}, 400);
  const auto ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started).count();
  EXPECT_FALSE(s.ok());
  // Four topics at 400 ms each would be 1.6 s; one bound for all is 400 ms and a little.
  EXPECT_LT(ms, 1000) << ms;
}

}  // namespace
}  // namespace parcours::kafka
