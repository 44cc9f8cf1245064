#include "kafka/known_topics.h"

#include <chrono>

namespace parcours::kafka {

KafkaStatus KnownTopics::learn(RdKafka::Handle& client, const std::vector<std::string>& topics,
                               int timeout_ms) {
  // One bound for all the topics: a producer re-created while a broker dies must not wait for
  // it once per topic.
  using Clock = std::chrono::steady_clock;
  const auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
  for (const auto& name : topics) {
    if (name.empty()) continue;
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (left <= 0) return KafkaStatus{Failure::retriable, "topics not learnt in time"};
    std::string err;
    std::unique_ptr<RdKafka::Topic> topic(RdKafka::Topic::create(&client, name, nullptr, err));
    if (!topic) return KafkaStatus{Failure::fatal, "topic " + name + ": " + err};
    RdKafka::Metadata* metadata = nullptr;
    const auto code = client.metadata(false, topic.get(), &metadata, static_cast<int>(left));
    delete metadata;
    topics_.push_back(std::move(topic));
    if (code != RdKafka::ERR_NO_ERROR) return classify(code);
  }
  return KafkaStatus::success();
}

}  // namespace parcours::kafka
