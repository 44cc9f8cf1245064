#include "kafka/kafka_settings.h"

#include "kafka/client_stats.h"

namespace parcours::kafka {

namespace {

bool set(RdKafka::Conf& conf, const std::string& k, const std::string& v, std::string* error) {
  std::string err;
  if (conf.set(k, v, err) != RdKafka::Conf::CONF_OK) {
    if (error) *error = "kafka property " + k + ": " + err;
    return false;
  }
  return true;
}

// The settings exactly-once depends on, per role (ARCHITECTURE §3). The pass-through may not
// change them.
std::map<std::string, std::string> required(ClientRole role) {
  switch (role) {
    case ClientRole::transactional_producer:
      return {{"enable.idempotence", "true"}, {"acks", "all"}};
    case ClientRole::idempotent_producer:
      return {{"enable.idempotence", "true"}, {"acks", "all"}};
    case ClientRole::group_consumer:
    case ClientRole::reader:
      return {{"isolation.level", "read_committed"}, {"enable.auto.commit", "false"}};
  }
  return {};
}

std::map<std::string, std::string> defaults(ClientRole role) {
  // reconnect.backoff.max.ms: librdkafka 2.0 looks for a partition's new leader, or a new
  // coordinator, when it fails to reconnect to the old one, and its reconnect backoff doubles
  // up to 10 s by default. After a broker's kill -9, the clients then kept asking the dead
  // broker for up to 7 s after its partitions had moved (decision 23).
  // topic.metadata.refresh.fast.interval.ms: how often a client asks for metadata while a
  // leader is unknown; 250 ms in librdkafka 2.0, 100 ms in later releases, which we take: the
  // median unavailability after a broker kill went from about 4 s to 2 to 3.4 s (decision 23).
  // fetch.queue.backoff.ms (consumers only): once a partition's queue is over its thresholds,
  // librdkafka fetches it again only after this wait, 1 s by default. A reader slower than
  // its fetches then emptied its queue and waited: a rebuild with small queues took 16 s
  // instead of a fraction of one (tests/integration/test_readers.py, decision 9). 10 ms is
  // less than a full queue takes to read, and wakes a broker thread only while a queue is full.
  // enable.metrics.push: librdkafka 2.5+ pushes its own metrics to brokers that ask for them
  // (KIP-714), and waits up to a second for the last push when a client is destroyed: each
  // rebuild and each stop took a second longer. Parcours' clients report through /metrics
  // (client_stats.h) instead.
  std::map<std::string, std::string> d = {{"socket.nagle.disable", "true"},
                                          {"enable.metrics.push", "false"},
                                          {"client.id", "parcours"},
                                          {"reconnect.backoff.max.ms", "500"},
                                          {"topic.metadata.refresh.fast.interval.ms", "100"}};
  switch (role) {
    case ClientRole::transactional_producer:
      // retry.backoff.ms: a transaction begun right after the previous one committed is
      // answered CONCURRENT_TRANSACTIONS while the broker still writes that one's markers (a
      // few ms), and librdkafka retries after this backoff, 100 ms by default, doubling it
      // (KIP-580, up to retry.backoff.max.ms) if asked again. A busy processor begins its next
      // transaction at once and sends its offsets first: at 500 commands/s the commands' p99
      // was 250 ms with the default, 58 ms with 20, 43 ms with 5; with 2, a quarter lower
      // than with 5 in four pairs of runs, the offsets sent 0.9 to 2.7 ms sooner on average;
      // 1 did no better than 2 (docs/performance.md). The Java client retries it after 20 ms
      // at most.
      d["retry.backoff.ms"] = "2";
      d["transaction.timeout.ms"] = "15000";
      d["message.timeout.ms"] = "12000";
      d["linger.ms"] = "1";
      d["partitioner"] = "murmur2_random";  // the Java client's partitioner
      d["compression.type"] = "lz4";
      d["queue.buffering.max.messages"] = "500000";
      break;
    case ClientRole::idempotent_producer:
      d["linger.ms"] = "1";
      d["message.timeout.ms"] = "8000";
      d["partitioner"] = "murmur2_random";
      d["compression.type"] = "lz4";
      break;
    case ClientRole::group_consumer:
      d["fetch.queue.backoff.ms"] = "10";
      d["auto.offset.reset"] = "earliest";
      d["enable.auto.offset.store"] = "false";
      // The commands consumer never looks for a partition's end (catch-ups read with readers
      // of their own), and the broker answers a held fetch as soon as the partition's stable
      // offset moves: a long wait delays nothing and spares the brokers an empty fetch every
      // 10 ms per consumer (docs/performance.md, "Consumers' fetch wait").
      d["fetch.wait.max.ms"] = std::to_string(kFetchWaitNoEndMs);
      d["session.timeout.ms"] = "10000";
      d["heartbeat.interval.ms"] = "1000";
      d["partition.assignment.strategy"] = "range";
      break;
    case ClientRole::reader:
      d["fetch.queue.backoff.ms"] = "10";
      d["auto.offset.reset"] = "earliest";
      d["enable.partition.eof"] = "true";
      d["fetch.wait.max.ms"] = "10";
      d["fetch.message.max.bytes"] = "4194304";
      d["queued.max.messages.kbytes"] = "262144";
      break;
  }
  return d;
}

// Statistics every interval to the client's event callback, which also takes over librdkafka's
// log and error reports (client_stats.h).
bool report_statistics(RdKafka::Conf& conf, const KafkaSettings& s, std::string* error) {
  if (!s.stats || s.client.empty() || s.statistics_interval_ms <= 0) return true;
  if (!set(conf, "statistics.interval.ms", std::to_string(s.statistics_interval_ms), error)) {
    return false;
  }
  std::string err;
  if (conf.set("event_cb", s.stats->callback(s.client), err) != RdKafka::Conf::CONF_OK) {
    if (error) *error = "kafka event callback: " + err;
    return false;
  }
  return true;
}

}  // namespace

KafkaSettings named(KafkaSettings s, std::string client) {
  s.client = std::move(client);
  return s;
}

std::unique_ptr<RdKafka::Conf> make_conf(const KafkaSettings& s, ClientRole role,
                                         const std::map<std::string, std::string>& extra,
                                         std::string* error) {
  std::unique_ptr<RdKafka::Conf> conf(RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
  if (!set(*conf, "bootstrap.servers", s.brokers, error)) return nullptr;
  if (!report_statistics(*conf, s, error)) return nullptr;
  for (const auto& [k, v] : defaults(role)) {
    if (!set(*conf, k, v, error)) return nullptr;
  }
  // A named client tells the brokers who it is: their request logs, quotas and metrics then
  // show which of an instance's clients sent what (the processors' producers, the gateway's).
  if (!s.client.empty() && !set(*conf, "client.id", "parcours-" + s.client, error)) {
    return nullptr;
  }
  for (const auto& [k, v] : extra) {
    if (!set(*conf, k, v, error)) return nullptr;
  }
  const auto must = required(role);
  for (const auto& kv : s.passthrough) {
    const auto eq = kv.find('=');
    const std::string k = kv.substr(0, eq);
    const std::string v = eq == std::string::npos ? "" : kv.substr(eq + 1);
    if (auto it = must.find(k); it != must.end() && it->second != v) {
      if (error) *error = "kafka property " + k + " must stay " + it->second;
      return nullptr;
    }
    if (!set(*conf, k, v, error)) return nullptr;
  }
  for (const auto& [k, v] : must) {
    if (!set(*conf, k, v, error)) return nullptr;
  }
  return conf;
}

}  // namespace parcours::kafka
