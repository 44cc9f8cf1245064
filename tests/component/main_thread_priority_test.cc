// A transactional producer's main thread gives way to the others while librdkafka's main loop
// spins on sub-millisecond timers (main_thread_priority.h), and only it: the threads it made
// during init_transactions (the coordinator's broker thread) and every broker thread keep the
// priority of the thread that made the producer. The mock cluster answers init_transactions.
#include "kafka/main_thread_priority.h"

#include <sys/resource.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>

#include "kafka/transactional_producer.h"
#include "support/mock_kafka.h"

namespace parcours::kafka {
namespace {

struct ThreadInfo {
  std::string name;
  int nice = 0;
};

// This process's threads by id, with their names and nice values (/proc/self/task).
std::map<std::string, ThreadInfo> threads() {
  std::map<std::string, ThreadInfo> out;
  for (const auto& task : std::filesystem::directory_iterator("/proc/self/task")) {
    std::ifstream comm(task.path() / "comm");
    std::string name;
    std::getline(comm, name);
    std::ifstream stat_file(task.path() / "stat");
    std::string stat((std::istreambuf_iterator<char>(stat_file)), {});
    // The fields after the name's closing parenthesis start at field 3; nice is field 19.
    std::istringstream rest(stat.substr(stat.rfind(')') + 2));
    std::string field;
    for (int i = 3; i <= 19; ++i) rest >> field;
    out[task.path().filename().string()] = {name, std::stoi(field)};
  }
  return out;
}

TEST(MainThreadPriority, OnlyTheTransactionalProducersMainThreadGivesWay) {
  testing::MockKafka kafka;
  ASSERT_EQ(kafka.start("events", 2), "");
  KafkaSettings settings;
  settings.brokers = kafka.bootstraps();
  const int base = getpriority(PRIO_PROCESS, 0);
  const auto before = threads();
  std::string error;
  auto producer = TransactionalProducer::create(settings, "priority-test", &error, 10000);
  ASSERT_TRUE(producer) << error;
  std::this_thread::sleep_for(std::chrono::milliseconds(50));  // new threads name themselves
  const int lowered = main_thread_spins() ? std::min(19, base + kMainThreadNiceSteps) : base;
  int mains = 0, others = 0;
  for (const auto& [id, t] : threads()) {
    if (before.count(id)) continue;
    if (t.name == "rdk:main") {
      ++mains;
      EXPECT_EQ(t.nice, lowered) << RdKafka::version_str();
    } else {
      ++others;
      EXPECT_EQ(t.nice, base) << t.name;
    }
  }
  EXPECT_EQ(mains, 1);
  EXPECT_GE(others, 2);  // at least the bootstrap broker's and the coordinator's threads
}

TEST(MainThreadPriority, OnlyLibrariesBefore240Spin) {
  EXPECT_EQ(main_thread_spins(), RdKafka::version() < 0x02040000) << RdKafka::version_str();
}

}  // namespace
}  // namespace parcours::kafka
