// `parcours bench asof`: the latency of GET /v1/journeys/{id}?as_of=T on a long journey, as a
// client sees it, against a running `serve` (PARCOURS_HTTP_ADDR, PARCOURS_JWT_SECRET).
//
// The journey is built through the API (OpenJourney, then follow-ups), so its events went
// through the real write path and projector. Each as_of falls between two of the journey's
// commands, so the replay covers a random prefix of its events, as an auditor's would.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <functional>
#include <iostream>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli/bench.h"
#include "cli/bench_http_client.h"
#include "common/clock.h"

namespace parcours::cli {

namespace {

using Clock = std::chrono::steady_clock;

// Times `requests` GETs of `target(i)`, each as a distinct reader (the per-token rate limit is
// meant for one client, not for a load generator). Returns the latencies in milliseconds.
std::vector<double> time_reads(HttpClient& client, const common::Config& config, int requests,
                               const std::function<std::string(int)>& target, int* errors) {
  std::vector<double> ms;
  ms.reserve(static_cast<std::size_t>(requests));
  static int readers = 0;
  std::string reader;
  for (int i = 0; i < requests; ++i) {
    if (i % 100 == 0)
      reader = bench_token(config, "bench-reader-" + std::to_string(++readers), "", true);
    const auto t0 = Clock::now();
    const auto r = client.get(target(i), reader);
    ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
    if (r.status != 200 && ++*errors == 1) {
      std::cerr << "bench asof: " << target(i) << ": " << r.status << " " << r.body << "\n";
    }
  }
  return ms;
}

void print_line(const char* what, const std::vector<double>& ms) {
  std::printf("  %-22s p50 %7.3f ms   p99 %7.3f ms   max %7.3f ms\n", what, percentile(ms, 0.50),
              percentile(ms, 0.99), *std::max_element(ms.begin(), ms.end()));
}

}  // namespace

int bench_asof(common::Config config, const BenchOptions& options) {
  if (config.jwt_secret.empty()) {
    std::cerr << "bench asof: PARCOURS_JWT_SECRET is needed to sign the bench's tokens\n";
    return 1;
  }
  std::optional<HttpClient> client;
  try {
    client.emplace(config.http_addr);
  } catch (const std::exception& e) {
    std::cerr << "bench asof: cannot reach serve at " << config.http_addr << ": " << e.what()
              << "\n";
    return 1;
  }
  const std::string run = std::to_string(std::random_device{}() % 1000000);
  const std::string org = "bench-ft-" + run;
  const std::string journey = "bench-asof-" + run;
  const std::string admin = bench_token(config, "bench-admin", "", true);
  const std::string writer = bench_token(config, "bench-writer", org, false);
  if (auto e = register_prescriber(*client, admin, org); !e.empty()) {
    std::cerr << "bench asof: " << e << "\n";
    return 1;
  }

  // The journey: OpenJourney, then follow-ups up to `events` events. times[k] is a moment
  // after the k-th command's reply and before the next command.
  std::printf("building a journey of %d events through the API...\n", options.journey_events);
  std::vector<std::string> times;
  const std::string today = common::now_rfc3339().substr(0, 10);
  const std::string target = "/v1/journeys/" + journey + "/commands";
  auto r = open_journey_once_registered(*client, writer, journey);
  if (r.status >= 300) {
    std::cerr << "bench asof: OpenJourney: " << r.status << " " << r.body << "\n";
    return 1;
  }
  times.push_back(common::now_rfc3339());
  long version = nlohmann::json::parse(r.body).value("version", 1L);
  while (version < options.journey_events) {
    const std::string id = "f" + std::to_string(version);
    r = client->post(target, writer,
                     command_body("RecordFollowUp",
                                  {{"followup_id", id}, {"date", today}, {"kind", "interview"}}),
                     journey + "-" + id);
    if (r.status >= 300) {
      std::cerr << "bench asof: RecordFollowUp: " << r.status << " " << r.body << "\n";
      return 1;
    }
    version = nlohmann::json::parse(r.body).value("version", version + 1);
    times.push_back(common::now_rfc3339());
  }
  r = client->get("/v1/journeys/" + journey + "?min_version=" + std::to_string(version), admin);
  if (r.status != 200) {
    std::cerr << "bench asof: the read model did not reach version " << version << "\n";
    return 1;
  }

  std::mt19937 rng(42);
  std::uniform_int_distribution<std::size_t> pick(0, times.size() - 1);
  auto as_of = [&](int) { return "/v1/journeys/" + journey + "?as_of=" + times[pick(rng)]; };
  auto latest = [&](int) { return "/v1/journeys/" + journey; };
  int errors = 0;
  (void)time_reads(*client, config, std::min(200, options.requests), as_of, &errors);  // warm-up
  const auto as_of_ms = time_reads(*client, config, options.requests, as_of, &errors);
  const auto latest_ms = time_reads(*client, config, options.requests, latest, &errors);

  std::printf(
      "\nGET /v1/journeys/{id} on a journey of %ld events, %d requests each, one "
      "keep-alive connection (%s)\n",
      version, options.requests, config.http_addr.c_str());
  print_line("?as_of=T (replay)", as_of_ms);
  print_line("current state", latest_ms);
  if (errors > 0) {
    std::printf("  %d requests did not answer 200\n", errors);
    return 1;
  }
  return 0;
}

}  // namespace parcours::cli
