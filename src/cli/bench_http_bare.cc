#include "cli/bench_http_bare.h"

#include <librdkafka/rdkafkacpp.h>

#include <chrono>
#include <cstdlib>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <thread>

#include "kafka/topics.h"
#include "kafka/transactional_producer.h"

namespace parcours::cli {

namespace {

using Clock = std::chrono::steady_clock;

// The first cycles look up the transaction and group coordinators and the partitions' leaders:
// a cost paid once per producer, not per transaction.
constexpr long kUntimed = 10;

struct BareNames {
  std::string events;   // the event-sized record's topic, whose offsets are also "consumed"
  std::string replies;  // the reply-sized record's topic
  std::string group;    // consumer group and transactional.id
};

// Random text: lz4 (the producers' compression) cannot shrink it, as it would a repeated byte.
std::string filler(std::size_t n, std::mt19937& rng) {
  static constexpr char kAlphabet[] =
      "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  std::uniform_int_distribution<std::size_t> pick(0, sizeof kAlphabet - 2);
  std::string s(n, ' ');
  for (auto& c : s) c = kAlphabet[pick(rng)];
  return s;
}

// One transaction; "" or what failed.
std::string cycle(kafka::TransactionalProducer& p, const BareNames& names, long i,
                  const std::string& event, const std::string& reply,
                  const RdKafka::ConsumerGroupMetadata* group) {
  const std::string key = "bench-" + std::to_string(i);
  auto s = p.begin();
  if (s.ok()) s = p.produce(names.events, 0, key, &event);
  if (s.ok()) s = p.produce(names.replies, 0, key, &reply);
  std::vector<RdKafka::TopicPartition*> offsets{
      RdKafka::TopicPartition::create(names.events, 0, i + 1)};
  if (s.ok()) s = p.send_offsets(offsets, group);
  RdKafka::TopicPartition::destroy(offsets);
  if (s.ok()) s = p.commit();
  return s.ok() ? "" : s.message;
}

constexpr auto kPause = std::chrono::milliseconds(kBarePauseMs);

struct Producer {
  std::unique_ptr<kafka::TransactionalProducer> producer;
  std::unique_ptr<RdKafka::KafkaConsumer> consumer;
  std::unique_ptr<RdKafka::ConsumerGroupMetadata> group;
};

// A transactional producer, and a group member's metadata without joining the group (what
// send_offsets needs, as the processor's consumer gives it), without a rebalance.
std::optional<Producer> make_producer(const kafka::KafkaSettings& k, const BareNames& names,
                                      std::string* error) {
  Producer p;
  p.producer = kafka::TransactionalProducer::create(k, names.group, error);
  if (!p.producer) return std::nullopt;
  auto conf =
      kafka::make_conf(k, kafka::ClientRole::group_consumer, {{"group.id", names.group}}, error);
  if (!conf) return std::nullopt;
  p.consumer.reset(RdKafka::KafkaConsumer::create(conf.get(), *error));
  if (!p.consumer) return std::nullopt;
  p.group.reset(p.consumer->groupMetadata());
  return p;
}

// `n` timed cycles after `pause` each, numbered from *next; empty and *error on failure.
std::vector<double> timed_cycles(Producer& p, const BareNames& names, long n,
                                 std::chrono::milliseconds pause, long* next, std::string* error) {
  std::mt19937 rng(7);
  const std::string event = filler(600, rng);
  const std::string reply = filler(200, rng);
  std::vector<double> ms;
  for (long i = 0; i < n; ++i) {
    if (pause.count() > 0) std::this_thread::sleep_for(pause);
    const auto t0 = Clock::now();
    if (auto e = cycle(*p.producer, names, (*next)++, event, reply, p.group.get()); !e.empty()) {
      *error = "transaction: " + e;
      return {};
    }
    ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
  }
  return ms;
}

BareFigures run_cycles(const kafka::KafkaSettings& k, const BareNames& names, int spaced,
                       int back_to_back, std::string* error) {
  auto p = make_producer(k, names, error);
  if (!p) return {};
  long next = 0;
  BareFigures f;
  if (!timed_cycles(*p, names, kUntimed, kPause, &next, error).empty()) {
    f.spaced = timed_cycles(*p, names, spaced, kPause, &next, error);
  }
  if (!f.spaced.empty() && back_to_back > 0) {
    f.back_to_back =
        timed_cycles(*p, names, back_to_back, std::chrono::milliseconds(0), &next, error);
    if (f.back_to_back.empty()) f.spaced.clear();
  }
  p->consumer->close();
  return f;
}

}  // namespace

BareFigures bare_commit_cycles(const common::Config& config, int spaced, int back_to_back,
                               std::string* error) {
  const kafka::KafkaSettings k{config.kafka_brokers, config.kafka_props, 0};
  const std::string run = std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(
                                             std::chrono::system_clock::now().time_since_epoch())
                                             .count());
  const std::string prefix = config.topic_prefix + "bench-http-" + run + ".";
  const BareNames names{prefix + "bare-events.v1", prefix + "bare-replies.v1", prefix + "bare"};
  const std::map<std::string, std::string> retention{{"retention.ms", "3600000"}};
  kafka::TopicReport report;
  if (auto e = kafka::ensure_topics(k,
                                    {{names.events, 1, config.replication_factor, retention},
                                     {names.replies, 1, config.replication_factor, retention}},
                                    &report);
      !e.empty()) {
    *error = "topics: " + e;
    return {};
  }
  auto figures = run_cycles(k, names, spaced, back_to_back, error);
  kafka::delete_topics(k, {names.events, names.replies});
  return figures;
}

}  // namespace parcours::cli
