#include "kafka/client_stats.h"

#include <algorithm>
#include <cstdio>
#include <optional>

#include <nlohmann/json.hpp>

namespace parcours::kafka {

namespace {

using Json = nlohmann::json;
using GaugeFamily = prometheus::Family<prometheus::Gauge>;
using CounterFamily = prometheus::Family<prometheus::Counter>;

GaugeFamily& gauge(prometheus::Registry& r, const char* name, const char* help) {
  return prometheus::BuildGauge().Name(name).Help(help).Register(r);
}

CounterFamily& counter(prometheus::Registry& r, const char* name, const char* help) {
  return prometheus::BuildCounter().Name(name).Help(help).Register(r);
}

// A member of an object, if it is a number. Documents are read defensively: a field missing or
// of another type in some librdkafka version leaves its series out, never stops the rest.
std::optional<double> number(const Json& j, const char* key) {
  const auto it = j.find(key);
  if (it == j.end() || !it->is_number()) return std::nullopt;
  return it->get<double>();
}

std::string text(const Json& j, const char* key) {
  const auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

const Json* object(const Json& j, const char* key) {
  const auto it = j.find(key);
  return it != j.end() && it->is_object() ? &*it : nullptr;
}

// Brokers known by their id. Left out: bootstrap entries not yet identified (id -1), and
// librdkafka's internal and logical ones (the group and transaction coordinators, which are
// real brokers listed again under another name).
bool real_broker(const Json& b) {
  const std::string source = text(b, "source");
  return number(b, "nodeid").value_or(-1) >= 0 && source != "internal" && source != "logical";
}

// Records of an assigned partition not yet handed to the application: from the position of
// the application (what it was last given), else the stored or committed offset, to the end
// (the last stable offset: every client reads read_committed). librdkafka's own consumer_lag
// counts from the committed offset only, which readers never commit and the processor commits
// through its transactions, so it is unknown or stale for every client of Parcours.
std::optional<double> lag(const Json& p) {
  const double ls = number(p, "ls_offset").value_or(-1);
  const double end = ls >= 0 ? ls : number(p, "hi_offset").value_or(-1);
  double position = number(p, "app_offset").value_or(-1);
  if (position < 0) position = number(p, "stored_offset").value_or(-1);
  if (position < 0) position = number(p, "committed_offset").value_or(-1);
  if (end < 0 || position < 0) return std::nullopt;
  return std::max(end - position, 0.0);
}

// librdkafka's own log line ("%level|seconds.millis|FACILITY|name| message"), as its default
// logger writes it, so that nothing changes for whoever reads the logs.
void print_log_line(int level, const std::string& facility, const std::string& client,
                    const std::string& message) {
  const auto now = std::chrono::system_clock::now().time_since_epoch();
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now).count();
  std::fprintf(stderr, "%%%d|%lld.%03lld|%s|%s| %s\n", level, static_cast<long long>(ms / 1000),
               static_cast<long long>(ms % 1000), facility.c_str(), client.c_str(),
               message.c_str());
}

}  // namespace

struct ClientStats::Families {
  explicit Families(prometheus::Registry& r);
  GaugeFamily& broker_up;
  GaugeFamily& rtt_avg;
  GaugeFamily& rtt_p99;
  GaugeFamily& in_flight;
  GaugeFamily& requests_queued;
  GaugeFamily& messages_queued;
  GaugeFamily& producer_queue;
  GaugeFamily& reply_queue;
  GaugeFamily& lag;
  CounterFamily& broker_errors;
  CounterFamily& sent;
  CounterFamily& received;
  prometheus::Counter& failures;
};

ClientStats::Families::Families(prometheus::Registry& r)
    : broker_up(gauge(r, "parcours_kafka_broker_up",
                      "1 while the Kafka client is connected to the broker, 0 while it is not "
                      "(absent for a broker it never needed)")),
      rtt_avg(gauge(r, "parcours_kafka_broker_rtt_avg_seconds",
                    "Average round trip of the client's requests to the broker over the last "
                    "statistics interval (a fetch's includes its wait)")),
      rtt_p99(gauge(r, "parcours_kafka_broker_rtt_p99_seconds",
                    "99th percentile of the round trip of the client's requests to the broker "
                    "over the last statistics interval (a fetch's includes its wait)")),
      in_flight(gauge(r, "parcours_kafka_broker_requests_in_flight",
                      "Requests of the client sent to the broker and awaiting their response")),
      requests_queued(gauge(r, "parcours_kafka_broker_requests_queued",
                            "Requests of the client awaiting transmission to the broker")),
      messages_queued(gauge(r, "parcours_kafka_broker_messages_queued",
                            "Messages of the client awaiting transmission to the broker")),
      producer_queue(gauge(r, "parcours_kafka_producer_queue_messages",
                           "Messages produced by the client and not yet delivered")),
      reply_queue(gauge(r, "parcours_kafka_reply_queue_events",
                        "Callbacks and events of the client awaiting its next poll")),
      lag(gauge(r, "parcours_kafka_consumer_lag_records",
                "Records of an assigned partition not yet handed to the client's application "
                "(to the last stable offset)")),
      broker_errors(counter(r, "parcours_kafka_broker_errors_total",
                            "Transmit (tx) and receive (rx) errors of the client with the broker")),
      sent(counter(r, "parcours_kafka_sent_bytes_total", "Bytes the client sent to the brokers")),
      received(counter(r, "parcours_kafka_received_bytes_total",
                       "Bytes the client received from the brokers")),
      failures(counter(r, "parcours_kafka_stats_failures_total",
                       "librdkafka statistics documents that could not be read")
                   .Add({})) {}

// The event callback of one named client. Nothing may throw into librdkafka.
class ClientStats::Callback : public RdKafka::EventCb {
 public:
  Callback(ClientStats* owner, std::string client) : owner_(owner), client_(std::move(client)) {}

  void event_cb(RdKafka::Event& e) override {
    try {
      switch (e.type()) {
        case RdKafka::Event::EVENT_STATS:
          owner_->update(client_, e.str());
          break;
        case RdKafka::Event::EVENT_LOG:
          print_log_line(static_cast<int>(e.severity()), e.fac(), client_, e.str());
          break;
        case RdKafka::Event::EVENT_ERROR:
          // As librdkafka logs an error nobody takes (level 3, facility ERROR).
          print_log_line(3, "ERROR", client_,
                         client_ + ": " + RdKafka::err2str(e.err()) + ": " + e.str());
          break;
        case RdKafka::Event::EVENT_THROTTLE:
          break;  // not reported without a callback either
      }
    } catch (...) {
      // A log line lost (out of memory); the statistics count their own failures.
    }
  }

 private:
  ClientStats* owner_;
  const std::string client_;
};

ClientStats::ClientStats(prometheus::Registry& registry, int interval_ms)
    : families_(std::make_unique<Families>(registry)), stale_after_(3 * std::max(interval_ms, 1)) {}

ClientStats::~ClientStats() = default;

RdKafka::EventCb* ClientStats::callback(const std::string& client) {
  std::lock_guard lock(mu_);
  auto& c = clients_[client];
  if (!c.callback) c.callback = std::make_unique<Callback>(this, client);
  return c.callback.get();
}

bool ClientStats::update(const std::string& client, std::string_view json,
                         Clock::time_point now) noexcept {
  try {
    const Json doc = Json::parse(json);
    if (!doc.is_object()) {
      families_->failures.Increment();
      return false;
    }
    std::lock_guard lock(mu_);
    Client& state = clients_[client];
    Document d{client, state, {}};
    apply(d, doc);
    state.seen = now;
    expire(now);
    return true;
  } catch (...) {
    // Not JSON (or out of memory): this document is lost, the next one is read.
    families_->failures.Increment();
    return false;
  }
}

void ClientStats::apply(Document& d, const Json& doc) {
  const std::string handle = text(doc, "name");
  if (handle != d.state.handle) {
    // A new handle under this name: its totals start from zero.
    d.state.handle = handle;
    d.state.totals.clear();
  }
  client_figures(d, doc);
  broker_figures(d, doc);
  partition_figures(d, doc);
  for (auto it = d.state.gauges.begin(); it != d.state.gauges.end();) {
    if (d.fresh.count(*it)) {
      ++it;
      continue;
    }
    it->first->Remove(it->second);
    it = d.state.gauges.erase(it);
  }
}

void ClientStats::client_figures(Document& d, const Json& doc) {
  const prometheus::Labels labels{{"client", d.client}};
  if (auto v = number(doc, "replyq")) set(d, families_->reply_queue, labels, *v);
  if (text(doc, "type") == "producer") {
    if (auto v = number(doc, "msg_cnt")) set(d, families_->producer_queue, labels, *v);
  }
  if (auto v = number(doc, "tx_bytes")) add(d, families_->sent, labels, "tx_bytes", *v);
  if (auto v = number(doc, "rx_bytes")) add(d, families_->received, labels, "rx_bytes", *v);
}

void ClientStats::broker_figures(Document& d, const Json& doc) {
  const Json* brokers = object(doc, "brokers");
  if (!brokers) return;
  for (const auto& [name, b] : brokers->items()) {
    if (!b.is_object() || !real_broker(b)) continue;
    const prometheus::Labels labels{{"client", d.client}, {"broker", name}};
    // INIT: never connected, because never needed (librdkafka connects on demand).
    if (const std::string state = text(b, "state"); !state.empty() && state != "INIT") {
      set(d, families_->broker_up, labels, state == "UP" ? 1 : 0);
    }
    if (auto v = number(b, "waitresp_cnt")) set(d, families_->in_flight, labels, *v);
    if (auto v = number(b, "outbuf_cnt")) set(d, families_->requests_queued, labels, *v);
    if (auto v = number(b, "outbuf_msg_cnt")) set(d, families_->messages_queued, labels, *v);
    // Window statistics in microseconds; with no request in the window they read 0, which
    // is no round trip at all: the series are left out instead.
    if (const Json* rtt = object(b, "rtt"); rtt && number(*rtt, "cnt").value_or(0) > 0) {
      set(d, families_->rtt_avg, labels, number(*rtt, "avg").value_or(0) / 1e6);
      set(d, families_->rtt_p99, labels, number(*rtt, "p99").value_or(0) / 1e6);
    }
    for (const char* direction : {"tx", "rx"}) {
      const std::string key = std::string(direction) + "errs";
      if (auto v = number(b, key.c_str())) {
        add(d, families_->broker_errors,
            {{"client", d.client}, {"broker", name}, {"direction", direction}}, key + "/" + name,
            *v);
      }
    }
  }
}

void ClientStats::partition_figures(Document& d, const Json& doc) {
  const Json* topics = object(doc, "topics");
  if (!topics) return;
  for (const auto& [topic, t] : topics->items()) {
    const Json* partitions = t.is_object() ? object(t, "partitions") : nullptr;
    if (!partitions) continue;
    for (const auto& p : *partitions) {
      if (!p.is_object()) continue;
      // -1 is librdkafka's unassigned partition; "desired" marks the ones the client assigned.
      const double partition = number(p, "partition").value_or(-1);
      const auto desired = p.find("desired");
      if (partition < 0 || desired == p.end() || *desired != true) continue;
      const auto records = lag(p);
      if (!records) continue;
      set(d, families_->lag,
          {{"client", d.client},
           {"topic", text(t, "topic").empty() ? topic : text(t, "topic")},
           {"partition", std::to_string(static_cast<long>(partition))}},
          *records);
    }
  }
}

void ClientStats::set(Document& d, GaugeFamily& family, const prometheus::Labels& labels,
                      double value) {
  auto& g = family.Add(labels);
  g.Set(value);
  // Tracked at once, so that a series set before a failure in the same document is still
  // removed once it is no longer reported.
  d.fresh.insert({&family, &g});
  d.state.gauges.insert({&family, &g});
}

void ClientStats::add(Document& d, CounterFamily& family, const prometheus::Labels& labels,
                      const std::string& key, double total) {
  double& last = d.state.totals[key];  // 0 for a handle not seen before
  auto& c = family.Add(labels);        // present from the first document, at 0 if need be
  if (total > last) c.Increment(total - last);
  last = total;
}

void ClientStats::expire(Clock::time_point now) {
  for (auto& [name, c] : clients_) {
    if (c.gauges.empty() || now - c.seen <= stale_after_) continue;
    for (const auto& [family, g] : c.gauges) family->Remove(g);
    c.gauges.clear();
  }
}

}  // namespace parcours::kafka
