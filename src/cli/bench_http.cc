// `parcours bench http`: command and read-your-writes latency as HTTP clients see it, against a
// running `serve` (PARCOURS_HTTP_ADDR, PARCOURS_JWT_SECRET, PARCOURS_KAFKA_BROKERS), beside the
// cost of a bare Kafka transaction on the same broker and the server's own figures.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <optional>
#include <random>
#include <thread>

#include "cli/bench.h"
#include "cli/bench_http_bare.h"
#include "cli/bench_http_client.h"
#include "cli/bench_http_load.h"
#include "cli/bench_http_metrics.h"
#include "cli/thread_cpu.h"

namespace parcours::cli {

namespace {

void print_line(const char* what, const std::vector<double>& ms) {
  if (ms.empty()) {
    std::printf("  %-28s none\n", what);
    return;
  }
  std::printf("  %-28s p50 %8.2f ms   p99 %8.2f ms   max %8.2f ms   (%zu)\n", what,
              percentile(ms, 0.50), percentile(ms, 0.99), *std::max_element(ms.begin(), ms.end()),
              ms.size());
}

std::optional<MetricScrape> scrape(HttpClient& http) {
  auto r = http.get("/metrics");
  // The connection idled through the warm-up: the server may have closed it; reconnect once.
  if (r.status == 0) r = http.get("/metrics");
  if (r.status != 200) return std::nullopt;
  return parse_metrics(r.body);
}

struct LoadResult {
  LoadStats stats;
  std::optional<MetricScrape> before;
  std::optional<MetricScrape> after;
  MachineCpu machine_before;  // this machine's, read with the scrapes
  MachineCpu machine_after;
};

// Runs the clients, each with a token of its own (the per-token rate limit is meant for one
// user, not for a load generator), and scrapes /metrics as the measured time starts and once
// every client is done.
LoadResult run_load(const common::Config& config, const LoadPlan& plan, HttpClient& metrics) {
  std::vector<std::string> tokens;
  for (int i = 0; i < plan.clients; ++i) {
    tokens.push_back(
        bench_token(config, "bench-http-" + plan.run + "-" + std::to_string(i), plan.org, false));
  }
  std::vector<LoadStats> stats(static_cast<std::size_t>(plan.clients));
  std::vector<std::thread> threads;
  for (int i = 0; i < plan.clients; ++i) {
    const auto at = static_cast<std::size_t>(i);
    threads.emplace_back(
        [&plan, &tokens, &stats, i, at] { run_client(plan, i, tokens[at], &stats[at]); });
  }
  LoadResult result;
  std::this_thread::sleep_until(plan.from);
  result.machine_before = machine_cpu();
  result.before = scrape(metrics);
  for (auto& t : threads) t.join();
  result.after = scrape(metrics);
  result.machine_after = machine_cpu();
  for (const auto& s : stats) result.stats.merge(s);
  return result;
}

void print_header(const LoadPlan& plan, const BenchOptions& o) {
  std::printf("\nbench http: %d client(s), one keep-alive connection each, against %s\n",
              plan.clients, plan.addr.c_str());
  if (plan.rate > 0) {
    std::printf(
        "  open loop at %.0f commands/s in total (%.2f per client): each client's send times are "
        "fixed in advance,\n  and a command's latency counts from its scheduled time, so a slow "
        "reply cannot hide the\n  commands it delays (no coordinated omission)\n",
        plan.rate, plan.rate / plan.clients);
  } else {
    std::printf(
        "  flat out (closed loop): each client sends its next command once the previous one and "
        "its read are answered;\n  latency counts from the send\n");
  }
  std::printf(
      "  %.0f s measured after %.0f s of warm-up; OpenJourney %.0f %% of the commands; a "
      "read-your-writes GET ?min_version=v after ",
      o.seconds, o.warmup, plan.open_share * 100);
  if (plan.ryw_every > 0) {
    std::printf("every %d reply(ies)\n\n", plan.ryw_every);
  } else {
    std::printf("no reply\n\n");
  }
}

// Errors over the whole run, warm-up included: none is dropped.
long print_errors(const LoadStats& s) {
  long total = 0;
  auto print = [&](const char* what, const std::map<std::string, long>& counts) {
    for (const auto& [key, n] : counts) {
      total += n;
      const auto sample = s.error_sample.find(key);
      std::printf("  %-12s %-40s %6ld   e.g. %s\n", what, key.c_str(), n,
                  sample == s.error_sample.end() ? "" : sample->second.c_str());
    }
  };
  std::printf("answers other than 2xx (whole run, warm-up included):\n");
  print("command", s.command_errors);
  print("read", s.ryw_errors);
  if (total == 0) std::printf("  none\n");
  if (s.retries > 0) {
    std::printf("  (and %ld requests sent again on a new connection after the server closed one)\n",
                s.retries);
  }
  return total;
}

void print_client_figures(const LoadPlan& plan, const LoadStats& s, double seconds) {
  std::printf("client, over the measured time:\n");
  long sent = 0;
  for (const auto& [type, n] : s.sent) sent += n;
  std::printf("  commands answered            %.1f /s", static_cast<double>(s.answered) / seconds);
  if (plan.rate > 0) std::printf(" (target %.1f /s)", plan.rate);
  std::printf("; %ld sent:", sent);
  for (const auto& [type, n] : s.sent) std::printf(" %s %ld", type.c_str(), n);
  std::printf("\n");
  if (s.behind > 0) {
    std::printf("  behind schedule              %ld scheduled commands not sent by the end\n",
                s.behind);
  }
  print_line("command latency", s.command_ms);
  if (plan.rate > 0) print_line("  of which waiting to send", s.late_ms);
  print_line("read-your-writes GET", s.ryw_ms);
}

// How busy this machine was over the measured time: where the server and the broker run on
// it too, whether the latencies were made on full cores.
void print_machine_figures(const MachineCpu& before, const MachineCpu& after) {
  const double total = after.total_seconds - before.total_seconds;
  if (total <= 0) return;
  std::printf("this machine, over the measured time:\n  %-30s %8.0f %% of %ld cores\n", "CPU busy",
              (after.busy_seconds - before.busy_seconds) / total * 100, machine_cores());
}

BenchClock::duration seconds(double s) {
  return std::chrono::duration_cast<BenchClock::duration>(std::chrono::duration<double>(s));
}

int run_and_print(const common::Config& config, const BenchOptions& o, LoadPlan& plan,
                  HttpClient& http, const BareFigures& bare) {
  plan.start = BenchClock::now() + std::chrono::milliseconds(200);  // the clients connect first
  plan.from = plan.start + seconds(o.warmup);
  plan.to = plan.from + seconds(o.seconds);
  print_header(plan, o);
  const LoadResult r = run_load(config, plan, http);
  std::printf(
      "reference, before the load, alone: bare transactions (begin, 600 B + 200 B records on two "
      "topics, offsets, commit)\n");
  const std::string spaced = "bare, after a " + std::to_string(kBarePauseMs) + " ms pause";
  print_line(spaced.c_str(), bare.spaced);
  if (!bare.back_to_back.empty()) print_line("bare, back to back", bare.back_to_back);
  print_client_figures(plan, r.stats, o.seconds);
  if (r.before && r.after) {
    print_server_figures(*r.before, *r.after);
  } else {
    std::printf("server: /metrics did not answer\n");
  }
  print_machine_figures(r.machine_before, r.machine_after);
  const long errors = print_errors(r.stats);
  return errors == 0 && r.stats.behind == 0 ? 0 : 1;
}

}  // namespace

int bench_http(common::Config config, const BenchOptions& options) {
  if (config.jwt_secret.empty()) {
    std::cerr << "bench http: PARCOURS_JWT_SECRET is needed to sign the bench's tokens\n";
    return 1;
  }
  std::optional<HttpClient> http;
  try {
    http.emplace(config.http_addr);
  } catch (const std::exception& e) {
    std::cerr << "bench http: cannot reach serve at " << config.http_addr << ": " << e.what()
              << "\n";
    return 1;
  }
  // The reference first, alone: nothing else runs on the broker for this bench meanwhile.
  std::printf("bare librdkafka transactions on %s (%d spaced, %d back to back)...\n",
              config.kafka_brokers.c_str(), options.bare, options.bare_back_to_back);
  std::string error;
  const auto bare = bare_commit_cycles(config, options.bare, options.bare_back_to_back, &error);
  if (bare.spaced.empty()) {
    std::cerr << "bench http: bare transactions: " << error << "\n";
    return 1;
  }

  LoadPlan plan;
  plan.addr = config.http_addr;
  plan.run = std::to_string(std::random_device{}() % 1000000);
  plan.org = "bench-http-" + plan.run;
  plan.clients = options.clients;
  plan.rate = options.rate;
  plan.open_share = options.open_share;
  plan.ryw_every = options.ryw_every;
  const std::string admin = bench_token(config, "bench-admin", "", true);
  if (auto e = register_prescriber(*http, admin, plan.org); !e.empty()) {
    std::cerr << "bench http: " << e << "\n";
    return 1;
  }
  const auto probe = open_journey_once_registered(
      *http, bench_token(config, "bench-http-setup", plan.org, false), "bh-" + plan.run + "-setup");
  if (probe.status < 200 || probe.status >= 300) {
    std::cerr << "bench http: OpenJourney: " << probe.status << " " << probe.body << "\n";
    return 1;
  }
  return run_and_print(config, options, plan, *http, bare);
}

}  // namespace parcours::cli
