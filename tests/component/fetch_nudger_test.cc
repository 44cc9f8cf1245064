// FetchNudger (decision 9): a reader that has taken a quarter of a full queue wakes the broker
// of one of its partitions with a watermark query, on the nudger's own thread; an idle reader,
// or one with no partition, sends nothing. Against the librdkafka mock cluster, which answers
// the queries; that a woken broker thread fetches again is shown on the real broker by
// tests/integration/test_readers.py.
#include "kafka/fetch_nudger.h"

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>
#include <thread>

#include "support/mock_kafka.h"

namespace parcours::kafka {
namespace {

class FetchNudgerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(kafka_.start("log", 2), "");
    std::unique_ptr<RdKafka::Conf> c(RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
    std::string e;
    ASSERT_EQ(c->set("bootstrap.servers", kafka_.bootstraps(), e), RdKafka::Conf::CONF_OK);
    ASSERT_EQ(c->set("group.id", "nudger-test", e), RdKafka::Conf::CONF_OK);
    ASSERT_EQ(c->set("log_level", "0", e), RdKafka::Conf::CONF_OK);
    // Stop fetching at 100 messages or 1 MiB: a nudge every 25 messages or 256 KiB taken.
    ASSERT_EQ(c->set("queued.min.messages", "100", e), RdKafka::Conf::CONF_OK);
    ASSERT_EQ(c->set("queued.max.messages.kbytes", "1024", e), RdKafka::Conf::CONF_OK);
    consumer_.reset(RdKafka::KafkaConsumer::create(c.get(), e));
    ASSERT_NE(consumer_, nullptr) << e;
    nudger_ = FetchNudger::for_consumer(*consumer_, *c, {{"log", 0}, {"log", 1}});
  }
  void TearDown() override {
    nudger_.reset();
    if (consumer_) consumer_->close();
    consumer_.reset();
  }

  // Waits until `want` nudges were sent (or 5 s), and returns the count.
  long nudges_after_waiting_for(long want) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (nudger_->nudges() < want && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    // A little longer, so that an extra nudge would be seen too.
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    return nudger_->nudges();
  }

  testing::MockKafka kafka_;
  std::unique_ptr<RdKafka::KafkaConsumer> consumer_;
  std::unique_ptr<FetchNudger> nudger_;
};

TEST_F(FetchNudgerTest, NudgesOnceAQuarterOfTheQueueIsTakenInMessages) {
  nudger_->consumed(24, 24 * 100);
  EXPECT_EQ(nudges_after_waiting_for(0), 0);
  nudger_->consumed(1, 100);
  EXPECT_EQ(nudges_after_waiting_for(1), 1);
  // The count starts again after each nudge.
  nudger_->consumed(24, 24 * 100);
  EXPECT_EQ(nudges_after_waiting_for(1), 1);
  nudger_->consumed(1, 100);
  EXPECT_EQ(nudges_after_waiting_for(2), 2);
}

TEST_F(FetchNudgerTest, NudgesOnceAQuarterOfTheQueueIsTakenInBytes) {
  nudger_->consumed(2, 200 * 1024);
  EXPECT_EQ(nudges_after_waiting_for(0), 0);
  nudger_->consumed(1, 56 * 1024);
  EXPECT_EQ(nudges_after_waiting_for(1), 1);
}

TEST_F(FetchNudgerTest, IdleReaderOrNoPartitionSendsNothing) {
  for (int i = 0; i < 100; ++i) nudger_->consumed(0, 0);
  EXPECT_EQ(nudges_after_waiting_for(0), 0);
  nudger_->set_partitions({});  // e.g. every partition revoked
  nudger_->consumed(1000, 1 << 20);
  EXPECT_EQ(nudges_after_waiting_for(0), 0);
  nudger_->set_partitions({{"log", 1}});
  nudger_->consumed(25, 100);
  EXPECT_EQ(nudges_after_waiting_for(1), 1);
}

}  // namespace
}  // namespace parcours::kafka
