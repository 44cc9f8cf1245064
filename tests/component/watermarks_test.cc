// WatermarkQuery: a query whose partition leader has died is asked again by fresh workers, and
// the first answer wins. Against the librdkafka mock cluster, which lets a test take a broker
// down and move a partition's leader; the figures of the same path on the real three-broker
// cluster are the fault campaign's broker kills (tests/faults, docs/reliability.md).
#include "kafka/watermarks.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "support/mock_kafka.h"

namespace parcours::kafka {
namespace {

using Clock = std::chrono::steady_clock;

class WatermarkQueryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(kafka_.start("org", 1, 2), "");
    ASSERT_EQ(rd_kafka_mock_partition_set_leader(kafka_.cluster(), "org", 0, 1),
              RD_KAFKA_RESP_ERR_NO_ERROR);
    settings_.brokers = kafka_.bootstraps();
    settings_.passthrough = {"log_level=0"};
  }

  // Ends the query in `timeout_ms`; the status, and how long it took in *ms.
  KafkaStatus ask(WatermarkQuery& q, int timeout_ms, long* ms) {
    WatermarkQuery::Offsets out;
    const auto started = Clock::now();
    auto s = q.end_offsets({{"org", 0}}, &out, timeout_ms);
    *ms = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started).count();
    if (s.ok()) {
      EXPECT_EQ(out.count({"org", 0}), 1u);
    }
    return s;
  }

  // The leader of org/0 dies and broker 2 takes over.
  void move_leader() {
    ASSERT_EQ(rd_kafka_mock_broker_set_down(kafka_.cluster(), 1), RD_KAFKA_RESP_ERR_NO_ERROR);
    ASSERT_EQ(rd_kafka_mock_partition_set_leader(kafka_.cluster(), "org", 0, 2),
              RD_KAFKA_RESP_ERR_NO_ERROR);
  }

  testing::MockKafka kafka_;
  KafkaSettings settings_;
};

TEST_F(WatermarkQueryTest, AFreshWorkerAnswersWhileTheKeptOneWaitsForTheDeadLeader) {
  WatermarkQuery q(settings_);
  long ms = 0;
  ASSERT_TRUE(ask(q, 5000, &ms).ok());
  move_leader();
  const auto s = ask(q, 5000, &ms);
  EXPECT_TRUE(s.ok()) << s.message;
  EXPECT_LT(ms, 3000);
  // Answered: the next query is served by the worker that answered, at once.
  ASSERT_TRUE(ask(q, 5000, &ms).ok());
  EXPECT_LT(ms, 1000);
}

TEST_F(WatermarkQueryTest, WithoutAFreshWorkerTheQueryWaitsOutItsTime) {
  // The same failover with hedging off: the kept worker does not find the new leader by
  // itself, which is what the fresh workers are for. (If librdkafka ever does, this test says
  // so.) Its offsets-for-times request gives up at its timeout, or stays stuck (then the worker
  // is abandoned): either way the call fails in its time.
  WatermarkQuery q(settings_, /*hedge_ms=*/1000000);
  long ms = 0;
  ASSERT_TRUE(ask(q, 5000, &ms).ok());
  move_leader();
  const auto s = ask(q, 2000, &ms);
  EXPECT_EQ(s.failure, Failure::retriable) << s.message;
  EXPECT_GE(ms, 2000);
  EXPECT_LT(ms, 4000);
  EXPECT_LE(q.abandoned(), 1);
}

TEST_F(WatermarkQueryTest, AQueryNobodyCanAnswerFailsRetriablyInItsTime) {
  WatermarkQuery q(settings_);
  long ms = 0;
  ASSERT_TRUE(ask(q, 5000, &ms).ok());
  ASSERT_EQ(rd_kafka_mock_broker_set_down(kafka_.cluster(), 1), RD_KAFKA_RESP_ERR_NO_ERROR);
  const auto s = ask(q, 1500, &ms);
  EXPECT_EQ(s.failure, Failure::retriable) << s.message;
  EXPECT_GE(ms, 1500);
  EXPECT_LT(ms, 3000);
  // One fresh worker per kHedgeMs at most, until the call's deadline (its time + 500 ms).
  EXPECT_LE(q.abandoned(), static_cast<long>((1500 + 500) / WatermarkQuery::kHedgeMs) + 1);
}

}  // namespace
}  // namespace parcours::kafka
