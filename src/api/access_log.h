// The access log (JOURNEY §6): who read which journey, what and when, on the access-log topic
// (key = journey id), which the read models index for GET /v1/journeys/{id}/access-log.
//
// Every read of personal data is logged before it is served. record() queues an entry and
// calls `done` once the broker has acknowledged it (acks=all, idempotent) or refused it; a
// read that returns the person's identity answers only from `done`, and 503 unavailable if
// the entry could not be written. Reads that return no identity pass `done` = nullptr and are
// answered at once; their entries still reach the log, and a failure is counted.
//
// A dedicated producer polled by its own thread, so that an acknowledgement wakes its reader
// within a millisecond rather than at the next poll of another client.
//
// Thread-safety: record() from any thread; `done` runs on the access log's thread.
#pragma once

#include <atomic>
#include <chrono>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "kafka/kafka_settings.h"
#include "kafka/known_topics.h"

namespace RdKafka {
class Producer;
}

namespace parcours::api {

class AccessLog {
 public:
  using Done = std::function<void(bool acknowledged)>;

  AccessLog(std::string topic, kafka::KafkaSettings settings);
  ~AccessLog();

  // Creates the producer and starts its thread; "" or the problem.
  std::string start();
  // Flushes what is queued (bounded) and stops the thread; pending `done` get false.
  void stop();

  // Appends `entry` under `key` (a journey id). `done` (optional) learns whether the broker
  // acknowledged it within 5 s; it is called exactly once (false past the deadline, whatever
  // librdkafka does later).
  void record(const std::string& key, const nlohmann::json& entry, Done done = nullptr);

  long failures() const { return failures_.load(); }

 private:
  class Delivery;
  // A `done` waiting for its acknowledgement: whichever comes first, the delivery report or the
  // deadline, calls it.
  struct Waiter {
    std::atomic<bool> called{false};
    Done done;
    std::chrono::steady_clock::time_point deadline;
    void call(bool acked) {
      if (!called.exchange(true)) done(acked);
    }
  };
  void expire();

  std::string topic_;
  kafka::KafkaSettings settings_;
  std::unique_ptr<Delivery> delivery_;
  std::unique_ptr<RdKafka::Producer> producer_;
  kafka::KnownTopics topic_known_;  // after producer_: destroyed before it
  std::atomic<bool> stop_{false};
  std::atomic<long> failures_{0};
  std::mutex mu_;
  std::deque<std::shared_ptr<Waiter>> waiting_;  // by mu_, in deadline order
  std::thread thread_;
};

}  // namespace parcours::api
