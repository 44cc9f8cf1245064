// `parcours bench`: load generators that print figures (they are not tests).
#pragma once

#include <algorithm>
#include <vector>

#include "common/config.h"

namespace parcours::cli {

struct BenchOptions {
  long commands = 100000;    // commands pushed through the commands topic
  int batch = 1000;          // processor: commands per transaction at most
  int in_flight = 20000;     // commands sent ahead of their replies
  long events = 1000000;     // bench rebuild: events in the log
  long active = 5000;        // bench rebuild: journeys in progress at once in the log
  bool keep = false;         // bench rebuild: keep the topics (to profile a rebuild afterwards)
  int journey_events = 200;  // bench asof: events in the journey read
  int requests = 2000;       // bench asof: timed requests of each kind
  int clients = 1;           // bench http: connections, one thread each
  double seconds = 20;       // bench http: measured time
  double warmup = 3;         // bench http: load before the measured time, not counted
  double rate = 0;           // bench http: commands/s of all clients together (0: flat out)
  double open_share = 0.1;   // bench http: share of OpenJourney among the commands
  int ryw_every = 1;         // bench http: a read-your-writes GET after every n-th reply (0: none)
  int bare = 200;            // bench http: bare librdkafka transactions timed before the load
  int bare_back_to_back = 50;  // bench http: and then back to back
};

// The p-quantile (0 <= p <= 1) of the samples, nearest rank.
inline double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const auto i =
      std::min(v.size() - 1, static_cast<std::size_t>(p * static_cast<double>(v.size())));
  return v[i];
}

// Pushes N commands (OpenJourney, SubmitCandidature, RecordFollowUp on N/3 journeys) through
// the real write path (commands topic -> processor -> one transaction per batch -> replies)
// on fresh topics, then produces the same number of events with bare librdkafka transactions
// of the same size, and prints commands/s, p50/p99 latency, the raw limit and the ratio.
int bench_write(common::Config config, const BenchOptions& options);

// The processors' own work, without Kafka: the commands of bench_write decoded, decided by the
// real BatchDecider in batches and stored in a real ProcessorStore, on one thread. Prints
// commands/s, the CPU per command (deciding and storing) and the records it would produce.
int bench_decide(common::Config config, const BenchOptions& options);

// Writes `events` events of realistic journeys to fresh topics, then times a rebuild of the read
// models (in a child process, for its peak memory) and a bare consumer reading the same topic,
// and prints both rates, their ratio and the rebuild's peak RSS.
int bench_rebuild(common::Config config, const BenchOptions& options);

// Against a running `serve`: builds a journey of `journey_events` events through the API, then
// times GET /v1/journeys/{id}?as_of=T (T at random between its commands) and the current state,
// and prints p50, p99 and max.
int bench_asof(common::Config config, const BenchOptions& options);

// Against a running `serve`: times one bare librdkafka transaction cycle on the same broker (the
// reference), then runs `clients` keep-alive connections sending a mix of journey commands,
// flat out or at `rate` commands/s in total (open loop), each reply followed by a
// read-your-writes GET ?min_version. Prints the client's latencies and errors by status, and the
// server's own figures from /metrics over the same time.
int bench_http(common::Config config, const BenchOptions& options);

}  // namespace parcours::cli
