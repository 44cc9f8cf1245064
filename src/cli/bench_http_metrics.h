// `parcours bench http`: the server's own figures, from two scrapes of its /metrics (Prometheus
// text format, read just enough for counters and histograms).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace parcours::cli {

struct MetricSample {
  std::string name;    // e.g. parcours_transaction_commit_seconds_sum
  std::string labels;  // the text between the braces, e.g. route="/v1/journeys/{id}"
  double value = 0;
};

using MetricScrape = std::vector<MetricSample>;

// The samples of a /metrics body; comments and lines it cannot read are skipped.
MetricScrape parse_metrics(const std::string& text);

// after - before, summed over the series of `name` whose labels contain `label` ("" for all).
double metric_delta(const MetricScrape& before, const MetricScrape& after, const std::string& name,
                    const std::string& label = "");

// The upper bound of the histogram bucket that holds the q-quantile of the observations made
// between the scrapes (`histogram` without _bucket); 0 if none, +inf beyond the last bound.
double bucket_quantile(const MetricScrape& before, const MetricScrape& after,
                       const std::string& histogram, const std::string& label, double q);

// The broker's round trip as librdkafka measured it over its last statistics interval
// (parcours_kafka_broker_rtt_avg_seconds and _p99_seconds, gauges) for the clients whose name
// starts and ends so; the slowest of them. Negative when no client matches.
struct RoundTrip {
  double avg_seconds = -1;
  double p99_seconds = -1;
};
RoundTrip slowest_round_trip(const MetricScrape& scrape, std::string_view client_starts,
                             std::string_view client_ends);

// Prints the server's figures between the scrapes: transactions (mean commit time, mean
// commands each), the commands and read routes, commands from intake to reply, and the server's
// CPU per command (process_cpu_seconds_total), and the broker's round trip for the clients on
// a command's and a read's path (slowest_round_trip).
void print_server_figures(const MetricScrape& before, const MetricScrape& after);

}  // namespace parcours::cli
