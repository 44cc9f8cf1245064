// librdkafka's statistics of the named Kafka clients as Prometheus series.
//
// A client built by make_conf() from settings with `stats` and a name (kafka_settings.h) gets an
// event callback from here. Every statistics.interval.ms librdkafka hands it a JSON document,
// inside the client's poll and on the thread that polls it; update() maps it to series
// labelled client="<name>", and broker, topic and partition where they apply:
//
//   parcours_kafka_broker_up{client, broker}                  1 connected, 0 not (a broker the
//                                                             client never needed is absent)
//   parcours_kafka_broker_rtt_avg_seconds{client, broker}     request round trip over the last
//   parcours_kafka_broker_rtt_p99_seconds{client, broker}     interval (absent if none was sent;
//                                                             a fetch's includes its wait)
//   parcours_kafka_broker_requests_in_flight{client, broker}  sent, awaiting their response
//   parcours_kafka_broker_requests_queued{client, broker}     awaiting transmission
//   parcours_kafka_broker_messages_queued{client, broker}     messages awaiting transmission
//   parcours_kafka_broker_errors_total{client, broker, direction}  transmit / receive errors
//   parcours_kafka_producer_queue_messages{client}            produced, not yet delivered
//   parcours_kafka_reply_queue_events{client}                 callbacks awaiting the next poll
//   parcours_kafka_sent_bytes_total{client}, parcours_kafka_received_bytes_total{client}
//   parcours_kafka_consumer_lag_records{client, topic, partition}  assigned partitions whose
//                                                             end and position are known
//   parcours_kafka_stats_failures_total                       documents that did not parse
//
// Broker labels are librdkafka's names ("host:port/id"); nothing personal is in a document.
//
// librdkafka's cumulative figures (bytes, errors) become counters increased by the difference
// between two documents of the same handle, not gauges of its totals: clients are re-created
// under the same name (the processor's after a fatal error, a catch-up reader per round), and
// each new handle counts from zero again. Counters keep one monotonic series per name across
// handles, and what a closed handle sent stays counted.
//
// The gauges of a client whose documents stop (a closed reader, a client nobody polls) are
// removed after three intervals, so that a finished catch-up does not show its last lag
// forever; series a document no longer lists (a revoked partition) go at once.
//
// An event callback also takes librdkafka's log and error reports away from its default
// logger: they are written to stderr as librdkafka writes them, with the client's name in
// place of the handle's.
//
// Thread-safety: every member, from any thread. Must outlive the clients it serves.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <utility>

#include <librdkafka/rdkafkacpp.h>
#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/registry.h>
#include <nlohmann/json_fwd.hpp>

namespace parcours::kafka {

class ClientStats {
 public:
  using Clock = std::chrono::steady_clock;

  // `interval_ms`: the clients' statistics.interval.ms (their gauges go after three missed).
  ClientStats(prometheus::Registry& registry, int interval_ms);
  ~ClientStats();
  ClientStats(const ClientStats&) = delete;
  ClientStats& operator=(const ClientStats&) = delete;

  // The event callback of the client named `client`, owned by this object.
  RdKafka::EventCb* callback(const std::string& client);
  // Maps one statistics document of `client`, received at `now`. Never throws: a document
  // that does not parse is counted, and false returned.
  bool update(const std::string& client, std::string_view json,
              Clock::time_point now = Clock::now()) noexcept;

 private:
  class Callback;
  struct Families;
  using Series = std::set<std::pair<prometheus::Family<prometheus::Gauge>*, prometheus::Gauge*>>;
  // What is known of one named client.
  struct Client {
    std::string handle;                    // librdkafka's name of the handle last reported
    std::map<std::string, double> totals;  // that handle's cumulative figures, by key
    Series gauges;                         // the series its documents set
    Clock::time_point seen;
    std::unique_ptr<Callback> callback;
  };
  // The series of one document, gathered as they are set.
  struct Document {
    const std::string& client;
    Client& state;
    Series fresh;
  };

  void apply(Document& d, const nlohmann::json& doc);
  void client_figures(Document& d, const nlohmann::json& doc);
  void broker_figures(Document& d, const nlohmann::json& doc);
  void partition_figures(Document& d, const nlohmann::json& doc);
  void set(Document& d, prometheus::Family<prometheus::Gauge>& family,
           const prometheus::Labels& labels, double value);
  void add(Document& d, prometheus::Family<prometheus::Counter>& family,
           const prometheus::Labels& labels, const std::string& key, double total);
  void expire(Clock::time_point now);

  std::unique_ptr<Families> families_;
  const std::chrono::milliseconds stale_after_;
  std::mutex mu_;
  std::map<std::string, Client> clients_;  // guarded by mu_
};

}  // namespace parcours::kafka
