#include "cli/bench_http_metrics.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <map>
#include <sstream>
#include <string>
#include <string_view>

namespace parcours::cli {

namespace {

// One sample line: name, optional {labels} (whose quoted values may hold braces, as route
// templates do), value. False if the line is not one.
bool parse_line(const std::string& line, MetricSample* out) {
  std::size_t i = line.find_first_of("{ ");
  if (i == std::string::npos || i == 0) return false;
  out->name = line.substr(0, i);
  out->labels.clear();
  if (line[i] == '{') {
    bool quoted = false;
    std::size_t j = i + 1;
    for (; j < line.size(); ++j) {
      if (quoted && line[j] == '\\') {
        ++j;
      } else if (line[j] == '"') {
        quoted = !quoted;
      } else if (!quoted && line[j] == '}') {
        break;
      }
    }
    if (j >= line.size()) return false;
    out->labels = line.substr(i + 1, j - i - 1);
    i = j + 1;
  }
  const char* begin = line.c_str() + i;
  char* end = nullptr;
  out->value = std::strtod(begin, &end);
  return end != begin;
}

// The value of label `key` in a sample's labels ("" if absent). Label values here are names
// and numbers: an escaped quote inside one is not looked for.
std::string_view label_value(std::string_view labels, std::string_view key) {
  for (std::size_t at = labels.find(key); at != std::string_view::npos;
       at = labels.find(key, at + 1)) {
    const std::size_t open = at + key.size();
    const bool starts_label = at == 0 || labels[at - 1] == ',';
    if (!starts_label || labels.substr(open, 2) != "=\"") continue;
    const std::size_t close = labels.find('"', open + 2);
    if (close == std::string_view::npos) return {};
    return labels.substr(open + 2, close - open - 2);
  }
  return {};
}

// The `le` bound of a bucket's labels.
double bucket_bound(const std::string& labels) {
  const std::string v(label_value(labels, "le"));
  if (v.empty()) return std::numeric_limits<double>::quiet_NaN();
  if (v == "+Inf") return std::numeric_limits<double>::infinity();
  return std::strtod(v.c_str(), nullptr);
}

// Per bucket bound, the observations of `histogram` with `label` between the scrapes.
std::map<double, double> bucket_deltas(const MetricScrape& before, const MetricScrape& after,
                                       const std::string& histogram, const std::string& label) {
  std::map<double, double> counts;
  const std::string name = histogram + "_bucket";
  auto add = [&](const MetricScrape& scrape, double sign) {
    for (const auto& s : scrape) {
      if (s.name != name || s.labels.find(label) == std::string::npos) continue;
      const double le = bucket_bound(s.labels);
      if (!std::isnan(le)) counts[le] += sign * s.value;
    }
  };
  add(after, 1);
  add(before, -1);
  return counts;
}

// "count, mean x ms, p50 <= y ms, p99 <= z ms" of a histogram in seconds.
void print_latency(const char* what, const MetricScrape& before, const MetricScrape& after,
                   const std::string& histogram, const std::string& label) {
  const double count = metric_delta(before, after, histogram + "_count", label);
  const double sum = metric_delta(before, after, histogram + "_sum", label);
  if (count <= 0) {
    std::printf("  %-30s none\n", what);
    return;
  }
  std::printf("  %-30s %8.0f, mean %6.2f ms, p50 <= %g ms, p99 <= %g ms\n", what, count,
              sum / count * 1000, bucket_quantile(before, after, histogram, label, 0.50) * 1000,
              bucket_quantile(before, after, histogram, label, 0.99) * 1000);
}

}  // namespace

MetricScrape parse_metrics(const std::string& text) {
  MetricScrape out;
  std::istringstream in(text);
  std::string line;
  MetricSample s;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    if (parse_line(line, &s)) out.push_back(s);
  }
  return out;
}

double metric_delta(const MetricScrape& before, const MetricScrape& after, const std::string& name,
                    const std::string& label) {
  double total = 0;
  for (const auto& s : after) {
    if (s.name == name && s.labels.find(label) != std::string::npos) total += s.value;
  }
  for (const auto& s : before) {
    if (s.name == name && s.labels.find(label) != std::string::npos) total -= s.value;
  }
  return total;
}

double bucket_quantile(const MetricScrape& before, const MetricScrape& after,
                       const std::string& histogram, const std::string& label, double q) {
  const auto counts = bucket_deltas(before, after, histogram, label);
  if (counts.empty() || counts.rbegin()->second <= 0) return 0;
  // Buckets are cumulative: the first whose count reaches q of the total holds the quantile.
  const double target = q * counts.rbegin()->second;
  for (const auto& [le, n] : counts) {
    if (n >= target) return le;
  }
  return counts.rbegin()->first;
}

namespace {

// The clients on a command's and a read's path, by the start and the end of their name (the
// processors' are processor-producer, processor1-producer, ...).
void print_round_trips(const MetricScrape& after) {
  struct Client {
    const char* what;
    const char* starts;
    const char* ends;
  };
  const Client clients[] = {{"access-log producer", "access-log", "-producer"},
                            {"commands producer", "commands", "-producer"},
                            {"processors' producers", "processor", "-producer"}};
  for (const auto& c : clients) {
    const RoundTrip rt = slowest_round_trip(after, c.starts, c.ends);
    if (rt.avg_seconds < 0) continue;
    std::printf("  %-30s avg %6.2f ms, p99 %6.2f ms (librdkafka, last statistics interval)\n",
                (std::string("rtt: ") + c.what).c_str(), rt.avg_seconds * 1000,
                rt.p99_seconds * 1000);
  }
}

}  // namespace

RoundTrip slowest_round_trip(const MetricScrape& scrape, std::string_view client_starts,
                             std::string_view client_ends) {
  RoundTrip rt;
  for (const auto& s : scrape) {
    const std::string_view client = label_value(s.labels, "client");
    if (!client.starts_with(client_starts) || !client.ends_with(client_ends)) continue;
    if (s.name == "parcours_kafka_broker_rtt_avg_seconds") {
      rt.avg_seconds = std::max(rt.avg_seconds, s.value);
    } else if (s.name == "parcours_kafka_broker_rtt_p99_seconds") {
      rt.p99_seconds = std::max(rt.p99_seconds, s.value);
    }
  }
  return rt;
}

void print_server_figures(const MetricScrape& before, const MetricScrape& after) {
  std::printf(
      "server, from /metrics over the measured time (pN <= the bucket bound holding it):\n");
  print_latency("batch: gather (linger)", before, after, "parcours_batch_phase_seconds",
                "phase=\"gather\"");
  print_latency("batch: registry sync", before, after, "parcours_batch_phase_seconds",
                "phase=\"registry_sync\"");
  print_latency("batch: decide", before, after, "parcours_batch_phase_seconds", "phase=\"decide\"");
  print_latency("batch: send offsets (beside)", before, after, "parcours_batch_phase_seconds",
                "phase=\"send_offsets\"");
  print_latency("transaction commit", before, after, "parcours_transaction_commit_seconds", "");
  print_latency("batch: store", before, after, "parcours_batch_phase_seconds", "phase=\"store\"");
  const double batches = metric_delta(before, after, "parcours_transaction_commands_count");
  const double batched = metric_delta(before, after, "parcours_transaction_commands_sum");
  if (batches > 0) {
    std::printf("  %-30s %8.2f on average (%.0f commands in %.0f transactions)\n",
                "commands per transaction", batched / batches, batched, batches);
  }
  print_latency("POST /v1/journeys/{id}/commands", before, after, "parcours_http_request_seconds",
                "route=\"/v1/journeys/{id}/commands\"");
  print_latency("GET /v1/journeys/{id}", before, after, "parcours_http_request_seconds",
                "route=\"/v1/journeys/{id}\"");
  print_latency("command intake to reply", before, after, "parcours_command_seconds", "");
  print_latency("answer waiting for its version", before, after,
                "parcours_reply_visible_wait_seconds", "");
  print_latency("read waiting for its version", before, after, "parcours_read_version_wait_seconds",
                "");
  print_latency("read waiting for its access log", before, after, "parcours_access_log_ack_seconds",
                "");
  print_round_trips(after);
  // The server's CPU is a steadier figure than its tail latencies on a shared machine.
  const double cpu = metric_delta(before, after, "process_cpu_seconds_total");
  const double commands = metric_delta(before, after, "parcours_command_seconds_count");
  if (cpu > 0 && commands > 0) {
    std::printf("  %-30s %8.2f s, %.0f us per command (its read included)\n", "server CPU", cpu,
                cpu / commands * 1e6);
  }
}

}  // namespace parcours::cli
