// A fenced or failing transactional producer is recovered from without losing or duplicating a
// command (ARCHITECTURE §3, §9).
//
// The processor's own transaction code (write_batch, recovery_for, recover_producer) runs
// against the librdkafka mock cluster with errors injected into the broker's answers. Every
// record carries its command and the attempt (batch, try) that produced it. At the end the log
// is read back from the mock, and each command's records are counted among those of the
// attempts whose commit succeeded: every command must be there exactly once, whatever failed on
// the way. A record produced twice in a transaction, a batch committed by two attempts, or a
// committed attempt whose record is missing, all fail the count. (The mock neither writes
// transaction markers nor filters aborted records, so which attempts committed is what the
// producer was told; the real broker test of exactly-once is in tests/integration.)
#include <gtest/gtest.h>
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#include <chrono>
#include <cstdio>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <thread>

#include "processor/transaction.h"
#include "support/mock_kafka.h"

namespace parcours::processor {
namespace {

// Kafka protocol API keys (the mock's error injection is by API key).
constexpr int16_t kProduce = 0;
constexpr int16_t kEndTxn = 26;
constexpr int16_t kAddPartitionsToTxn = 24;
constexpr int16_t kTxnOffsetCommit = 28;

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
  // attempt, recovering as the processor does. Returns, per command, how many of its records
  // the log holds from committed attempts, and records the failure kinds seen.
  std::map<int, int> run(int commands, int batch, const std::function<void(int, int)>& inject) {
    std::set<std::pair<int, int>> committed;  // (batch, attempt)
    std::string error;
    auto producer = make(&error);
    EXPECT_NE(producer, nullptr) << error;
    if (!producer) return {};
    for (int b = 0; b * batch < commands; ++b) {
      bool done = false;
      for (int attempt = 0; attempt < 6 && !done; ++attempt) {
        std::vector<OutRecord> records;
        for (int c = b * batch; c < std::min(commands, (b + 1) * batch); ++c) {
          records.push_back(
              {"events", c % 4, "command-" + std::to_string(c),
               std::to_string(c) + " " + std::to_string(b) + " " + std::to_string(attempt)});
        }
        inject(b, attempt);
        const kafka::KafkaStatus s =
            write_batch(*producer, records, {}, nullptr, {}, commit_timeout_ms_);
        if (s.ok()) {
          committed.insert({b, attempt});
          done = true;
          continue;
        }
        failures_.push_back(s.failure);
        bool aborted = true;
        producer = recover_producer(
            std::move(producer), s, [this](std::string* e) { return make(e); }, &error, &aborted);
        EXPECT_NE(producer, nullptr) << error;
        // Only a transaction this producer aborted itself may be decided again without
        // reading the log; a re-created producer may have completed its commit.
        if (s.failure != kafka::Failure::abortable) {
          EXPECT_FALSE(aborted);
        }
        if (aborted) aborts_++;
        if (!producer) return {};
      }
      EXPECT_TRUE(done) << "batch " << b << " never committed";
    }
    producer.reset();
    return count_in_log(committed);
  }

  // Reads the events topic back from the mock: per command, its records that belong to a
  // committed attempt.
  std::map<int, int> count_in_log(const std::set<std::pair<int, int>>& committed) {
    std::string error;
    std::unique_ptr<RdKafka::Conf> conf(RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
    conf->set("bootstrap.servers", settings_.brokers, error);
    conf->set("group.id", "ledger", error);
    conf->set("enable.partition.eof", "true", error);
    conf->set("log_level", "0", error);
    std::unique_ptr<RdKafka::KafkaConsumer> reader(
        RdKafka::KafkaConsumer::create(conf.get(), error));
    EXPECT_TRUE(reader) << error;
    if (!reader) return {};
    std::vector<RdKafka::TopicPartition*> parts;
    for (int p = 0; p < 4; ++p) parts.push_back(RdKafka::TopicPartition::create("events", p, 0));
    EXPECT_EQ(reader->assign(parts), RdKafka::ERR_NO_ERROR);
    RdKafka::TopicPartition::destroy(parts);
    std::map<int, int> counts;
    std::set<int> at_end;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (at_end.size() < 4 && std::chrono::steady_clock::now() < deadline) {
      std::unique_ptr<RdKafka::Message> m(reader->consume(200));
      if (m->err() == RdKafka::ERR__PARTITION_EOF) at_end.insert(m->partition());
      if (m->err() != RdKafka::ERR_NO_ERROR) continue;
      int c = 0, b = 0, attempt = 0;
      const std::string value(static_cast<const char*>(m->payload()), m->len());
      EXPECT_EQ(std::sscanf(value.c_str(), "%d %d %d", &c, &b, &attempt), 3) << value;
      if (committed.count({b, attempt})) ++counts[c];
    }
    EXPECT_EQ(at_end.size(), 4u) << "the log was not read to its end";
    reader->close();
    return counts;
  }

  void expect_each_once(const std::map<int, int>& in_log, int commands) {
    for (int c = 0; c < commands; ++c) {
      auto it = in_log.find(c);
      const int n = it == in_log.end() ? 0 : it->second;
      EXPECT_EQ(n, 1) << "command " << c << " is " << n << " times in the log";
    }
    EXPECT_EQ(static_cast<int>(in_log.size()), commands) << "records of unknown commands";
  }

  testing::MockKafka kafka_;
  rd_kafka_mock_cluster_t* mock_ = nullptr;
  kafka::KafkaSettings settings_;
  std::vector<kafka::Failure> failures_;
  int aborts_ = 0;  // failures the same producer aborted (decided again without the log)
  int commit_timeout_ms_ = kCommitTimeoutMs;
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
  // abortable; the processor re-creates the producer and redoes the batch.
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
  // Even an abortable failure gets a new producer (a new epoch): after an abort, the same
  // producer could reuse the sequence number of an aborted record (transaction.cc).
  EXPECT_EQ(recovery_for({failures_[0], ""}), Recovery::recreate_and_rewind);
  EXPECT_EQ(aborts_, 0);
}

TEST_F(MockCluster, CoordinatorHiccupsAreRecoveredWithoutDuplicates) {
  // The coordinator is briefly unavailable while partitions are added (retried by librdkafka)
  // and at commit: a commit that fails so has an unknown outcome, so the producer is re-created
  // and the batch redone; no command is committed twice.
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

TEST_F(MockCluster, ACommitThatTimesOutIsNeverRetriedButRecreatesTheProducer) {
  // The coordinator answers batch 1's commit (and librdkafka's own retry of it) after 20 s;
  // the commit gives up after 6 s with an unknown outcome. The producer is not asked to commit
  // again (Jepsen, 2024): a new one settles the old transaction, and the batch is redone.
  commit_timeout_ms_ = 6000;
  auto committed = run(30, 10, [this](int b, int attempt) {
    if (b == 1 && attempt == 0) {
      rd_kafka_mock_broker_push_request_error_rtts(mock_, 1, kEndTxn, 2, RD_KAFKA_RESP_ERR_NO_ERROR,
                                                   20000, RD_KAFKA_RESP_ERR_NO_ERROR, 20000);
    }
  });
  expect_each_once(committed, 30);
  ASSERT_FALSE(failures_.empty());
  EXPECT_EQ(failures_[0], kafka::Failure::indeterminate);
  EXPECT_EQ(recovery_for({failures_[0], ""}), Recovery::recreate_and_rewind);
  // The new producer settled the old transaction: the batch must be read from the log again,
  // never decided again as if it had aborted, wherever the new producer was allocated.
  EXPECT_EQ(aborts_, 0);
}

TEST_F(MockCluster, SendOffsetsThatRunsOutIsNeverCommittedAndIsRedoneWithoutTheLog) {
  // The new group coordinator answers TxnOffsetCommit with COORDINATOR_LOAD_IN_PROGRESS, as
  // after a broker's kill: librdkafka retries it every 500 ms, and send_offsets gives up at its
  // own bound, before commit() is asked for. The transaction cannot have committed, so the
  // processor decides the batch again at once (no catch-up); the new producer's
  // init_transactions aborts the old transaction.
  std::string error;
  std::unique_ptr<RdKafka::Conf> conf(RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
  conf->set("bootstrap.servers", settings_.brokers, error);
  conf->set("group.id", "processor", error);
  conf->set("log_level", "0", error);
  std::unique_ptr<RdKafka::KafkaConsumer> consumer(
      RdKafka::KafkaConsumer::create(conf.get(), error));
  ASSERT_TRUE(consumer) << error;
  std::unique_ptr<RdKafka::ConsumerGroupMetadata> group(consumer->groupMetadata());
  std::vector<RdKafka::TopicPartition*> offsets{RdKafka::TopicPartition::create("events", 0, 1)};
  auto records = [](int attempt) {
    std::vector<OutRecord> out;
    for (int c = 0; c < 8; ++c) {
      out.push_back({"events", c % 4, "command-" + std::to_string(c),
                     std::to_string(c) + " 0 " + std::to_string(attempt)});
    }
    return out;
  };

  auto producer = make(&error);
  ASSERT_NE(producer, nullptr) << error;
  std::vector<rd_kafka_resp_err_t> loading(40, RD_KAFKA_RESP_ERR_COORDINATOR_LOAD_IN_PROGRESS);
  rd_kafka_mock_push_request_errors_array(mock_, kTxnOffsetCommit, loading.size(), loading.data());
  TransactionPhases phases;
  const auto started = std::chrono::steady_clock::now();
  kafka::KafkaStatus s =
      write_batch(*producer, records(0), offsets, group.get(), {}, kCommitTimeoutMs, &phases, 1000);
  const double waited =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  EXPECT_FALSE(s.ok());
  EXPECT_TRUE(never_committed(phases)) << "commit() was asked for after send_offsets failed";
  EXPECT_LT(waited, 2.5) << "send_offsets did not keep to its own bound";
  rd_kafka_mock_clear_request_errors(mock_, kTxnOffsetCommit);

  bool aborted = true;
  producer = recover_producer(
      std::move(producer), s, [this](std::string* e) { return make(e); }, &error, &aborted);
  ASSERT_NE(producer, nullptr) << error;
  s = write_batch(*producer, records(1), offsets, group.get(), {}, kCommitTimeoutMs, &phases);
  EXPECT_TRUE(s.ok()) << s.message;
  EXPECT_FALSE(never_committed(phases));
  RdKafka::TopicPartition::destroy(offsets);
  producer.reset();
  consumer->close();
  expect_each_once(count_in_log({{0, 1}}), 8);
}

}  // namespace
}  // namespace parcours::processor

namespace parcours::processor {
namespace {

// The group whose offsets the tests send, from a consumer that never joins it.
class WithGroup : public MockCluster {
 protected:
  void SetUp() override {
    MockCluster::SetUp();
    std::string error;
    std::unique_ptr<RdKafka::Conf> conf(RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
    conf->set("bootstrap.servers", settings_.brokers, error);
    conf->set("group.id", "processor", error);
    conf->set("log_level", "0", error);
    consumer_.reset(RdKafka::KafkaConsumer::create(conf.get(), error));
    ASSERT_TRUE(consumer_) << error;
    group_.reset(consumer_->groupMetadata());
  }
  void TearDown() override {
    if (consumer_) consumer_->close();
  }

  static std::vector<OutRecord> records(int attempt) {
    std::vector<OutRecord> out;
    for (int c = 0; c < 8; ++c) {
      out.push_back({"events", c % 4, "command-" + std::to_string(c),
                     std::to_string(c) + " 0 " + std::to_string(attempt)});
    }
    return out;
  }

  // A producer that knows the topic (a new producer's first records wait about a second for
  // its metadata, which would hide what is measured), and a group coordinator that is loading:
  // the next offsets are answered COORDINATOR_LOAD_IN_PROGRESS twice, retried every 500 ms.
  std::unique_ptr<kafka::TransactionalProducer> producer_with_loading_coordinator() {
    std::string error;
    auto producer = make(&error);
    EXPECT_NE(producer, nullptr) << error;
    if (!producer) return nullptr;
    EXPECT_TRUE(write_batch(*producer, records(9), offsets_.list(), group_.get()).ok());
    rd_kafka_mock_push_request_errors(mock_, kTxnOffsetCommit, 2,
                                      RD_KAFKA_RESP_ERR_COORDINATOR_LOAD_IN_PROGRESS,
                                      RD_KAFKA_RESP_ERR_COORDINATOR_LOAD_IN_PROGRESS);
    return producer;
  }

  // The transaction of records(0) committed while its offsets waited for the coordinator:
  // once the producer is gone, the log holds each of its records once.
  void expect_committed_once(const kafka::KafkaStatus& s, const TransactionPhases& phases,
                             std::unique_ptr<kafka::TransactionalProducer> producer) {
    ASSERT_TRUE(s.ok()) << s.message;
    EXPECT_GE(phases.send_offsets, 0.8) << "the coordinator's loading was not injected";
    producer.reset();
    expect_each_once(count_in_log({{0, 0}}), 8);
  }

  std::unique_ptr<RdKafka::KafkaConsumer> consumer_;
  std::unique_ptr<RdKafka::ConsumerGroupMetadata> group_;
  const ConsumedOffsets offsets_{"events", {{0, 1}, {1, 4}}};
};

TEST_F(WithGroup, TheOffsetsAreSentWhileTheBatchIsDecided) {
  // The group coordinator is loading (as after a broker's kill): the offsets take about a
  // second. The batch is decided meanwhile (a second's sleep here), so the transaction ends
  // well before the two waits' sum.
  auto producer = producer_with_loading_coordinator();
  ASSERT_NE(producer, nullptr);
  const auto started = std::chrono::steady_clock::now();
  OpenTransaction transaction(*producer, offsets_.list(), group_.get());
  std::this_thread::sleep_for(std::chrono::seconds(1));
  TransactionPhases phases;
  const auto s = transaction.commit(records(0), {}, kCommitTimeoutMs, &phases);
  const double took =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  EXPECT_LT(took, 1.0 + phases.send_offsets - 0.3)
      << "the offsets were sent after the batch was decided, not while: waited "
      << phases.offsets_wait << " s, produced " << phases.produce << " s, committed "
      << phases.commit << " s";
  expect_committed_once(s, phases, std::move(producer));
}

TEST_F(WithGroup, TheGroupIsAskedOfTheConsumerBesideTheBatch) {
  // The processor's form: the group's metadata is asked of the consumer on the offsets' thread,
  // with begin(); the records wait for begin(), and the offsets still commit with them.
  auto producer = producer_with_loading_coordinator();
  ASSERT_NE(producer, nullptr);
  const auto started = std::chrono::steady_clock::now();
  OpenTransaction transaction(*producer, offsets_.list(), [this] {
    return std::shared_ptr<const RdKafka::ConsumerGroupMetadata>(consumer_->groupMetadata());
  });
  const double opened =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  EXPECT_LT(opened, 0.5) << "opening waited for the offsets";
  const auto all = records(0);
  ASSERT_TRUE(transaction.produce({all.begin(), all.begin() + 3}).ok());
  TransactionPhases phases;
  const auto s = transaction.commit({all.begin() + 3, all.end()}, {}, kCommitTimeoutMs, &phases);
  expect_committed_once(s, phases, std::move(producer));
}

TEST_F(WithGroup, TheGroupIsAskedOnceUntilForgotten) {
  // The processor's form since: the group's metadata is asked of the consumer for the first
  // transaction only, and again once forgotten (a rebalance, a failed transaction). Every
  // transaction's offsets commit with it.
  std::string error;
  auto producer = make(&error);
  ASSERT_NE(producer, nullptr) << error;
  GroupMetadata group;
  auto source = [&] { return group.get(*consumer_); };
  for (int attempt = 0; attempt < 3; ++attempt) {
    OpenTransaction transaction(*producer, offsets_.list(), source);
    TransactionPhases phases;
    const auto s = transaction.commit(records(attempt), {}, kCommitTimeoutMs, &phases);
    ASSERT_TRUE(s.ok()) << s.message;
  }
  EXPECT_EQ(group.asked(), 1);
  group.forget();
  {
    OpenTransaction transaction(*producer, offsets_.list(), source);
    TransactionPhases phases;
    const auto s = transaction.commit(records(3), {}, kCommitTimeoutMs, &phases);
    ASSERT_TRUE(s.ok()) << s.message;
  }
  EXPECT_EQ(group.asked(), 2);
  producer.reset();
  const auto in_log = count_in_log({{0, 0}, {0, 1}, {0, 2}, {0, 3}});
  for (int c = 0; c < 8; ++c) {
    auto it = in_log.find(c);
    EXPECT_EQ(it == in_log.end() ? 0 : it->second, 4) << "command " << c << ", four batches";
  }
}

TEST_F(WithGroup, ABatchGivenUpBeforeItsRecordsLeavesTheProducerUsable) {
  // A batch put back after its offsets were sent (the registry could not sync) is aborted on
  // the same producer; so is one whose path forgot to end it. The next batch commits on it.
  std::string error;
  auto producer = make(&error);
  ASSERT_NE(producer, nullptr) << error;
  {
    OpenTransaction transaction(*producer, offsets_.list(), group_.get());
    const auto s = transaction.abandon();
    EXPECT_TRUE(s.ok()) << s.message;
  }
  { OpenTransaction forgotten(*producer, offsets_.list(), group_.get()); }
  TransactionPhases phases;
  const auto s = write_batch(*producer, records(1), offsets_.list(), group_.get(), {},
                             kCommitTimeoutMs, &phases);
  EXPECT_TRUE(s.ok()) << s.message;
  EXPECT_FALSE(never_committed(phases));
  producer.reset();
  expect_each_once(count_in_log({{0, 1}}), 8);
}

TEST_F(WithGroup, RecordsProducedWhileTheBatchIsDecidedCommitOnceWithItsOffsets) {
  // The processor produces each chunk of records as soon as it is decided, while the offsets
  // may still be on their way (the group coordinator loading here): records and offsets are
  // one transaction whatever their order.
  auto producer = producer_with_loading_coordinator();
  ASSERT_NE(producer, nullptr);
  OpenTransaction transaction(*producer, offsets_.list(), group_.get());
  const auto all = records(0);
  const std::vector<OutRecord> first(all.begin(), all.begin() + 5);
  const std::vector<OutRecord> rest(all.begin() + 5, all.end());
  ASSERT_TRUE(transaction.produce(first).ok());
  EXPECT_TRUE(transaction.produced());
  TransactionPhases phases;
  const auto s = transaction.commit(rest, {}, kCommitTimeoutMs, &phases);
  expect_committed_once(s, phases, std::move(producer));
}

TEST_F(WithGroup, ABatchGivenUpAfterItsRecordsIsDroppedWithItsProducer) {
  // A batch given up once records were produced (a store read failed while it was decided)
  // is not aborted on the same producer (recovery_for): abandon() says so, the producer is
  // re-created, and the new one's transactions commit; nothing of the dropped one is read.
  std::string error;
  auto producer = make(&error);
  ASSERT_NE(producer, nullptr) << error;
  {
    OpenTransaction transaction(*producer, offsets_.list(), group_.get());
    ASSERT_TRUE(transaction.produce(records(1)).ok());
    const auto s = transaction.abandon();
    EXPECT_FALSE(s.ok()) << "a transaction with records was aborted on its own producer";
    EXPECT_EQ(recovery_for(s), Recovery::recreate_and_rewind);
  }
  producer.reset();
  producer = make(&error);
  ASSERT_NE(producer, nullptr) << error;
  ASSERT_TRUE(write_batch(*producer, records(2), offsets_.list(), group_.get()).ok());
  producer.reset();
  // Counted over both attempts: a record of the dropped one would make a command's count 2.
  expect_each_once(count_in_log({{0, 1}, {0, 2}}), 8);
}

}  // namespace
}  // namespace parcours::processor
