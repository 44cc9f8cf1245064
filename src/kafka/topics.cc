#include "kafka/topics.h"

#include <librdkafka/rdkafka.h>

#include <memory>
#include <thread>

namespace parcours::kafka {

namespace {

struct HandleDeleter {
  void operator()(rd_kafka_t* rk) const { rd_kafka_destroy(rk); }
};
using Handle = std::unique_ptr<rd_kafka_t, HandleDeleter>;

Handle admin_handle(const KafkaSettings& s, std::string* error) {
  auto conf = make_conf(s, ClientRole::idempotent_producer, {}, error);
  if (!conf) return nullptr;
  // The C++ Conf wraps a C conf; build the C handle from a duplicate of it.
  rd_kafka_conf_t* c = rd_kafka_conf_dup(conf->c_ptr_global());
  char err[512];
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_PRODUCER, c, err, sizeof err);
  if (!rk) {
    rd_kafka_conf_destroy(c);
    if (error) *error = err;
    return nullptr;
  }
  return Handle(rk);
}

struct QueueDeleter {
  void operator()(rd_kafka_queue_t* q) const { rd_kafka_queue_destroy(q); }
};

// Waits for the admin result event of the given type.
rd_kafka_event_t* wait_result(rd_kafka_queue_t* q, rd_kafka_event_type_t type, int timeout_ms) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (std::chrono::steady_clock::now() < deadline) {
    rd_kafka_event_t* ev = rd_kafka_queue_poll(q, 200);
    if (!ev) continue;
    if (rd_kafka_event_type(ev) == type) return ev;
    rd_kafka_event_destroy(ev);
  }
  return nullptr;
}

// Existing topics and their partition counts, from a metadata request.
std::map<std::string, int> existing_topics(rd_kafka_t* rk, int timeout_ms, std::string* error) {
  const rd_kafka_metadata_t* md = nullptr;
  std::map<std::string, int> out;
  rd_kafka_resp_err_t err = rd_kafka_metadata(rk, 1, nullptr, &md, timeout_ms);
  if (err) {
    if (error) *error = std::string("metadata: ") + rd_kafka_err2str(err);
    return out;
  }
  for (int i = 0; i < md->topic_cnt; ++i) {
    const auto& t = md->topics[i];
    if (t.err != RD_KAFKA_RESP_ERR_NO_ERROR) continue;
    // A partition without a leader yet counts as missing: the topic is not usable.
    int led = 0;
    for (int p = 0; p < t.partition_cnt; ++p) {
      if (t.partitions[p].err == RD_KAFKA_RESP_ERR_NO_ERROR && t.partitions[p].leader >= 0) ++led;
    }
    out[t.topic] = led;
  }
  rd_kafka_metadata_destroy(md);
  return out;
}

// cleanup.policy of a topic, "" if unknown.
std::string cleanup_policy(rd_kafka_t* rk, const std::string& topic, int timeout_ms) {
  std::unique_ptr<rd_kafka_queue_t, QueueDeleter> q(rd_kafka_queue_new(rk));
  rd_kafka_ConfigResource_t* res =
      rd_kafka_ConfigResource_new(RD_KAFKA_RESOURCE_TOPIC, topic.c_str());
  rd_kafka_DescribeConfigs(rk, &res, 1, nullptr, q.get());
  rd_kafka_ConfigResource_destroy(res);
  rd_kafka_event_t* ev = wait_result(q.get(), RD_KAFKA_EVENT_DESCRIBECONFIGS_RESULT, timeout_ms);
  if (!ev) return {};
  std::string policy;
  size_t n = 0;
  const auto* result = rd_kafka_event_DescribeConfigs_result(ev);
  const rd_kafka_ConfigResource_t** resources =
      rd_kafka_DescribeConfigs_result_resources(result, &n);
  for (size_t i = 0; i < n; ++i) {
    size_t cnt = 0;
    const rd_kafka_ConfigEntry_t** entries = rd_kafka_ConfigResource_configs(resources[i], &cnt);
    for (size_t j = 0; j < cnt; ++j) {
      if (std::string(rd_kafka_ConfigEntry_name(entries[j])) == "cleanup.policy" &&
          rd_kafka_ConfigEntry_value(entries[j])) {
        policy = rd_kafka_ConfigEntry_value(entries[j]);
      }
    }
  }
  rd_kafka_event_destroy(ev);
  return policy;
}

}  // namespace

std::string ensure_topics(const KafkaSettings& settings, const std::vector<TopicSpec>& specs,
                          TopicReport* report, int timeout_ms) {
  std::string error;
  Handle rk = admin_handle(settings, &error);
  if (!rk) return error;
  auto existing = existing_topics(rk.get(), timeout_ms, &error);
  if (!error.empty()) return error;

  std::vector<const TopicSpec*> missing;
  for (const auto& spec : specs) {
    auto it = existing.find(spec.name);
    if (it == existing.end()) {
      missing.push_back(&spec);
      continue;
    }
    if (report) report->existing.push_back(spec.name);
    if (it->second != spec.partitions) {
      return "topic " + spec.name + " has " + std::to_string(it->second) +
             " partitions, configuration says " + std::to_string(spec.partitions);
    }
    if (auto want = spec.config.find("cleanup.policy"); want != spec.config.end()) {
      const std::string have = cleanup_policy(rk.get(), spec.name, timeout_ms);
      if (!have.empty() && have != want->second) {
        return "topic " + spec.name + " has cleanup.policy=" + have + ", expected " + want->second;
      }
    }
  }
  if (missing.empty()) return {};

  std::vector<rd_kafka_NewTopic_t*> news;
  char err[512];
  for (const auto* spec : missing) {
    rd_kafka_NewTopic_t* t = rd_kafka_NewTopic_new(spec->name.c_str(), spec->partitions,
                                                   spec->replication_factor, err, sizeof err);
    if (!t) {
      for (auto* n : news) rd_kafka_NewTopic_destroy(n);
      return std::string("topic ") + spec->name + ": " + err;
    }
    for (const auto& [k, v] : spec->config) rd_kafka_NewTopic_set_config(t, k.c_str(), v.c_str());
    news.push_back(t);
  }
  std::unique_ptr<rd_kafka_queue_t, QueueDeleter> q(rd_kafka_queue_new(rk.get()));
  rd_kafka_CreateTopics(rk.get(), news.data(), news.size(), nullptr, q.get());
  for (auto* n : news) rd_kafka_NewTopic_destroy(n);
  rd_kafka_event_t* ev = wait_result(q.get(), RD_KAFKA_EVENT_CREATETOPICS_RESULT, timeout_ms);
  if (!ev) return "timed out creating topics";
  size_t n = 0;
  const rd_kafka_topic_result_t** results =
      rd_kafka_CreateTopics_result_topics(rd_kafka_event_CreateTopics_result(ev), &n);
  std::string problem;
  for (size_t i = 0; i < n; ++i) {
    const auto code = rd_kafka_topic_result_error(results[i]);
    const std::string name = rd_kafka_topic_result_name(results[i]);
    if (code == RD_KAFKA_RESP_ERR_NO_ERROR || code == RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS) {
      if (report) report->created.push_back(name);
    } else if (problem.empty()) {
      const char* msg = rd_kafka_topic_result_error_string(results[i]);
      problem = "creating " + name + ": " + (msg ? msg : rd_kafka_err2str(code));
    }
  }
  rd_kafka_event_destroy(ev);
  if (!problem.empty()) return problem;
  // Metadata of new topics propagates asynchronously; wait until every partition has a leader
  // so that the first produce does not fail.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (std::chrono::steady_clock::now() < deadline) {
    auto now_existing = existing_topics(rk.get(), timeout_ms, &error);
    bool all = true;
    for (const auto* spec : missing) {
      auto it = now_existing.find(spec->name);
      if (it == now_existing.end() || it->second != spec->partitions) all = false;
    }
    if (all) return {};
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return "created topics did not appear in metadata in time";
}

int partition_count(const KafkaSettings& settings, const std::string& topic, int timeout_ms) {
  std::string error;
  Handle rk = admin_handle(settings, &error);
  if (!rk) return -1;
  auto existing = existing_topics(rk.get(), timeout_ms, &error);
  auto it = existing.find(topic);
  return it == existing.end() ? -1 : it->second;
}

void delete_topics(const KafkaSettings& settings, const std::vector<std::string>& names,
                   int timeout_ms) {
  std::string error;
  Handle rk = admin_handle(settings, &error);
  if (!rk || names.empty()) return;
  std::vector<rd_kafka_DeleteTopic_t*> dels;
  for (const auto& n : names) dels.push_back(rd_kafka_DeleteTopic_new(n.c_str()));
  std::unique_ptr<rd_kafka_queue_t, QueueDeleter> q(rd_kafka_queue_new(rk.get()));
  rd_kafka_DeleteTopics(rk.get(), dels.data(), dels.size(), nullptr, q.get());
  for (auto* d : dels) rd_kafka_DeleteTopic_destroy(d);
  if (rd_kafka_event_t* ev = wait_result(q.get(), RD_KAFKA_EVENT_DELETETOPICS_RESULT, timeout_ms)) {
    rd_kafka_event_destroy(ev);
  }
}

}  // namespace parcours::kafka
