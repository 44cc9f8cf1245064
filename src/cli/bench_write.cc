#include <librdkafka/rdkafkacpp.h>
#include <prometheus/registry.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <iostream>
#include <map>
#include <mutex>
#include <thread>
#include <vector>

#include "cli/bench.h"
#include "cli/bench_commands.h"
#include "cli/thread_cpu.h"
#include "cli/topic_specs.h"
#include "common/clock.h"
#include "common/log.h"
#include "events/envelope.h"
#include "kafka/topic_reader.h"
#include "kafka/transactional_producer.h"
#include "processor/processor_pool.h"
#include "processor/processor_probe.h"

namespace parcours::cli {

namespace {

using Clock = std::chrono::steady_clock;

// A command as the API hands it to Kafka: its id, key and record.
struct Encoded {
  std::string command_id;
  std::string key;
  std::string value;
};

Encoded encoded(const processor::CommandRecord& c) {
  return {c.command_id, c.stream_id, processor::encode(c)};
}

struct Sender {
  std::unique_ptr<RdKafka::Producer> producer;
  std::string topic;
  bool send(const processor::CommandRecord& c) { return send(encoded(c)); }
  bool send(const Encoded& e) {
    for (;;) {
      auto code =
          producer->produce(topic, RdKafka::Topic::PARTITION_UA, RdKafka::Producer::RK_MSG_COPY,
                            const_cast<char*>(e.value.data()), e.value.size(), e.key.data(),
                            e.key.size(), 0, nullptr);
      if (code == RdKafka::ERR_NO_ERROR) return true;
      if (code != RdKafka::ERR__QUEUE_FULL) return false;
      producer->poll(5);
    }
  }
};

// Produces `n` copies of `value` in transactions of `batch` records over `partitions`
// partitions; returns records/s.
double raw_transactions(const kafka::KafkaSettings& k, const std::string& topic, int partitions,
                        long n, long batch, const std::string& value) {
  std::string error;
  auto p = kafka::TransactionalProducer::create(k, "bench-raw-" + topic, &error);
  if (!p) {
    std::cerr << "raw producer: " << error << "\n";
    return 0;
  }
  const auto start = Clock::now();
  long sent = 0;
  while (sent < n) {
    if (!p->begin().ok()) return 0;
    const long end = std::min(n, sent + batch);
    for (; sent < end; ++sent) {
      const std::string key = "bench-" + std::to_string(sent / 3);
      if (!p->produce(topic, static_cast<int32_t>(sent % partitions), key, &value).ok()) return 0;
    }
    if (!p->commit().ok()) return 0;
  }
  return static_cast<double>(n) / std::chrono::duration<double>(Clock::now() - start).count();
}

// The replies the bench waits for: when each command was sent, and how long its answer took.
struct Replies {
  std::unique_ptr<kafka::TopicReader> reader;
  std::map<std::string, Clock::time_point> sent_at;
  std::vector<double> latencies;
  long ok = 0;
  long failed = 0;

  // Counts the replies that come within `timeout_ms`.
  void drain(int timeout_ms) {
    std::size_t n = 0;
    (void)reader->poll(
        10000, timeout_ms,
        [this](const RdKafka::Message& m) {
          auto r = processor::decode_reply(
              std::string_view(static_cast<const char*>(m.payload()), m.len()));
          if (!r) return;
          auto it = sent_at.find(r->command_id);
          if (it == sent_at.end()) return;
          latencies.push_back(std::chrono::duration<double>(Clock::now() - it->second).count());
          sent_at.erase(it);
          if (r->status == 201) {
            ++ok;
          } else if (failed++ < 5) {
            std::cerr << "bench: command refused: " << r->body.dump() << "\n";
          }
        },
        &n);
  }
};

// Registers the bench's two organisations, as an admin would, and waits for both; then the
// counts start again from zero.
bool register_organisations(Sender& sender, Replies& replies,
                            const std::function<void(int)>& drain) {
  auto org = [&](const std::string& id, nlohmann::json data) {
    processor::CommandRecord c;
    c.command_id = "reg-" + id;
    c.stream = "org";
    c.stream_id = id;
    c.type = "RegisterOrganization";
    c.data = std::move(data);
    c.actor = {"bench-admin", "", {"admin"}};
    c.intake_time = common::now_rfc3339();
    c.payload_hash = c.command_id;
    c.reply_to = "bench";
    replies.sent_at[c.command_id] = Clock::now();
    sender.send(c);
  };
  org("ft-bench", {{"name", "FT bench"},
                   {"kind", "prescriber"},
                   {"department", "74"},
                   {"prescriber_kind", "FT"}});
  org("ei-bench",
      {{"name", "EI bench"}, {"kind", "siae"}, {"department", "74"}, {"siae_kind", "EI"}});
  sender.producer->flush(10000);
  const auto deadline = Clock::now() + std::chrono::seconds(60);
  while (!replies.sent_at.empty() && Clock::now() < deadline) drain(100);
  const bool registered = replies.ok == 2;
  replies.ok = 0;
  replies.latencies.clear();
  return registered;
}

// The processors' time per transaction, from their probe's histograms: where a batch's time
// goes between two polls (the rest of a processor's time is waiting for commands).
void print_phases(prometheus::Registry& metrics, long batches) {
  std::map<std::string, double> seconds;
  for (const auto& family : metrics.Collect()) {
    for (const auto& m : family.metric) {
      if (family.type != prometheus::MetricType::Histogram) continue;
      std::string name = family.name;
      for (const auto& l : m.label) name = l.value;
      seconds[name] += m.histogram.sample_sum;
    }
  }
  if (batches <= 0) return;
  const auto ms = [&](const char* name) { return seconds[name] * 1000 / batches; };
  std::printf(
      "  per transaction   decide %.1f ms (registry sync %.1f), then produce and commit "
      "%.1f ms, store %.1f ms; offsets sent in %.1f ms beside them\n",
      ms("decide"), ms("registry_sync"), ms("parcours_transaction_commit_seconds"), ms("store"),
      ms("send_offsets"));
}

// The machine's CPU per item over a phase, and how busy its cores were: on a machine whose
// other load moves the rates, the steadier figure (the broker runs here too).
struct MachineShare {
  double us_per_item = 0;
  double busy_percent = 0;
};
MachineShare machine_share(const MachineCpu& before, const MachineCpu& after, long items) {
  const double busy = after.busy_seconds - before.busy_seconds;
  const double total = after.total_seconds - before.total_seconds;
  if (items <= 0 || total <= 0) return {};
  return {busy * 1e6 / static_cast<double>(items), busy / total * 100};
}

// A sealed event the size of a real one: the raw limit's records.
std::string sample_event() {
  domain::RecordedEvent sample;
  sample.type = "followup.recorded";
  sample.subject = "bench-123456";
  sample.seq = 3;
  sample.prevhash = std::string(events::kZeroHash);
  sample.time = common::now_rfc3339();
  sample.command_id = "bench-123456-fu";
  sample.actor = "bench@ft-bench";
  sample.actor_org = "ft-bench";
  sample.ruleset = "iae-2021-09-03";
  sample.data = {{"followup_id", "f1"}, {"date", "2026-11-23"}, {"kind", "interview"}};
  return events::seal(sample, events::kJourneySource).dump();
}

// The raw limit: bare librdkafka transactions of the same size, the same number of events,
// each the size of a real event; then both ratios, of rates and of the machine's CPU.
void print_raw_limit(const kafka::KafkaSettings& k, const std::string& topic, int partitions,
                     long total, long avg_batch, double rate, const MachineShare& path) {
  const std::string value = sample_event();
  const MachineCpu raw_before = machine_cpu();
  const double raw = raw_transactions(k, topic, partitions, total, avg_batch, value);
  const MachineShare bare = machine_share(raw_before, machine_cpu(), total);
  std::printf("  raw limit         %.0f events/s (bare transactions of %ld, %zu-byte events)\n",
              raw, avg_batch, value.size());
  std::printf("  ratio             %.2f (commands/s over raw events/s)\n",
              raw > 0 ? rate / raw : 0.0);
  std::printf(
      "  machine CPU       %.1f us per command (%.0f %% of %ld cores busy), raw %.1f us "
      "per event (%.0f %% busy): ratio %.2f\n",
      path.us_per_item, path.busy_percent, machine_cores(), bare.us_per_item, bare.busy_percent,
      path.us_per_item > 0 ? bare.us_per_item / path.us_per_item : 0.0);
}

}  // namespace

int bench_write(common::Config config, const BenchOptions& options) {
  const std::string run =
      std::to_string(std::chrono::system_clock::now().time_since_epoch().count() / 1000000);
  config.topic_prefix = config.topic_prefix + "bench-" + run + ".";
  config.data_dir = (std::filesystem::temp_directory_path() / ("parcours-bench-" + run)).string();
  const kafka::KafkaSettings k{config.kafka_brokers, config.kafka_props, 0};
  std::vector<std::string> created;
  for (const auto& s : topic_specs(config)) created.push_back(s.name);
  const std::string raw_topic = config.topic_prefix + "raw.v1";
  created.push_back(raw_topic);
  kafka::TopicReport report;
  auto specs = topic_specs(config);
  specs.push_back({raw_topic, config.partitions, 1, {{"retention.ms", "3600000"}}});
  if (auto e = kafka::ensure_topics(k, specs, &report); !e.empty()) {
    std::cerr << "bench: topics: " << e << "\n";
    return 1;
  }
  auto cleanup = [&] {
    kafka::delete_topics(k, created);
    std::error_code ec;
    std::filesystem::remove_all(config.data_dir, ec);
  };

  const auto ring = crypto::MasterKeyRing::generate("bench");
  std::string error;
  auto store = processor::ProcessorStore::open(config.data_dir + "/processor", &error);
  if (!store) {
    std::cerr << "bench: " << error << "\n";
    cleanup();
    return 1;
  }
  // The topics go once the registry's reader is destroyed: librdkafka 2.0 may never finish
  // destroying a consumer whose topic was deleted under it.
  struct AtExit {
    std::function<void()> run;
    ~AtExit() {
      if (run) run();
    }
  } delete_at_exit;
  projections::OrgRegistry registry(k, config.org_events_topic(), config.small_partitions);
  processor::ProcessorOptions popts;
  popts.topics = {config.commands_topic(), config.events_topic(), config.org_events_topic(),
                  config.replies_topic(),  config.keys_topic(),   config.partitions,
                  config.small_partitions};
  popts.group_id = config.topic_prefix + "processor";
  popts.transactional_id = config.topic_prefix + "processor-bench";
  popts.batch_max = options.batch;
  popts.batch_linger_ms = config.batch_linger_ms;
  popts.keys_partitions = config.small_partitions;
  prometheus::Registry metrics;
  processor::ProcessorProbe probe(metrics);
  processor::ProcessorPool processor(config.processors, popts, k, *store, registry, ring, &probe);
  std::cout << "processors: " << processor.size() << "\n";
  std::atomic<bool> stop{false};
  std::thread worker([&] {
    if (auto e = processor.run(stop); !e.empty()) std::cerr << "processor: " << e << "\n";
  });

  // Replies are read from the start of reply partition 0 (the topic is fresh).
  auto replies = kafka::TopicReader::create(k, {{config.replies_topic(), 0, kafka::kFromBeginning}},
                                            &error, {{"enable.partition.eof", "false"}});
  Sender sender;
  sender.topic = config.commands_topic();
  auto conf = kafka::make_conf(k, kafka::ClientRole::idempotent_producer,
                               {{"linger.ms", "5"}, {"batch.num.messages", "10000"}}, &error);
  sender.producer.reset(RdKafka::Producer::create(conf.get(), error));
  if (!replies || !sender.producer) {
    std::cerr << "bench: " << error << "\n";
    stop = true;
    worker.join();
    cleanup();
    return 1;
  }

  Replies counted;
  counted.reader = std::move(replies);
  auto drain = [&](int timeout_ms) {
    counted.drain(timeout_ms);
    sender.producer->poll(0);
  };
  if (!register_organisations(sender, counted, drain)) {
    std::cerr << "bench: organisations were not registered\n";
    stop = true;
    worker.join();
    cleanup();
    return 1;
  }
  auto& sent_at = counted.sent_at;
  auto& latencies = counted.latencies;
  auto& ok = counted.ok;
  auto& failed = counted.failed;

  const long journeys = std::max(1L, options.commands / 3);
  const long total = journeys * 3;
  const long batches_before = processor.batches();
  std::cout << "bench write: " << total << " commands (" << journeys
            << " journeys x OpenJourney, SubmitCandidature, RecordFollowUp), " << config.partitions
            << " partitions, batch <= " << options.batch << "\n";
  // The commands are made (their person sealed, their key wrapped, as the API does) and
  // encoded before the clock starts, as the raw limit's records are: on this machine's shared
  // cores, the API's work would otherwise be counted against the write path's.
  std::vector<Encoded> commands;
  commands.reserve(static_cast<std::size_t>(total));
  for (long j = 0; j < journeys; ++j) {
    for (auto& c : journey_commands(j, ring)) commands.push_back(encoded(c));
  }
  const double cpu_before = threads_cpu_seconds(processor::kProcessorThreadPrefix);
  const MachineCpu machine_before = machine_cpu();
  const auto start = Clock::now();
  for (std::size_t i = 0; i < commands.size(); ++i) {
    const Encoded& c = commands[i];
    while (static_cast<long>(sent_at.size()) >= options.in_flight) drain(1);
    sent_at[c.command_id] = Clock::now();
    if (!sender.send(c)) {
      std::cerr << "bench: produce failed\n";
      ++failed;
    }
    if (i % 768 == 0) drain(0);
  }
  commands.clear();
  commands.shrink_to_fit();
  const auto deadline = Clock::now() + std::chrono::minutes(5);
  while (!sent_at.empty() && Clock::now() < deadline) drain(20);
  const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  const long batches = processor.batches() - batches_before;
  // Read while the processors' threads still run.
  const double processor_cpu = threads_cpu_seconds(processor::kProcessorThreadPrefix) - cpu_before;
  const MachineShare path = machine_share(machine_before, machine_cpu(), ok);
  stop = true;
  worker.join();

  const double rate = static_cast<double>(ok) / elapsed;
  const long avg_batch = batches > 0 ? std::max(1L, total / batches) : options.batch;
  std::printf("  accepted          %ld / %ld (refused or lost: %ld)\n", ok, total, total - ok);
  std::printf("  elapsed           %.2f s\n", elapsed);
  std::printf("  commands/s        %.0f (until their events are committed and replied)\n", rate);
  std::printf("  latency p50       %.1f ms\n", percentile(latencies, 0.50) * 1000);
  std::printf("  latency p99       %.1f ms\n", percentile(latencies, 0.99) * 1000);
  std::printf("  transactions      %ld (%ld commands each on average)\n", batches, avg_batch);
  // Steadier than the rate on a shared machine: the other load takes time, not cycles.
  std::printf("  processors' CPU   %.1f us per command (threads %s*, %.2f s)\n",
              ok > 0 ? processor_cpu * 1e6 / static_cast<double>(ok) : 0.0,
              processor::kProcessorThreadPrefix, processor_cpu);
  print_phases(metrics, batches);

  print_raw_limit(k, raw_topic, config.partitions, total, avg_batch, rate, path);
  delete_at_exit.run = cleanup;
  return ok == total ? 0 : 1;
}

}  // namespace parcours::cli
