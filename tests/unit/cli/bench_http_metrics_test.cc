#include "cli/bench_http_metrics.h"

#include <cmath>

#include <gtest/gtest.h>

namespace parcours::cli {
namespace {

// As prometheus-cpp writes it: route templates hold braces inside quoted label values.
const char* kBefore = R"(# HELP parcours_http_request_seconds HTTP request latency by route
# TYPE parcours_http_request_seconds histogram
parcours_http_request_seconds_count{route="/v1/journeys/{id}/commands"} 10
parcours_http_request_seconds_sum{route="/v1/journeys/{id}/commands"} 0.2
parcours_http_request_seconds_bucket{route="/v1/journeys/{id}/commands",le="0.01"} 4
parcours_http_request_seconds_bucket{route="/v1/journeys/{id}/commands",le="0.025"} 9
parcours_http_request_seconds_bucket{route="/v1/journeys/{id}/commands",le="+Inf"} 10
parcours_http_request_seconds_count{route="/v1/journeys/{id}"} 5
parcours_transaction_commands_sum 30
parcours_transaction_commands_count 10
)";

const char* kAfter = R"(parcours_http_request_seconds_count{route="/v1/journeys/{id}/commands"} 110
parcours_http_request_seconds_sum{route="/v1/journeys/{id}/commands"} 2.2
parcours_http_request_seconds_bucket{route="/v1/journeys/{id}/commands",le="0.01"} 54
parcours_http_request_seconds_bucket{route="/v1/journeys/{id}/commands",le="0.025"} 105
parcours_http_request_seconds_bucket{route="/v1/journeys/{id}/commands",le="+Inf"} 110
parcours_http_request_seconds_count{route="/v1/journeys/{id}"} 25
parcours_transaction_commands_sum 230
parcours_transaction_commands_count 60
)";

TEST(BenchHttpMetrics, ReadsSamplesWithBracesInLabelValues) {
  const auto s = parse_metrics(kBefore);
  ASSERT_EQ(s.size(), 8u);
  EXPECT_EQ(s[0].name, "parcours_http_request_seconds_count");
  EXPECT_EQ(s[0].labels, "route=\"/v1/journeys/{id}/commands\"");
  EXPECT_DOUBLE_EQ(s[0].value, 10);
  EXPECT_EQ(s[6].name, "parcours_transaction_commands_sum");
  EXPECT_EQ(s[6].labels, "");
  EXPECT_DOUBLE_EQ(s[6].value, 30);
}

TEST(BenchHttpMetrics, DeltasKeepRoutesApart) {
  const auto before = parse_metrics(kBefore);
  const auto after = parse_metrics(kAfter);
  const std::string commands = "route=\"/v1/journeys/{id}/commands\"";
  const std::string read = "route=\"/v1/journeys/{id}\"";
  EXPECT_DOUBLE_EQ(metric_delta(before, after, "parcours_http_request_seconds_count", commands),
                   100);
  EXPECT_DOUBLE_EQ(metric_delta(before, after, "parcours_http_request_seconds_count", read), 20);
  EXPECT_DOUBLE_EQ(metric_delta(before, after, "parcours_http_request_seconds_count"), 120);
  EXPECT_NEAR(metric_delta(before, after, "parcours_http_request_seconds_sum", commands), 2.0,
              1e-9);
}

TEST(BenchHttpMetrics, QuantileIsTheBoundOfTheBucketHoldingIt) {
  const auto before = parse_metrics(kBefore);
  const auto after = parse_metrics(kAfter);
  const std::string commands = "route=\"/v1/journeys/{id}/commands\"";
  // Between the scrapes: 50 under 10 ms, 46 more under 25 ms, 4 above.
  EXPECT_DOUBLE_EQ(bucket_quantile(before, after, "parcours_http_request_seconds", commands, 0.50),
                   0.01);
  EXPECT_DOUBLE_EQ(bucket_quantile(before, after, "parcours_http_request_seconds", commands, 0.90),
                   0.025);
  EXPECT_TRUE(
      std::isinf(bucket_quantile(before, after, "parcours_http_request_seconds", commands, 0.99)));
  EXPECT_DOUBLE_EQ(bucket_quantile(before, after, "parcours_command_seconds", "", 0.99), 0);
}

// client_stats.h's gauges, one series per client and broker.
const char* kRoundTrips =
    R"(parcours_kafka_broker_rtt_avg_seconds{broker="127.0.0.1:9092/1",client="processor-producer"} 0.004
parcours_kafka_broker_rtt_avg_seconds{broker="127.0.0.1:9092/1",client="processor1-producer"} 0.006
parcours_kafka_broker_rtt_p99_seconds{broker="127.0.0.1:9092/1",client="processor1-producer"} 0.02
parcours_kafka_broker_rtt_avg_seconds{broker="127.0.0.1:9092/1",client="processor-consumer"} 0.5
parcours_kafka_broker_rtt_avg_seconds{broker="127.0.0.1:9092/1",client="access-log-producer"} 0.0015
parcours_kafka_broker_rtt_p99_seconds{broker="127.0.0.1:9092/1",client="access-log-producer"} 0.004
parcours_kafka_broker_requests_in_flight{broker="127.0.0.1:9092/1",client="access-log-producer"} 9
)";

TEST(BenchHttpMetrics, RoundTripIsTheSlowestOfTheClientsNamedSo) {
  const auto s = parse_metrics(kRoundTrips);
  const RoundTrip processors = slowest_round_trip(s, "processor", "-producer");
  EXPECT_DOUBLE_EQ(processors.avg_seconds, 0.006);  // not the consumer's 0.5
  EXPECT_DOUBLE_EQ(processors.p99_seconds, 0.02);
  const RoundTrip log = slowest_round_trip(s, "access-log", "-producer");
  EXPECT_DOUBLE_EQ(log.avg_seconds, 0.0015);
  EXPECT_DOUBLE_EQ(log.p99_seconds, 0.004);
  EXPECT_LT(slowest_round_trip(s, "commands", "-producer").avg_seconds, 0);
}

}  // namespace
}  // namespace parcours::cli
