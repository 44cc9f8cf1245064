// A librdkafka mock cluster for component tests (one broker unless told), with one topic. It lives
// in a producer handle of its own, which nothing else uses.
#pragma once

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#include <string>

namespace parcours::testing {

class MockKafka {
 public:
  MockKafka() = default;
  MockKafka(const MockKafka&) = delete;
  MockKafka& operator=(const MockKafka&) = delete;
  ~MockKafka() {
    if (mock_) rd_kafka_mock_cluster_destroy(mock_);
    if (host_) rd_kafka_destroy(host_);
  }

  // Starts the cluster with `topic` of `partitions` partitions; "" or the problem.
  std::string start(const char* topic, int partitions, int brokers = 1) {
    char err[256];
    rd_kafka_conf_t* conf = rd_kafka_conf_new();
    rd_kafka_conf_set(conf, "log_level", "0", err, sizeof err);
    host_ = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof err);
    if (!host_) return err;
    mock_ = rd_kafka_mock_cluster_new(host_, brokers);
    if (!mock_) return "no mock cluster";
    if (rd_kafka_mock_topic_create(mock_, topic, partitions, 1) != RD_KAFKA_RESP_ERR_NO_ERROR) {
      return "topic not created";
    }
    return {};
  }
  const char* bootstraps() const { return rd_kafka_mock_cluster_bootstraps(mock_); }
  rd_kafka_mock_cluster_t* cluster() const { return mock_; }

 private:
  rd_kafka_t* host_ = nullptr;
  rd_kafka_mock_cluster_t* mock_ = nullptr;
};

}  // namespace parcours::testing
