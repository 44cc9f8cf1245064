// Creating and checking the topics of ARCHITECTURE §2 at start (librdkafka admin API).
//
// A missing topic is created with its settings. An existing topic that disagrees on what
// correctness depends on (partition count, cleanup policy) stops the start: the commands and
// journey-events topics must have the same partition count, or single-writer ownership breaks.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "kafka/kafka_settings.h"

namespace parcours::kafka {

struct TopicSpec {
  std::string name;
  int partitions = 1;
  int replication_factor = 1;
  std::map<std::string, std::string> config;  // e.g. cleanup.policy, retention.ms
};

struct TopicReport {
  std::vector<std::string> created;
  std::vector<std::string> existing;
};

// Creates missing topics and checks existing ones. Returns "" on success, else the problem.
std::string ensure_topics(const KafkaSettings& settings, const std::vector<TopicSpec>& specs,
                          TopicReport* report, int timeout_ms = 30000);

// Partition count of a topic, or -1 if it does not exist (or the broker does not answer).
int partition_count(const KafkaSettings& settings, const std::string& topic,
                    int timeout_ms = 10000);

// Deletes topics (tests and benchmarks clean up after themselves). Best effort.
void delete_topics(const KafkaSettings& settings, const std::vector<std::string>& names,
                   int timeout_ms = 30000);

}  // namespace parcours::kafka
