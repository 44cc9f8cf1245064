#include "kafka/known_topics.h"

namespace parcours::kafka {

KafkaStatus KnownTopics::learn(RdKafka::Handle& client, const std::vector<std::string>& topics,
                               int timeout_ms) {
  for (const auto& name : topics) {
    if (name.empty()) continue;
    std::string err;
    std::unique_ptr<RdKafka::Topic> topic(RdKafka::Topic::create(&client, name, nullptr, err));
    if (!topic) return KafkaStatus{Failure::fatal, "topic " + name + ": " + err};
    RdKafka::Metadata* metadata = nullptr;
    const auto code = client.metadata(false, topic.get(), &metadata, timeout_ms);
    delete metadata;
    topics_.push_back(std::move(topic));
    if (code != RdKafka::ERR_NO_ERROR) return classify(code);
  }
  return KafkaStatus::success();
}

}  // namespace parcours::kafka
