// A fenced or failing transactional producer is recovered from without losing or duplicating a
// command (ARCHITECTURE §3, §9).
//
// The processor's own transaction code (write_batch, recovery_for, recover_producer) runs
// against the librdkafka mock cluster with errors injected into the broker's answers. A ledger
// counts, per command, the transactions that committed it: every command must end committed
// exactly once, whatever failed on the way. (The mock does not filter aborted records, so the
// ledger, fed only by successful commits, is the witness; the real broker test is in
// tests/integration.)
#include <gtest/gtest.h>
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#include <map>
#include <memory>
#include <string>

#include "processor/transaction.h"
#include "support/mock_kafka.h"

namespace parcours::processor {
namespace {

// Kafka protocol API keys (the mock's error injection is by API key).
constexpr int16_t kProduce = 0;
constexpr int16_t kEndTxn = 26;
constexpr int16_t kAddPartitionsToTxn = 24;

class MockCluster : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(kafka_.start("events", 4), "");
    mock_ = kafka_.cluster();
    settings_.brokers = kafka_.bootstraps();
    settings_.statistics_interval_ms = 0;
    settings_.passthrough = {"log_level=0", "transaction.timeout.ms=5000",
                             "message.timeout.ms=4000", "retry.backoff.ms=10"};
  }

  std::unique_ptr<kafka::TransactionalProducer> make(std::string* error) {
    return kafka::TransactionalProducer::create(settings_, "processor-under-test", error, 10000);
  }

  // Commits `commands` in batches of `batch`, calling inject(batch index, attempt) before each
  // attempt, recovering as the processor does. Returns how many times each command was
  // committed, and records the failure kinds seen.
  std::map<int, int> run(int commands, int batch, const std::function<void(int, int)>& inject) {
    std::map<int, int> committed;
    std::string error;
    auto producer = make(&error);
    EXPECT_NE(producer, nullptr) << error;
    if (!producer) return committed;
    for (int b = 0; b * batch < commands; ++b) {
      std::vector<OutRecord> records;
      for (int c = b * batch; c < std::min(commands, (b + 1) * batch); ++c) {
        records.push_back({"events", c % 4, "command-" + std::to_string(c),
                           std::string(R"({"seq":)") + std::to_string(c) + "}"});
      }
      bool done = false;
      for (int attempt = 0; attempt < 6 && !done; ++attempt) {
        inject(b, attempt);
        const kafka::KafkaStatus s = write_batch(*producer, records, {}, nullptr);
        if (s.ok()) {
          long delivered = 0;
          for (const auto& [tp, last] : producer->delivered()) delivered += last >= 0 ? 1 : 0;
          EXPECT_GT(delivered, 0);
          for (int c = b * batch; c < std::min(commands, (b + 1) * batch); ++c) ++committed[c];
          done = true;
          continue;
        }
        failures_.push_back(s.failure);
        producer = recover_producer(
            std::move(producer), s, [this](std::string* e) { return make(e); }, &error);
        EXPECT_NE(producer, nullptr) << error;
        if (!producer) return committed;
      }
      EXPECT_TRUE(done) << "batch " << b << " never committed";
    }
    return committed;
  }

  void expect_each_once(const std::map<int, int>& committed, int commands) {
    ASSERT_EQ(static_cast<int>(committed.size()), commands) << "a command was lost";
    for (const auto& [c, n] : committed) EXPECT_EQ(n, 1) << "command " << c << " committed " << n;
  }

  testing::MockKafka kafka_;
  rd_kafka_mock_cluster_t* mock_ = nullptr;
  kafka::KafkaSettings settings_;
  std::vector<kafka::Failure> failures_;
};

TEST_F(MockCluster, NoFailureCommitsEachCommandOnce) {
  auto committed = run(60, 10, [](int, int) {});
  expect_each_once(committed, 60);
  EXPECT_TRUE(failures_.empty());
}

TEST_F(MockCluster, FencedProducerIsRecreatedAndTheBatchCommittedOnce) {
  // The coordinator answers the commit of batch 2 with PRODUCER_FENCED: a fatal error for that
  // producer. The processor destroys it, creates a new one (a new epoch) and redoes the batch.
  auto committed = run(60, 10, [this](int b, int attempt) {
    if (b == 2 && attempt == 0) {
      rd_kafka_mock_push_request_errors(mock_, kEndTxn, 1, RD_KAFKA_RESP_ERR_PRODUCER_FENCED);
    }
  });
  expect_each_once(committed, 60);
  ASSERT_EQ(failures_.size(), 1u);
  EXPECT_EQ(failures_[0], kafka::Failure::fatal);
  EXPECT_EQ(recovery_for({failures_[0], ""}), Recovery::recreate_and_rewind);
}

TEST_F(MockCluster, FailedProduceAbortsAndTheBatchIsRedoneOnce) {
  // Every produce of batch 1's first attempt is refused for good: the transaction becomes
  // abortable; the processor aborts it and redoes the batch with the same producer.
  auto committed = run(50, 10, [this](int b, int attempt) {
    if (b == 1 && attempt == 0) {
      rd_kafka_mock_push_request_errors(
          mock_, kProduce, 4, RD_KAFKA_RESP_ERR_INVALID_RECORD, RD_KAFKA_RESP_ERR_INVALID_RECORD,
          RD_KAFKA_RESP_ERR_INVALID_RECORD, RD_KAFKA_RESP_ERR_INVALID_RECORD);
    }
  });
  expect_each_once(committed, 50);
  ASSERT_FALSE(failures_.empty());
  EXPECT_EQ(failures_[0], kafka::Failure::abortable);
}

TEST_F(MockCluster, CoordinatorHiccupsAreRetriedWithoutDuplicates) {
  // The coordinator is briefly unavailable while partitions are added and at commit: both are
  // retried; no batch is committed twice.
  auto committed = run(40, 10, [this](int b, int attempt) {
    if (b == 1 && attempt == 0) {
      rd_kafka_mock_push_request_errors(mock_, kAddPartitionsToTxn, 2,
                                        RD_KAFKA_RESP_ERR_COORDINATOR_NOT_AVAILABLE,
                                        RD_KAFKA_RESP_ERR_CONCURRENT_TRANSACTIONS);
      rd_kafka_mock_push_request_errors(mock_, kEndTxn, 1,
                                        RD_KAFKA_RESP_ERR_COORDINATOR_NOT_AVAILABLE);
    }
  });
  expect_each_once(committed, 40);
}

}  // namespace
}  // namespace parcours::processor
