// librdkafka statistics documents become Prometheus series (kafka/client_stats.h), and nothing
// a document holds, well-formed or not, throws out of the update or the event callback. The
// documents are those of librdkafka 2.0.2 against a single broker, cut to a few partitions.
#include "kafka/client_stats.h"

#include <gtest/gtest.h>

#include <optional>
#include <regex>
#include <stdexcept>
#include <string>

#include <prometheus/registry.h>

#include "kafka/kafka_settings.h"

namespace parcours::kafka {
namespace {

using namespace std::chrono_literals;

// A reader (the projector's) assigned partitions 0 and 1 of its topic: 0 consumed up to 12 of
// 20, 1 not consumed yet but committed at 30 of 40; 2 is only known from the metadata.
constexpr const char* kConsumer = R"({
  "name": "parcours#consumer-3", "client_id": "parcours", "type": "consumer",
  "ts": 49975600506, "time": 1796283105, "age": 4003108, "replyq": 2, "msg_cnt": 0,
  "msg_size": 0, "msg_max": 0, "msg_size_max": 0, "simple_cnt": 0, "metadata_cache_cnt": 1,
  "tx": 15, "tx_bytes": 1444, "rx": 14, "rx_bytes": 5165, "txmsgs": 0, "txmsg_bytes": 0,
  "rxmsgs": 22, "rxmsg_bytes": 2237,
  "brokers": {
    "127.0.0.1:29092/1": {
      "name": "127.0.0.1:29092/1", "nodeid": 1, "nodename": "127.0.0.1:29092",
      "source": "configured", "state": "UP", "stateage": 3994412, "outbuf_cnt": 0,
      "outbuf_msg_cnt": 0, "waitresp_cnt": 1, "waitresp_msg_cnt": 0, "tx": 14, "txbytes": 1377,
      "txerrs": 0, "txretries": 0, "req_timeouts": 0, "rx": 13, "rxbytes": 4496, "rxerrs": 1,
      "connects": 1, "disconnects": 0,
      "rtt": {"min": 502834, "max": 502834, "avg": 502834, "sum": 502834, "stddev": 0,
              "p50": 503807, "p75": 503807, "p90": 503807, "p95": 503807, "p99": 503807,
              "p99_99": 503807, "outofrange": 0, "hdrsize": 13424, "cnt": 1},
      "toppars": {"it.journey-events.v1-0": {"topic": "it.journey-events.v1", "partition": 0}}
    },
    "127.0.0.1:29093/2": {
      "name": "127.0.0.1:29093/2", "nodeid": 2, "nodename": "127.0.0.1:29093",
      "source": "learned", "state": "CONNECT", "outbuf_cnt": 3, "outbuf_msg_cnt": 0,
      "waitresp_cnt": 0, "txerrs": 2, "rxerrs": 0,
      "rtt": {"min": 0, "max": 0, "avg": 0, "sum": 0, "p99": 0, "cnt": 0}
    },
    "127.0.0.1:29094/3": {
      "name": "127.0.0.1:29094/3", "nodeid": 3, "source": "learned", "state": "INIT",
      "outbuf_cnt": 0, "waitresp_cnt": 0, "txerrs": 0, "rxerrs": 0
    },
    "127.0.0.1:29092/bootstrap": {
      "name": "127.0.0.1:29092/bootstrap", "nodeid": -1, "source": "configured",
      "state": "DOWN", "waitresp_cnt": 0
    },
    "GroupCoordinator": {
      "name": "GroupCoordinator", "nodeid": 1, "nodename": "127.0.0.1:29092",
      "source": "logical", "state": "UP", "waitresp_cnt": 0, "txerrs": 0, "rxerrs": 0
    }
  },
  "topics": {
    "it.journey-events.v1": {
      "topic": "it.journey-events.v1", "age": 4001, "metadata_age": 3000,
      "partitions": {
        "0": {"partition": 0, "broker": 1, "leader": 1, "desired": true, "unknown": false,
              "fetch_state": "active", "app_offset": 12, "stored_offset": 12,
              "committed_offset": -1001, "ls_offset": 20, "hi_offset": 21,
              "consumer_lag": -1, "consumer_lag_stored": 8},
        "1": {"partition": 1, "broker": 1, "leader": 1, "desired": true, "unknown": false,
              "fetch_state": "active", "app_offset": -1001, "stored_offset": -1001,
              "committed_offset": 30, "ls_offset": 40, "hi_offset": 40,
              "consumer_lag": 10, "consumer_lag_stored": -1},
        "2": {"partition": 2, "broker": 1, "leader": 1, "desired": false, "unknown": false,
              "fetch_state": "none", "app_offset": -1001, "stored_offset": -1001,
              "committed_offset": -1001, "ls_offset": -1001, "hi_offset": -1001,
              "consumer_lag": -1, "consumer_lag_stored": -1},
        "-1": {"partition": -1, "broker": -1, "leader": -1, "desired": false,
               "fetch_state": "none", "app_offset": -1001, "ls_offset": -1001,
               "consumer_lag": -1}
      }
    }
  }
})";

// A producer's document: `handle` names the librdkafka handle, `tx_bytes` its total sent.
std::string producer(const std::string& handle, long tx_bytes, long queued = 7) {
  return R"({"name": ")" + handle + R"(", "client_id": "parcours", "type": "producer",
    "replyq": 0, "msg_cnt": )" +
         std::to_string(queued) + R"(, "msg_size": 700, "tx_bytes": )" + std::to_string(tx_bytes) +
         R"(, "rx_bytes": 100,
    "brokers": {"127.0.0.1:29092/1": {"name": "127.0.0.1:29092/1", "nodeid": 1,
      "source": "configured", "state": "UP", "outbuf_cnt": 0, "outbuf_msg_cnt": 4,
      "waitresp_cnt": 2, "txerrs": 0, "rxerrs": 0,
      "rtt": {"avg": 1500, "p99": 3391, "cnt": 34}}},
    "topics": {}})";
}

class ClientStatsTest : public ::testing::Test {
 protected:
  // The value of the series of `name` whose labels include `labels`, if there is one.
  std::optional<double> value(const std::string& name, const prometheus::Labels& labels) {
    for (const auto& family : registry_.Collect()) {
      if (family.name != name) continue;
      for (const auto& m : family.metric) {
        std::size_t matched = 0;
        for (const auto& l : m.label) {
          auto it = labels.find(l.name);
          if (it != labels.end() && it->second == l.value) ++matched;
        }
        if (matched != labels.size()) continue;
        return family.type == prometheus::MetricType::Counter ? m.counter.value : m.gauge.value;
      }
    }
    return std::nullopt;
  }
  // Series of `name` now.
  std::size_t count(const std::string& name) {
    for (const auto& family : registry_.Collect()) {
      if (family.name == name) return family.metric.size();
    }
    return 0;
  }
  double failures() { return value("parcours_kafka_stats_failures_total", {}).value_or(-1); }

  prometheus::Registry registry_;
  ClientStats stats_{registry_, 5000};
  const ClientStats::Clock::time_point t0_ = ClientStats::Clock::now();
};

TEST_F(ClientStatsTest, AConsumerDocumentBecomesSeries) {
  ASSERT_TRUE(stats_.update("projector-reader", kConsumer, t0_));
  const prometheus::Labels b1{{"client", "projector-reader"}, {"broker", "127.0.0.1:29092/1"}};
  const prometheus::Labels b2{{"client", "projector-reader"}, {"broker", "127.0.0.1:29093/2"}};
  EXPECT_EQ(value("parcours_kafka_broker_up", b1), 1);
  EXPECT_EQ(value("parcours_kafka_broker_up", b2), 0);  // connecting
  // Never needed (INIT), not yet identified (bootstrap), or logical: not a broker of its own.
  EXPECT_EQ(count("parcours_kafka_broker_up"), 2u);
  EXPECT_DOUBLE_EQ(*value("parcours_kafka_broker_rtt_avg_seconds", b1), 0.502834);
  EXPECT_DOUBLE_EQ(*value("parcours_kafka_broker_rtt_p99_seconds", b1), 0.503807);
  EXPECT_FALSE(value("parcours_kafka_broker_rtt_p99_seconds", b2));  // no request: no rtt
  EXPECT_EQ(value("parcours_kafka_broker_requests_in_flight", b1), 1);
  EXPECT_EQ(value("parcours_kafka_broker_requests_queued", b2), 3);
  EXPECT_EQ(
      value("parcours_kafka_broker_errors_total",
            {{"client", "projector-reader"}, {"broker", "127.0.0.1:29092/1"}, {"direction", "rx"}}),
      1);
  EXPECT_EQ(
      value("parcours_kafka_broker_errors_total",
            {{"client", "projector-reader"}, {"broker", "127.0.0.1:29093/2"}, {"direction", "tx"}}),
      2);
  EXPECT_EQ(value("parcours_kafka_reply_queue_events", {{"client", "projector-reader"}}), 2);
  EXPECT_FALSE(value("parcours_kafka_producer_queue_messages", {{"client", "projector-reader"}}));
  EXPECT_EQ(value("parcours_kafka_sent_bytes_total", {{"client", "projector-reader"}}), 1444);
  EXPECT_EQ(value("parcours_kafka_received_bytes_total", {{"client", "projector-reader"}}), 5165);
  // To the last stable offset, from what the application was given, else what was committed;
  // partitions not assigned are left out.
  const std::string topic = "it.journey-events.v1";
  EXPECT_EQ(value("parcours_kafka_consumer_lag_records",
                  {{"client", "projector-reader"}, {"topic", topic}, {"partition", "0"}}),
            8);
  EXPECT_EQ(value("parcours_kafka_consumer_lag_records",
                  {{"client", "projector-reader"}, {"topic", topic}, {"partition", "1"}}),
            10);
  EXPECT_EQ(count("parcours_kafka_consumer_lag_records"), 2u);
  EXPECT_EQ(failures(), 0);
}

TEST_F(ClientStatsTest, AProducerDocumentGivesItsQueue) {
  ASSERT_TRUE(stats_.update("access-log-producer", producer("parcours#producer-2", 5311), t0_));
  const prometheus::Labels b{{"client", "access-log-producer"}, {"broker", "127.0.0.1:29092/1"}};
  EXPECT_EQ(value("parcours_kafka_producer_queue_messages", {{"client", "access-log-producer"}}),
            7);
  EXPECT_EQ(value("parcours_kafka_broker_messages_queued", b), 4);
  EXPECT_EQ(value("parcours_kafka_broker_requests_in_flight", b), 2);
  EXPECT_DOUBLE_EQ(*value("parcours_kafka_broker_rtt_p99_seconds", b), 0.003391);
}

TEST_F(ClientStatsTest, BytesCountOnAcrossHandlesOfOneName) {
  stats_.update("processor-producer", producer("parcours#producer-1", 1000), t0_);
  stats_.update("processor-producer", producer("parcours#producer-1", 1500), t0_ + 5s);
  EXPECT_EQ(value("parcours_kafka_sent_bytes_total", {{"client", "processor-producer"}}), 1500);
  // Re-created: the new handle counts from zero, the series goes on from where it was.
  stats_.update("processor-producer", producer("parcours#producer-9", 200), t0_ + 10s);
  EXPECT_EQ(value("parcours_kafka_sent_bytes_total", {{"client", "processor-producer"}}), 1700);
  stats_.update("processor-producer", producer("parcours#producer-9", 300), t0_ + 15s);
  EXPECT_EQ(value("parcours_kafka_sent_bytes_total", {{"client", "processor-producer"}}), 1800);
}

TEST_F(ClientStatsTest, SeriesNoLongerReportedGo) {
  stats_.update("projector-reader", kConsumer, t0_);
  EXPECT_EQ(count("parcours_kafka_consumer_lag_records"), 2u);
  // The next document lists no partition and no broker: revoked, disconnected from metadata.
  stats_.update("projector-reader", R"({"name": "parcours#consumer-3", "type": "consumer",
    "replyq": 0, "tx_bytes": 1500, "rx_bytes": 5200, "brokers": {}, "topics": {}})",
                t0_ + 5s);
  EXPECT_EQ(count("parcours_kafka_consumer_lag_records"), 0u);
  EXPECT_EQ(count("parcours_kafka_broker_up"), 0u);
  EXPECT_EQ(value("parcours_kafka_reply_queue_events", {{"client", "projector-reader"}}), 0);
  // Counters stay.
  EXPECT_EQ(value("parcours_kafka_sent_bytes_total", {{"client", "projector-reader"}}), 1500);
}

TEST_F(ClientStatsTest, AClientThatStopsReportingLosesItsGauges) {
  stats_.update("catch-up-reader", kConsumer, t0_);
  stats_.update("access-log-producer", producer("parcours#producer-2", 10), t0_ + 10s);
  EXPECT_EQ(count("parcours_kafka_consumer_lag_records"), 2u);  // two intervals: not yet
  stats_.update("access-log-producer", producer("parcours#producer-2", 20), t0_ + 16s);
  EXPECT_EQ(count("parcours_kafka_consumer_lag_records"), 0u);
  EXPECT_FALSE(value("parcours_kafka_broker_up", {{"client", "catch-up-reader"}}));
  EXPECT_EQ(value("parcours_kafka_broker_up", {{"client", "access-log-producer"}}), 1);
  EXPECT_EQ(value("parcours_kafka_sent_bytes_total", {{"client", "catch-up-reader"}}), 1444);
}

TEST_F(ClientStatsTest, MalformedDocumentsNeverThrowAndAreCounted) {
  for (const char* doc : {"", "{", "not json", "{\"brokers\": {\"b\": ", "\xff\xfe\x00"}) {
    EXPECT_NO_THROW(EXPECT_FALSE(stats_.update("projector-reader", doc, t0_))) << doc;
  }
  EXPECT_FALSE(stats_.update("projector-reader", "[1, 2]", t0_));
  EXPECT_FALSE(stats_.update("projector-reader", "null", t0_));
  EXPECT_EQ(failures(), 7);
  // Well-formed JSON of unexpected shapes: what cannot be read is left out, the rest is read.
  for (const char* doc : {
           R"({"brokers": 3, "topics": "none", "replyq": "many"})",
           R"({"name": 5, "brokers": {"b": {"nodeid": "one", "state": 1}}})",
           R"({"brokers": {"b": {"nodeid": 1, "rtt": {"cnt": 2}, "waitresp_cnt": []}}})",
           R"({"topics": {"t": {"partitions": {"0": {"partition": 0, "desired": "yes"}}}}})",
           R"({"topics": {"t": {"partitions": [1, 2, {"partition": 0}]}}})",
           R"({"topics": {"t": {"partitions": {"0": 7, "1": {"partition": 1, "desired": true,
               "app_offset": 5, "ls_offset": 1e300}}}}})",
           R"({"tx_bytes": -5, "rx_bytes": 1e300})",
       }) {
    EXPECT_NO_THROW(EXPECT_TRUE(stats_.update("projector-reader", doc, t0_))) << doc;
  }
  EXPECT_EQ(failures(), 7);
  ASSERT_TRUE(stats_.update("projector-reader", R"({"replyq": "many", "brokers": {"b": {"nodeid": 1,
      "state": "UP", "waitresp_cnt": [], "rtt": "fast"}}})",
                            t0_));
  EXPECT_EQ(value("parcours_kafka_broker_up", {{"client", "projector-reader"}, {"broker", "b"}}),
            1);
  EXPECT_FALSE(value("parcours_kafka_broker_requests_in_flight", {{"broker", "b"}}));
  EXPECT_FALSE(value("parcours_kafka_broker_rtt_p99_seconds", {{"broker", "b"}}));
  EXPECT_FALSE(value("parcours_kafka_reply_queue_events", {{"client", "projector-reader"}}));
}

// An event as librdkafka's C++ binding hands it over.
class FakeEvent : public RdKafka::Event {
 public:
  FakeEvent(Type type, std::string str, bool throws = false)
      : type_(type), str_(std::move(str)), throws_(throws) {}
  Type type() const override { return type_; }
  RdKafka::ErrorCode err() const override { return RdKafka::ERR__TRANSPORT; }
  Severity severity() const override { return EVENT_SEVERITY_WARNING; }
  std::string fac() const override { return "FAIL"; }
  std::string str() const override {
    if (throws_) throw std::runtime_error("no memory");
    return str_;
  }
  int throttle_time() const override { return 0; }
  std::string broker_name() const override { return ""; }
  int broker_id() const override { return 0; }
  bool fatal() const override { return false; }

 private:
  Type type_;
  std::string str_;
  bool throws_;
};

TEST_F(ClientStatsTest, TheCallbackTakesStatisticsAndWritesLogsAsLibrdkafkaDoes) {
  RdKafka::EventCb* cb = stats_.callback("replies-reader");
  EXPECT_EQ(cb, stats_.callback("replies-reader"));  // one per name
  FakeEvent stats(RdKafka::Event::EVENT_STATS, kConsumer);
  cb->event_cb(stats);
  EXPECT_EQ(value("parcours_kafka_broker_up",
                  {{"client", "replies-reader"}, {"broker", "127.0.0.1:29092/1"}}),
            1);

  testing::internal::CaptureStderr();
  FakeEvent log(RdKafka::Event::EVENT_LOG, "127.0.0.1:29092/1: Disconnected");
  cb->event_cb(log);
  FakeEvent error(RdKafka::Event::EVENT_ERROR, "1/1 brokers are down");
  cb->event_cb(error);
  const std::string out = testing::internal::GetCapturedStderr();
  EXPECT_TRUE(std::regex_search(
      out, std::regex(R"(^%4\|[0-9]+\.[0-9]{3}\|FAIL\|replies-reader\| 127\.0\.0\.1:29092/1: )"
                      R"(Disconnected\n%3\|)")))
      << out;
  EXPECT_NE(out.find("|ERROR|replies-reader| replies-reader: Local: Broker transport failure: "
                     "1/1 brokers are down\n"),
            std::string::npos)
      << out;
}

TEST_F(ClientStatsTest, NothingThrowsOutOfTheCallback) {
  RdKafka::EventCb* cb = stats_.callback("projector-reader");
  for (auto type : {RdKafka::Event::EVENT_STATS, RdKafka::Event::EVENT_LOG,
                    RdKafka::Event::EVENT_ERROR, RdKafka::Event::EVENT_THROTTLE}) {
    FakeEvent broken(type, "", true);
    EXPECT_NO_THROW(cb->event_cb(broken));
    FakeEvent garbage(type, "{{{");
    testing::internal::CaptureStderr();
    EXPECT_NO_THROW(cb->event_cb(garbage));
    (void)testing::internal::GetCapturedStderr();
  }
  EXPECT_EQ(failures(), 1);  // the garbage statistics
}

TEST(KafkaSettingsStats, OnlyNamedClientsReportStatistics) {
  prometheus::Registry registry;
  ClientStats stats(registry, 5000);
  KafkaSettings s;
  s.statistics_interval_ms = 1000;
  std::string error;
  std::string interval;
  RdKafka::EventCb* cb = nullptr;

  auto unnamed = make_conf(s, ClientRole::reader, {}, &error);
  ASSERT_TRUE(unnamed) << error;
  ASSERT_EQ(unnamed->get("statistics.interval.ms", interval), RdKafka::Conf::CONF_OK);
  EXPECT_EQ(interval, "0");  // nobody would take them: librdkafka would keep them all

  s.stats = &stats;
  auto no_name = make_conf(s, ClientRole::reader, {}, &error);
  ASSERT_TRUE(no_name) << error;
  ASSERT_EQ(no_name->get("statistics.interval.ms", interval), RdKafka::Conf::CONF_OK);
  EXPECT_EQ(interval, "0");

  auto conf = make_conf(named(s, "projector-reader"), ClientRole::reader, {}, &error);
  ASSERT_TRUE(conf) << error;
  ASSERT_EQ(conf->get("statistics.interval.ms", interval), RdKafka::Conf::CONF_OK);
  EXPECT_EQ(interval, "1000");
  ASSERT_EQ(conf->get(cb), RdKafka::Conf::CONF_OK);
  EXPECT_EQ(cb, stats.callback("projector-reader"));
}

}  // namespace
}  // namespace parcours::kafka
