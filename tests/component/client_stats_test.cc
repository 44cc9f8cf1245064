// A named client built by make_conf() hands librdkafka's statistics to ClientStats, which turns
// them into series (kafka/client_stats.h); against the librdkafka mock cluster, whose broker
// answers as a real one would.
#include "kafka/client_stats.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <thread>

#include <prometheus/registry.h>

#include "kafka/kafka_settings.h"
#include "support/mock_kafka.h"

namespace parcours::kafka {
namespace {

class ClientStatsComponentTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_EQ(kafka_.start("log", 2), ""); }

  // The largest value of `name` among the series of `client` (one per broker for the broker
  // figures: the client need not talk to every broker), if there is a series.
  std::optional<double> value(const std::string& name, const std::string& client) {
    std::optional<double> best;
    for (const auto& family : registry_.Collect()) {
      if (family.name != name) continue;
      for (const auto& m : family.metric) {
        for (const auto& l : m.label) {
          if (l.name != "client" || l.value != client) continue;
          const double v =
              family.type == prometheus::MetricType::Counter ? m.counter.value : m.gauge.value;
          best = best ? std::max(*best, v) : v;
        }
      }
    }
    return best;
  }

  testing::MockKafka kafka_;
  prometheus::Registry registry_;
  ClientStats stats_{registry_, 100};
};

TEST_F(ClientStatsComponentTest, AProducersStatisticsBecomeSeries) {
  KafkaSettings s;
  s.brokers = kafka_.bootstraps();
  s.statistics_interval_ms = 100;
  s.stats = &stats_;
  std::string error;
  auto conf = make_conf(named(s, "test-producer"), ClientRole::idempotent_producer, {}, &error);
  ASSERT_TRUE(conf) << error;
  std::unique_ptr<RdKafka::Producer> producer(RdKafka::Producer::create(conf.get(), error));
  ASSERT_TRUE(producer) << error;
  for (int i = 0; i < 10; ++i) {
    std::string v = "value-" + std::to_string(i);
    ASSERT_EQ(producer->produce("log", RdKafka::Topic::PARTITION_UA, RdKafka::Producer::RK_MSG_COPY,
                                v.data(), v.size(), nullptr, 0, 0, nullptr),
              RdKafka::ERR_NO_ERROR);
  }
  ASSERT_EQ(producer->flush(10000), RdKafka::ERR_NO_ERROR);
  // Statistics are handed over inside a poll. A document taken before the flush ended may be
  // handed over after it, still counting queued messages: wait for one taken after it (every
  // 100 ms).
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while ((value("parcours_kafka_sent_bytes_total", "test-producer").value_or(0) <= 0 ||
          value("parcours_kafka_producer_queue_messages", "test-producer").value_or(-1) != 0) &&
         std::chrono::steady_clock::now() < deadline) {
    producer->poll(50);
  }
  EXPECT_GT(value("parcours_kafka_sent_bytes_total", "test-producer").value_or(0), 0);
  EXPECT_EQ(value("parcours_kafka_broker_up", "test-producer"), 1);
  EXPECT_EQ(value("parcours_kafka_producer_queue_messages", "test-producer"), 0);
  producer.reset();
}

}  // namespace
}  // namespace parcours::kafka
