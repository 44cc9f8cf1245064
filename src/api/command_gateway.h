// The API's side of the command path: produce a command to the commands topic and wait for
// its reply on the replies topic (ARCHITECTURE §1).
//
// Each instance listens to one partition of the replies topic (chosen from its instance id),
// from the end offset it reads at start, so it sees every reply to a command it sent. A reply
// means the processor's transaction has committed: read_committed never shows a reply whose
// events were aborted.
//
// Outcomes delivered to the callback, exactly once per submit():
//   the processor's reply (status + body), or
//   503 unavailable  the command could not be written to Kafka (nothing was appended), or
//   504 timeout      no reply in time (the outcome is unknown: retry with the same key).
//
// Thread-safety: submit() from any thread; callbacks run on the gateway's thread.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include <nlohmann/json.hpp>

#include "kafka/kafka_settings.h"
#include "kafka/known_topics.h"
#include "processor/command_record.h"

namespace RdKafka {
class Producer;
}

namespace parcours::kafka {
class TopicReader;
}

namespace parcours::api {

struct GatewayOptions {
  std::string commands_topic;
  std::string replies_topic;
  int reply_partitions = 3;
  std::string instance_id;
  std::chrono::milliseconds reply_timeout{10000};
};

class CommandGateway {
 public:
  using Done = std::function<void(int status, const nlohmann::json& body)>;

  CommandGateway(GatewayOptions options, kafka::KafkaSettings settings);
  ~CommandGateway();

  // Creates the producer and the reply listener; "" or the problem.
  std::string start();
  // Answers every pending command with 503 and stops the thread.
  void stop();

  // Fills reply_to, reply_partition and request_id, produces the command, calls `done` later.
  void submit(processor::CommandRecord cmd, Done done);

  std::size_t pending() const;
  bool healthy() const { return healthy_.load(); }

 private:
  struct Pending {
    Done done;
    std::chrono::steady_clock::time_point deadline;
  };
  class Delivery;
  void loop();
  void finish(const std::string& request_id, int status, const nlohmann::json& body);

  GatewayOptions options_;
  kafka::KafkaSettings settings_;
  int reply_partition_ = 0;
  std::unique_ptr<Delivery> delivery_;
  std::unique_ptr<RdKafka::Producer> producer_;
  kafka::KnownTopics commands_known_;  // after producer_: destroyed before it
  std::unique_ptr<kafka::TopicReader> replies_;
  mutable std::mutex mu_;
  std::map<std::string, Pending> pending_;  // by request id
  std::atomic<long> next_request_{0};
  std::atomic<bool> stop_{false};
  std::atomic<bool> healthy_{false};
  std::thread thread_;
};

}  // namespace parcours::api
