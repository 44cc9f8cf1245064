#include "cli/serve.h"

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <memory>
#include <random>
#include <thread>

#include <prometheus/registry.h>
#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>

#include "api/api.h"
#include "api/business_probe.h"
#include "cli/topic_specs.h"
#include "common/log.h"
#include "common/process_metrics.h"
#include "common/thread_name.h"
#include "http/server.h"
#include "kafka/client_stats.h"
#include "processor/failpoints.h"
#include "processor/processor_pool.h"
#include "projections/business_figures.h"
#include "projections/projector.h"
#include "store/rocks_db_metrics.h"

namespace parcours::cli {

namespace {

std::pair<std::string, std::uint16_t> split_addr(const std::string& addr) {
  const auto colon = addr.rfind(':');
  return {addr.substr(0, colon), static_cast<std::uint16_t>(std::stoi(addr.substr(colon + 1)))};
}

// 8 hex digits, different at every start.
std::string process_nonce() {
  std::random_device rd;
  char buf[9];
  std::snprintf(buf, sizeof buf, "%08x", rd());
  return buf;
}

// Two projectors, each with a reader of its own. The journeys' (events and keys) answers
// read-your-writes: its fetches carry only what a waiting query needs.
projections::ProjectorOptions journey_projector_options(const common::Config& config) {
  projections::ProjectorOptions o;
  o.events_topic = config.events_topic();
  o.partitions = config.partitions;
  o.keys_topic = config.keys_topic();
  o.keys_partitions = config.small_partitions;
  return o;
}

// The access log's (ARCHITECTURE §2) is read by auditors only: its reader waits for 16 KiB or
// 100 ms per fetch, so that under load its records come in few fetches and large WriteBatches,
// and they never delay the journeys' projection (decision 0026).
projections::ProjectorOptions access_projector_options(const common::Config& config) {
  projections::ProjectorOptions o;
  o.partitions = 0;
  o.keys_partitions = 0;
  o.access_topic = config.access_log_topic();
  o.access_partitions = config.partitions;
  o.reader_name = "access-log-reader";
  o.consumer_props = {{"fetch.min.bytes", "16384"}, {"fetch.wait.max.ms", "100"}};
  return o;
}

int fail(const std::string& what) {
  common::log_error("serve cannot start", {{"error", what}});
  return 1;
}

}  // namespace

int serve(common::Config config) {
  // Signals are taken synchronously by this thread; every other thread blocks them.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  // Where a start's time goes, in the "serving" line: a slow restart says which step it waited on.
  const auto started = std::chrono::steady_clock::now();
  nlohmann::json startup;
  auto lap = [&startup, last = started](const char* step) mutable {
    const auto now = std::chrono::steady_clock::now();
    startup[step] = std::chrono::duration<double>(now - last).count();
    last = now;
  };
  std::string error;
  auto ring = crypto::MasterKeyRing::parse(config.master_key, &error);
  if (!ring) return fail("PARCOURS_MASTER_KEY: " + error);
  auto jwt =
      auth::JwtVerifier::create({config.jwt_secret, config.jwt_public_key, std::chrono::seconds(60),
                                 config.jwt_issuer, config.jwt_audience},
                                &error);
  if (!jwt) return fail(error);
  kafka::KafkaSettings kafka{config.kafka_brokers, config.kafka_props,
                             config.kafka_statistics_interval_ms};

  kafka::TopicReport report;
  if (auto e = kafka::ensure_topics(kafka, topic_specs(config), &report); !e.empty()) {
    return fail("topics: " + e);
  }
  if (!report.created.empty()) common::log_info("topics created", {{"topics", report.created}});
  lap("topics_seconds");

  std::filesystem::create_directories(config.data_dir);
  const bool compress = config.rocksdb_compression != "none";
  auto processor_store =
      processor::ProcessorStore::open(config.data_dir + "/processor", &error, compress);
  if (!processor_store) return fail(error);
  auto views = projections::ViewsStore::open(config.data_dir + "/views", &error,
                                             {.block_cache_mb = 128, .compress = compress});
  if (!views) return fail(error);
  lap("stores_seconds");

  prometheus::Registry metrics;
  processor::ProcessorProbe processor_probe(metrics);
  api::ApiProbe api_probe(metrics);
  api::BusinessProbe business_probe(metrics);
  // Declared before every client it serves and after the stores it reads: both outlive them.
  kafka::ClientStats client_stats(metrics, config.kafka_statistics_interval_ms);
  kafka.stats = &client_stats;
  store::RocksDbMetrics store_metrics;
  store_metrics.add("processor", processor_store->db());
  store_metrics.add("views", views->db());
  common::ProcessMetrics process_metrics;

  projections::OrgRegistry registry(kafka, config.org_events_topic(), config.small_partitions);
  // Retried for 30 s: brokers may learn of topics just created a moment after the controllers.
  if (auto s = registry.sync(30000); !s.ok()) {
    return fail("organisation registry not read (are the topics created? `parcours topics`): " +
                s.message);
  }
  lap("registry_seconds");

  processor::ProcessorOptions popts;
  popts.topics = {config.commands_topic(), config.events_topic(), config.org_events_topic(),
                  config.replies_topic(),  config.keys_topic(),   config.partitions,
                  config.small_partitions};
  popts.dead_letter_topic = config.dead_letters_topic();
  popts.group_id = config.topic_prefix + "processor";
  popts.transactional_id = config.topic_prefix + "processor-" + config.instance_id;
  popts.batch_max = config.batch_max;
  popts.batch_linger_ms = config.batch_linger_ms;
  popts.keys_partitions = config.small_partitions;
  popts.session_timeout_ms = config.session_timeout_ms;
  processor::ProcessorPool processor(config.processors, popts, kafka, *processor_store, registry,
                                     *ring, &processor_probe);
  common::log_info("command processors", {{"count", processor.size()}});
  lap("processors_seconds");
  // Test failpoints (processor/failpoints.h), never set in production.
  if (auto fp = processor::arm_test_failpoints(processor); !fp.empty()) {
    common::log_warn("failpoint armed", {{"failpoint", fp}});
  }

  projections::ProjectorProbe projector_probe(metrics);
  projections::Projector projector(journey_projector_options(config), kafka, *views,
                                   &projector_probe);
  projections::Projector access_projector(access_projector_options(config), kafka, *views,
                                          &projector_probe);
  api::VersionWaiters waiters;
  projector.add_listener([&waiters](const auto& changed) { waiters.notify(changed); });

  // The gateway's reply address names this process, not only the instance: a reply to a
  // command sent before a restart (answered by the processor after it) is never taken for the
  // answer to a new request that reuses its request number.
  api::CommandGateway gateway({config.commands_topic(), config.replies_topic(),
                               config.small_partitions, config.instance_id + "." + process_nonce(),
                               std::chrono::milliseconds(config.reply_timeout_ms)},
                              kafka);
  if (auto e = gateway.start(); !e.empty()) return fail("command gateway: " + e);
  api::AccessLog access_log(config.access_log_topic(), kafka);
  if (auto e = access_log.start(); !e.empty()) return fail("access log: " + e);
  lap("gateway_seconds");

  std::atomic<bool> stop_processor{false};
  std::atomic<bool> stop_projector{false};
  std::atomic<bool> stop_timers{false};
  std::atomic<int> exit_code{0};
  std::thread processor_thread([&] {
    common::name_this_thread("parcours-pool");
    if (auto e = processor.run(stop_processor); !e.empty()) {
      common::log_error("command processor stopped", {{"error", e}});
      exit_code = 2;
      kill(getpid(), SIGTERM);
    }
  });
  auto run_projector = [&](projections::Projector& p, const char* what) {
    if (auto e = p.run(stop_projector); !e.empty()) {
      common::log_error("projector stopped", {{"projector", what}, {"error", e}});
      exit_code = 2;
      kill(getpid(), SIGTERM);
    }
  };
  std::thread projector_thread([&] {
    common::name_this_thread("parcours-proj");
    run_projector(projector, "journeys");
  });
  std::thread access_projector_thread([&] {
    common::name_this_thread("parcours-accproj");
    run_projector(access_projector, "access log");
  });
  // The business gauges: a scan of the indexes, on a thread of its own so that a long scan
  // delays neither requests nor the timers below.
  std::thread gauges([&] {
    common::name_this_thread("parcours-gauges");
    auto last = std::chrono::steady_clock::time_point{};
    while (!stop_timers.load()) {
      if (projector.caught_up() && std::chrono::steady_clock::now() - last >
                                       std::chrono::milliseconds(config.business_gauges_ms)) {
        const auto now = std::chrono::system_clock::now();
        try {
          business_probe.publish(
              projections::business_figures(*views, domain::Date::utc_date_of(now)),
              std::chrono::duration<double>(now.time_since_epoch()).count());
        } catch (const std::exception& e) {
          // A failed scan of the read models (store/errors.h): counted again next period.
          common::log_warn("business gauges not counted", {{"error", e.what()}});
        }
        last = std::chrono::steady_clock::now();
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  });
  std::thread timers([&] {
    common::name_this_thread("parcours-timers");
    auto last_sync = std::chrono::steady_clock::now();
    while (!stop_timers.load()) {
      waiters.expire(std::chrono::steady_clock::now());
      // Keeps the API's view of the registry fresh when no command flows (deactivations).
      if (std::chrono::steady_clock::now() - last_sync > std::chrono::milliseconds(500)) {
        (void)registry.sync(2000);
        last_sync = std::chrono::steady_clock::now();
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  });

  api::Callers callers(*jwt, registry, {.platform_org = config.platform_org});
  // The answers of ?min_version waits run here, never on the projector's thread.
  boost::asio::thread_pool deferred(2);
  api::ApiDeps deps;
  deps.callers = &callers;
  deps.access_log = &access_log;
  deps.defer = [&deferred](std::function<void()> task) {
    boost::asio::post(deferred, std::move(task));
  };
  deps.registry = &registry;
  deps.views = views.get();
  deps.gateway = &gateway;
  deps.waiters = &waiters;
  deps.keys = &*ring;
  deps.probe = &api_probe;
  deps.collectables = {&store_metrics, &process_metrics};
  deps.min_version_wait = std::chrono::milliseconds(config.min_version_wait_ms);
  deps.reply_visible_wait = std::chrono::milliseconds(config.reply_visible_wait_ms);
  deps.run_deadlines = [&processor](domain::Date day) { processor.request_deadlines(day); };
  deps.ready = [&] {
    return processor.ready() && projector.caught_up() && access_projector.caught_up() &&
           gateway.healthy();
  };
  deps.before_metrics = [&] {
    for (const auto& [p, lag] : projector.lag()) {
      api_probe.projector_lag(p, static_cast<double>(lag));
    }
    api_probe.access_log_failures(access_log.failures());
  };
  api::RateLimiter limiter(config.rate_limit, config.rate_burst);
  deps.limiter = &limiter;
  // Failed proofs of identity: `proof_limit` per hour and organisation, all at once at most.
  api::RateLimiter proofs(config.proof_limit / 3600.0, config.proof_limit);
  deps.proof_limiter = config.proof_limit > 0 ? &proofs : nullptr;
  api::Api api(deps);

  http::ServerOptions hopts;
  std::tie(hopts.address, hopts.port) = split_addr(config.http_addr);
  hopts.threads = config.http_threads;
  hopts.max_body_bytes = static_cast<std::size_t>(config.max_body_bytes);
  hopts.handler_timeout = std::chrono::milliseconds(config.reply_timeout_ms + 2000);
  http::Server server(hopts, [&api](http::Request&& r, http::Responder respond) {
    api.handle(std::move(r), std::move(respond));
  });
  if (!server.start(&error)) {
    stop_processor = stop_projector = stop_timers = true;
    processor_thread.join();
    projector_thread.join();
    access_projector_thread.join();
    timers.join();
    gauges.join();
    return fail("http: " + error);
  }
  common::log_info(
      "serving",
      {{"http", hopts.address + ":" + std::to_string(server.port())},
       {"brokers", config.kafka_brokers},
       {"topic_prefix", config.topic_prefix},
       {"instance", config.instance_id},
       {"startup", startup},
       {"startup_seconds",
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count()}});

  int sig = 0;
  sigwait(&signals, &sig);
  common::log_info("stopping", {{"signal", sig}});
  // Drain in order: finish HTTP requests (they may wait for command replies, so the gateway
  // and the processor keep running), then the gateway, the processor (it finishes and commits
  // its batch), the projector.
  server.stop(std::chrono::milliseconds(5000));
  deferred.join();
  access_log.stop();
  gateway.stop();
  stop_processor = true;
  processor_thread.join();
  stop_projector = true;
  projector_thread.join();
  access_projector_thread.join();
  stop_timers = true;
  timers.join();
  gauges.join();
  common::log_info("stopped", {});
  return exit_code.load();
}

}  // namespace parcours::cli
