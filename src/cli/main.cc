// parcours: one binary, several subcommands (ARCHITECTURE §1).
//   serve    API + command processor + projector + metrics
//   topics   create or check the topics
//   token    sign a development token with PARCOURS_JWT_SECRET
//   bench    load generators and measurements
//   audit    read a journey's history or verify hash chains straight from Kafka
//   rebuild  rebuild the read models from offset 0 into a fresh directory
#include <CLI/CLI.hpp>
#include <algorithm>
#include <iostream>

#include "cli/audit.h"
#include "cli/bench.h"
#include "cli/dev_token.h"
#include "cli/rebuild.h"
#include "cli/serve.h"
#include "cli/topic_specs.h"
#include "common/config.h"
#include "common/log.h"

namespace {

// `parcours bench http` and its options.
CLI::App* add_bench_http(CLI::App& bench, parcours::cli::BenchOptions& o) {
  auto* bench_http = bench.add_subcommand(
      "http", "command and read-your-writes latency over HTTP, against a running serve");
  bench_http->add_option("--clients", o.clients, "connections, one thread each")
      ->check(CLI::Range(1, 10000))
      ->capture_default_str();
  bench_http->add_option("--seconds", o.seconds, "measured time")
      ->check(CLI::Range(1.0, 86400.0))
      ->capture_default_str();
  bench_http->add_option("--warmup", o.warmup, "seconds of load before, not counted")
      ->check(CLI::Range(0.0, 3600.0))
      ->capture_default_str();
  bench_http
      ->add_option("--rate", o.rate,
                   "commands/s of all clients together, on a fixed schedule (0: flat out)")
      ->check(CLI::Range(0.0, 1000000.0))
      ->capture_default_str();
  bench_http->add_option("--open-share", o.open_share, "share of OpenJourney")
      ->check(CLI::Range(0.0, 1.0))
      ->capture_default_str();
  bench_http
      ->add_option("--ryw-every", o.ryw_every,
                   "a read-your-writes GET after every n-th command reply (0: none)")
      ->check(CLI::Range(0, 1000000))
      ->capture_default_str();
  bench_http
      ->add_option("--bare", o.bare,
                   "bare Kafka transactions timed first, each after a 20 ms pause")
      ->check(CLI::Range(1, 1000000))
      ->capture_default_str();
  bench_http
      ->add_option("--bare-back-to-back", o.bare_back_to_back,
                   "then bare Kafka transactions timed back to back")
      ->check(CLI::Range(0, 1000000))
      ->capture_default_str();
  return bench_http;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace parcours;
  CLI::App app{"parcours: event-sourced case management for IAE journeys"};
  app.require_subcommand(1);
  common::Config config;
  // Every configuration option is declared once, on the top level, and subcommands let the
  // options given after their name fall through to it: `parcours serve --partitions 4`.
  // (Declared once, an option's environment variable is read once, after the flags.)
  config.declare(app, true);
  app.fallthrough();

  auto* serve = app.add_subcommand("serve", "run the API, the command processor and the projector");

  auto* topics = app.add_subcommand("topics", "create missing topics and check existing ones");

  auto* token = app.add_subcommand("token", "print a signed development token");
  std::string sub = "dev";
  std::string org;
  std::vector<std::string> roles;
  long ttl = 86400;
  token->add_option("--sub", sub, "subject (user)")->capture_default_str();
  token->add_option("--org", org, "organisation id");
  token->add_option("--role", roles, "role (admin, auditor); repeatable");
  token->add_option("--ttl", ttl, "lifetime in seconds")->capture_default_str();

  cli::BenchOptions bench_options;
  auto* bench = app.add_subcommand("bench", "measure the system");
  bench->require_subcommand(1);
  auto* bench_write = bench->add_subcommand("write", "commands/s through the write path, vs raw");
  bench_write->add_option("-n,--commands", bench_options.commands, "commands to send")
      ->capture_default_str();
  bench_write->add_option("--batch", bench_options.batch, "commands per transaction")
      ->capture_default_str();
  bench_write
      ->add_option("--in-flight", bench_options.in_flight, "commands sent ahead of their replies")
      ->capture_default_str();
  auto* bench_decide =
      bench->add_subcommand("decide", "the processors' CPU per command, without Kafka");
  bench_decide->add_option("-n,--commands", bench_options.commands, "commands to decide")
      ->capture_default_str();
  bench_decide->add_option("--batch", bench_options.batch, "commands per batch")
      ->capture_default_str();
  auto* bench_asof =
      bench->add_subcommand("asof", "as_of latency on a long journey, against a running serve");
  bench_asof->add_option("--journey-events", bench_options.journey_events, "events in the journey")
      ->check(CLI::Range(2, 100000))
      ->capture_default_str();
  bench_asof->add_option("--requests", bench_options.requests, "timed requests of each kind")
      ->check(CLI::Range(1, 10000000))
      ->capture_default_str();
  auto* bench_http = add_bench_http(*bench, bench_options);
  auto* bench_rebuild = bench->add_subcommand("rebuild", "rebuild rate vs raw read rate");
  bench_rebuild->add_option("-n,--events", bench_options.events, "events in the log")
      ->capture_default_str();
  bench_rebuild
      ->add_option("--active", bench_options.active,
                   "journeys in progress at once, their events interleaved in the log (1: each "
                   "journey's events one after another)")
      ->check(CLI::Range(1, 1000000))
      ->capture_default_str();
  bench_rebuild->add_flag("--keep", bench_options.keep,
                          "keep the topics, to profile `parcours rebuild` on them afterwards");

  auto* rebuild = app.add_subcommand("rebuild", "rebuild the read models from offset 0");
  std::string rebuild_out;
  rebuild->add_option("--out", rebuild_out, "fresh directory for the rebuilt read models")
      ->required();
  int rebuild_workers = 0;
  rebuild
      ->add_option("--workers", rebuild_workers,
                   "threads projecting disjoint partitions (default: 2, at most one per "
                   "partition); they share the batches' records and the prefetch")
      ->check(CLI::Range(1, 1024));

  auto* audit = app.add_subcommand("audit", "read histories and verify hash chains from Kafka");
  audit->require_subcommand(1);
  auto* audit_journey = audit->add_subcommand("journey", "a journey's timeline and state");
  std::string audit_id;
  std::string audit_as_of;
  audit_journey->add_option("id", audit_id, "journey id")->required();
  audit_journey->add_option("--as-of", audit_as_of, "RFC 3339 time: the state as recorded then");
  auto* audit_verify = audit->add_subcommand("verify", "verify every chain; exit 1 on a break");

  CLI11_PARSE(app, argc, argv);
  // Each subcommand asks only for the secrets it uses: minting a token needs no master key,
  // auditing the log no secret at all.
  using Secrets = common::Config::Secrets;
  const bool signs = token->parsed() || bench_asof->parsed() || bench_http->parsed();
  const Secrets secrets = serve->parsed() ? Secrets::serving
                          : signs         ? Secrets::signing
                                          : Secrets::none;
  if (auto e = config.finish(secrets); !e.empty()) {
    std::cerr << "parcours: " << e << "\n";
    return 2;
  }
  common::set_log_level(common::parse_log_level(config.log_level));

  if (serve->parsed()) return cli::serve(config);
  if (topics->parsed()) {
    kafka::TopicReport report;
    kafka::KafkaSettings k{config.kafka_brokers, config.kafka_props, 0};
    if (auto e = kafka::ensure_topics(k, cli::topic_specs(config), &report); !e.empty()) {
      std::cerr << "parcours topics: " << e << "\n";
      return 1;
    }
    for (const auto& t : report.created) std::cout << "created " << t << "\n";
    for (const auto& t : report.existing) std::cout << "ok      " << t << "\n";
    return 0;
  }
  if (token->parsed()) {
    // The admin role counts only for the platform organisation (api/caller.h).
    if (org.empty() && std::find(roles.begin(), roles.end(), "admin") != roles.end()) {
      org = config.platform_org;
    }
    std::cout << cli::dev_token(config.jwt_secret, sub, org, roles, ttl, config.jwt_issuer,
                                config.jwt_audience)
              << "\n";
    return 0;
  }
  if (bench_write->parsed()) return cli::bench_write(config, bench_options);
  if (bench_decide->parsed()) return cli::bench_decide(config, bench_options);
  if (bench_rebuild->parsed()) return cli::bench_rebuild(config, bench_options);
  if (bench_asof->parsed()) return cli::bench_asof(config, bench_options);
  if (bench_http->parsed()) return cli::bench_http(config, bench_options);
  if (rebuild->parsed()) return cli::rebuild(config, rebuild_out, rebuild_workers);
  if (audit_journey->parsed()) return cli::audit_journey(config, audit_id, audit_as_of);
  if (audit_verify->parsed()) return cli::audit_verify(config);
  return 0;
}
