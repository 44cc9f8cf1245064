// `parcours bench rebuild`: how fast the read models rebuild from the log, against the raw
// read rate of the same topic, in one run.
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <iostream>
#include <random>
#include <thread>

#include <rocksdb/write_batch.h>

#include "cli/bench.h"
#include "cli/journey_generator.h"
#include "cli/rebuild.h"
#include "cli/topic_specs.h"
#include "events/fast_decode.h"
#include "kafka/partitioner.h"
#include "kafka/topic_reader.h"
#include "kafka/transactional_producer.h"
#include "projections/views_store.h"

namespace parcours::cli {

namespace {

using Clock = std::chrono::steady_clock;

// Runs `argv` and returns its stdout; *maxrss_kb gets the child's peak resident set.
std::string run_child(const std::vector<std::string>& argv, long* maxrss_kb, int* status) {
  int fds[2];
  if (pipe(fds) != 0) return {};
  const pid_t pid = fork();
  if (pid == 0) {
    dup2(fds[1], STDOUT_FILENO);
    close(fds[0]);
    close(fds[1]);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execv(args[0], args.data());
    _exit(127);
  }
  close(fds[1]);
  std::string out;
  char buf[4096];
  for (ssize_t n; (n = read(fds[0], buf, sizeof buf)) > 0;)
    out.append(buf, static_cast<std::size_t>(n));
  close(fds[0]);
  struct rusage usage {};
  wait4(pid, status, 0, &usage);
  *maxrss_kb = usage.ru_maxrss;
  return out;
}

// `workers` threads read the events topic to the end, thread w reading partitions p with
// p % workers == w as the rebuild does, each handing every record to its own
// `make_work(w)`, which says whether it counts, then calling `finish(w)`. Returns the count.
using RecordWork = std::function<bool(const RdKafka::Message&)>;
long read_in_rebuild_threads(const common::Config& config, const kafka::KafkaSettings& k,
                             int workers, const std::string& group,
                             const std::function<RecordWork(int)>& make_work,
                             const std::function<void(int)>& finish = {}) {
  std::vector<long> counts(static_cast<std::size_t>(workers), 0);
  std::vector<std::thread> threads;
  for (int w = 0; w < workers; ++w) {
    threads.emplace_back([&, w] {
      std::vector<kafka::PartitionStart> starts;
      for (int p = w; p < config.partitions; p += workers) {
        starts.push_back({config.events_topic(), p, kafka::kFromBeginning});
      }
      std::string error;
      auto reader = kafka::TopicReader::create(k, starts, &error, {{"group.id", group}});
      if (!reader) return;
      RecordWork work = make_work(w);
      long& n = counts[static_cast<std::size_t>(w)];
      (void)reader->read_to_end([&](const RdKafka::Message& m) { n += work(m) ? 1 : 0; });
      if (finish) finish(w);
    });
  }
  for (auto& t : threads) t.join();
  long n = 0;
  for (long c : counts) n += c;
  return n;
}

// Records per second of `run`, which returns how many it handled.
double rate_of(const std::function<long()>& run) {
  const auto start = Clock::now();
  const long n = run();
  return static_cast<double>(n) / std::chrono::duration<double>(Clock::now() - start).count();
}

// The read-and-store reference: every record's bytes put in the events family of a store
// opened as the rebuild opens its own, under its journey and offset (in place of the seq, which
// only decoding would give), in sorted batches of the rebuild's size. Records per second, until
// the memtables are flushed.
double store_in_rebuild_threads(const common::Config& config, const kafka::KafkaSettings& k,
                                int workers, const std::string& path) {
  std::string error;
  auto views = projections::ViewsStore::open(
      path, &error, rebuild_store_tuning(config.rocksdb_compression != "none"));
  if (!views) {
    std::cerr << "bench: " << error << "\n";
    return 0;
  }
  struct Pending {
    std::vector<std::pair<std::string, std::string>> records;
    void write(projections::ViewsStore& to) {
      std::sort(records.begin(), records.end());
      rocksdb::WriteBatch batch;
      for (const auto& [key, value] : records) (void)batch.Put(to.events_cf(), key, value);
      (void)to.db().write(batch);
      records.clear();
    }
  };
  const std::size_t batch = rebuild_batch(workers);
  std::vector<Pending> pending(static_cast<std::size_t>(workers));
  return rate_of([&] {
    const long n = read_in_rebuild_threads(
        config, k, workers, "bench-store",
        [&](int w) -> RecordWork {
          return [&, w](const RdKafka::Message& m) {
            Pending& p = pending[static_cast<std::size_t>(w)];
            std::string key;
            projections::ViewsStore::append_event_key(key, m.key() ? *m.key() : std::string(),
                                                      m.offset());
            p.records.emplace_back(std::move(key),
                                   std::string(static_cast<const char*>(m.payload()), m.len()));
            if (p.records.size() == batch) p.write(*views);
            return true;
          };
        },
        [&](int w) { pending[static_cast<std::size_t>(w)].write(*views); });
    (void)views->db().db()->Flush(rocksdb::FlushOptions(), views->events_cf());
    return n;
  });
}

}  // namespace

int bench_rebuild(common::Config config, const BenchOptions& options) {
  const std::string run =
      std::to_string(std::chrono::system_clock::now().time_since_epoch().count() / 1000000);
  config.topic_prefix = config.topic_prefix + "bench-" + run + ".";
  const auto dir = std::filesystem::temp_directory_path() / ("parcours-bench-rebuild-" + run);
  const kafka::KafkaSettings k{config.kafka_brokers, config.kafka_props, 0};
  std::vector<std::string> names;
  for (const auto& s : topic_specs(config)) names.push_back(s.name);
  kafka::TopicReport report;
  if (auto e = kafka::ensure_topics(k, topic_specs(config), &report); !e.empty()) {
    std::cerr << "bench: topics: " << e << "\n";
    return 1;
  }
  auto cleanup = [&] {
    if (options.keep) {
      std::printf("  topics kept       prefix %s\n", config.topic_prefix.c_str());
    } else {
      kafka::delete_topics(k, names);
    }
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  };

  // 1. The log: realistic journeys decided by the domain, written in transactions.
  const auto ring = crypto::MasterKeyRing::generate("bench");
  JourneyGenerator gen;
  const long journeys = (options.events + static_cast<long>(gen.events_per_journey()) - 1) /
                        static_cast<long>(gen.events_per_journey());
  std::string error;
  auto producer = kafka::TransactionalProducer::create(k, "bench-rebuild-" + run, &error);
  if (!producer) {
    std::cerr << "bench: " << error << "\n";
    cleanup();
    return 1;
  }
  std::printf(
      "bench rebuild: writing %ld journeys x %zu events (%ld events), %ld in progress at once, "
      "%d partitions\n",
      journeys, gen.events_per_journey(), journeys * static_cast<long>(gen.events_per_journey()),
      std::min(options.active, journeys), config.partitions);
  std::fflush(stdout);
  const auto write_start = Clock::now();
  // Journeys overlap in time as they do in a territory: `active` of them are in progress at
  // once, and each next record is the next step of one of them, picked at random. The order of
  // each journey's own events is kept.
  struct InProgress {
    std::vector<JourneyGenerator::Record> records;
    std::size_t next = 0;
  };
  std::vector<InProgress> active;
  std::mt19937_64 pick(42);
  long started = 0;
  long events = 0;
  long in_txn = 0;
  bool ok = producer->begin().ok();
  auto start_journey = [&](InProgress& j) {
    j.records.clear();
    j.next = 0;
    gen.journey(started++, ring, j.records);
  };
  while (ok && (started < journeys || !active.empty())) {
    while (started < journeys && static_cast<long>(active.size()) < options.active) {
      start_journey(active.emplace_back());
    }
    const std::size_t i = pick() % active.size();
    InProgress& j = active[i];
    const auto& r = j.records[j.next++];
    const bool event = r.topic_kind == "event";
    ok = producer
             ->produce(event ? config.events_topic() : config.keys_topic(),
                       event ? kafka::partition_of(r.key, config.partitions) : -1, r.key, &r.value)
             .ok();
    events += event ? 1 : 0;
    if (j.next == j.records.size()) {
      if (started < journeys) {
        start_journey(j);
      } else {
        active[i] = std::move(active.back());
        active.pop_back();
      }
    }
    if (++in_txn >= 20000) {
      ok = ok && producer->commit().ok() && producer->begin().ok();
      in_txn = 0;
    }
  }
  ok = ok && producer->commit().ok();
  producer.reset();
  if (!ok) {
    std::cerr << "bench: writing the log failed\n";
    cleanup();
    return 1;
  }
  std::printf("  log written       %ld events in %.1f s\n", events,
              std::chrono::duration<double>(Clock::now() - write_start).count());

  // 2. The raw limit: a bare librdkafka consumer reading the topic to the end.
  auto raw_read = [&]() -> double {
    std::vector<kafka::PartitionStart> starts;
    for (int p = 0; p < config.partitions; ++p) {
      starts.push_back({config.events_topic(), p, kafka::kFromBeginning});
    }
    auto reader = kafka::TopicReader::create(k, starts, &error, {{"group.id", "bench-raw"}});
    if (!reader) return 0;
    long n = 0;
    std::size_t bytes = 0;
    const auto start = Clock::now();
    (void)reader->read_to_end([&](const RdKafka::Message& m) {
      ++n;
      bytes += m.len();
    });
    const double secs = std::chrono::duration<double>(Clock::now() - start).count();
    return static_cast<double>(n) / secs;
  };
  const double raw = raw_read();
  std::printf("  raw read          %.0f events/s (bare consumer, read_committed)\n", raw);
  std::fflush(stdout);

  // 2b. References between the two, with the rebuild's split of the partitions among its
  // threads: each thread only decodes its records, writing nothing (the first step of a
  // rebuild's work); then each only stores its records' bytes in RocksDB as the rebuild opens
  // it, decoding nothing (the last step). Each is a floor under any rebuild that decodes, or
  // that keeps, every event.
  const int workers = rebuild_workers(0, config.partitions);
  const double decoded = rate_of([&] {
    return read_in_rebuild_threads(config, k, workers, "bench-decode", [](int) -> RecordWork {
      return [](const RdKafka::Message& m) {
        return events::decode_record_fast(
                   std::string_view(static_cast<const char*>(m.payload()), m.len()))
            .has_value();
      };
    });
  });
  std::printf("  read and decode   %.0f events/s (%d threads, nothing written: %.2f of raw)\n",
              decoded, workers, decoded / raw);
  std::fflush(stdout);
  const double stored = store_in_rebuild_threads(config, k, workers, (dir / "stored").string());
  std::printf("  read and store    %.0f events/s (%d threads, bytes as read: %.2f of raw)\n",
              stored, workers, stored / raw);
  std::fflush(stdout);

  // 3. The rebuild, in a child process so that its peak memory is its own.
  char self[4096];
  const ssize_t len = readlink("/proc/self/exe", self, sizeof self - 1);
  self[len > 0 ? len : 0] = '\0';
  long maxrss_kb = 0;
  int status = 0;
  const std::string out = run_child(
      {self, "rebuild", "--out", (dir / "views").string(), "--kafka-brokers", config.kafka_brokers,
       "--topic-prefix", config.topic_prefix, "--partitions", std::to_string(config.partitions),
       "--small-partitions", std::to_string(config.small_partitions)},
      &maxrss_kb, &status);
  auto result = nlohmann::json::parse(out, nullptr, false);
  if (result.is_discarded() || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    std::cerr << "bench: rebuild failed: " << out << "\n";
    cleanup();
    return 1;
  }
  const double secs = result["seconds"].get<double>();
  const double rate = static_cast<double>(result["events"].get<long>()) / secs;
  const double raw_again = raw_read();
  std::printf("  rebuild           %.0f events/s (%ld events, %ld journeys, %.1f s)\n", rate,
              result["events"].get<long>(), result["journeys"].get<long>(), secs);
  std::printf("  raw read again    %.0f events/s\n", raw_again);
  const double best_raw = std::max(raw, raw_again);
  std::printf("  ratio             %.2f of the raw read rate (target >= 0.50)\n", rate / best_raw);
  // What the rebuild costs in CPU, whatever the number of cores: at half the raw rate, the
  // same work would need this many cores busy the whole time.
  const double cpu = result.value("cpu_seconds", 0.0);
  const double events_done = static_cast<double>(result["events"].get<long>());
  std::printf(
      "  rebuild CPU       %.1f core-seconds, %.1f us per event; %.1f cores busy at 0.50 of raw\n",
      cpu, cpu * 1e6 / events_done, cpu / (events_done / (0.5 * best_raw)));
  // The rebuild's own high-water mark: the child's ru_maxrss also counts the pages of this
  // process it shared between fork and exec.
  const long peak_kib = result.value("peak_rss_kib", 0L);
  std::printf("  peak RSS          %.0f MiB (target < 1024; ru_maxrss of the child %.0f MiB)\n",
              static_cast<double>(peak_kib) / 1024.0, static_cast<double>(maxrss_kb) / 1024.0);
  std::printf("  digest            %s\n", result["digest"].get<std::string>().c_str());
  cleanup();
  return 0;
}

}  // namespace parcours::cli
