#include "cli/rebuild.h"

#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>

#include <nlohmann/json.hpp>

#include "cli/progress_bar.h"
#include "projections/projector.h"

namespace parcours::cli {

namespace {
// Journey states kept in memory across batches, shared among the workers, so that a journey's next
// event seldom reads its state back from RocksDB. With the batches, the peak memory of a
// rebuild stays under 1 GiB.
constexpr std::size_t kRebuildCachedStates = 16000;
// The block cache only serves the states read back: a small one leaves memory to the batches.
constexpr std::size_t kRebuildBlockCacheMb = 32;
// Memtables of 96 MiB, three per family: a rebuild writes everything at once, and larger
// memtables flush into fewer level-0 files, which are then compacted less (1M events: 5.7 s
// against 6.2 s with the 32 MiB that `serve` uses). 128 MiB ones were hardly faster and
// peaked 90 MiB higher with 50,000 journeys in progress.
constexpr std::size_t kRebuildWriteBufferMb = 96;
constexpr int kRebuildWriteBuffers = 3;
// Prefetch, across all workers: enough to keep them busy, bounded so that the records waiting
// in librdkafka's queues stay a small part of the rebuild's memory (fetch responses of 8 MiB
// per worker keep about 300 MiB less resident than the 50 MiB default, at the same rate).
// Since the readers fetch again as soon as their queue has room (fetch.queue.backoff.ms,
// kafka_settings.cc), queues of 8 MiB for each of two workers keep them as busy as 32 MiB ones did,
// with 150 MiB less resident. Shared among twelve workers, it took their peak from 1,210 to
// 750 MiB (1M events, 5,000 journeys in progress).
constexpr std::size_t kRebuildPrefetchKib = 16384;
std::map<std::string, std::string> rebuild_consumer(int workers) {
  const std::size_t kib =
      std::max<std::size_t>(1024, kRebuildPrefetchKib / static_cast<std::size_t>(workers));
  return {{"queued.max.messages.kbytes", std::to_string(kib)},
          {"fetch.max.bytes", std::to_string(kib * 1024)}};
}
// The process's own peak resident set (VmHWM), in KiB; 0 if unknown. Unlike getrusage's
// ru_maxrss of a forked child, it does not count the parent's pages the child held before exec.
long peak_rss_kib() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmHWM:", 0) == 0) return std::atol(line.c_str() + 6);
  }
  return 0;
}

// User and system CPU of every thread of the process so far, in seconds.
double process_cpu_seconds() {
  struct rusage u {};
  getrusage(RUSAGE_SELF, &u);
  auto secs = [](const timeval& t) {
    return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6;
  };
  return secs(u.ru_utime) + secs(u.ru_stime);
}

}  // namespace

int rebuild_workers(int requested, int partitions) {
  return std::clamp(requested > 0 ? requested : kRebuildWorkers, 1, std::max(1, partitions));
}

std::size_t rebuild_batch(int workers) {
  return kRebuildBatchRecords / static_cast<std::size_t>(std::max(1, workers));
}

store::RocksDb::OpenOptions rebuild_store_tuning(bool compress) {
  return {.block_cache_mb = kRebuildBlockCacheMb,
          .compress = compress,
          .write_buffer_mb = kRebuildWriteBufferMb,
          .write_buffers = kRebuildWriteBuffers};
}

int rebuild(const common::Config& config, const std::string& out_dir, int workers) {
  workers = rebuild_workers(workers, config.partitions);
  std::error_code ec;
  if (std::filesystem::exists(out_dir, ec) && !std::filesystem::is_empty(out_dir, ec)) {
    std::cerr << "parcours rebuild: " << out_dir
              << " is not empty; rebuild into a fresh directory\n";
    return 2;
  }
  std::string error;
  auto views = projections::ViewsStore::open(
      out_dir, &error, rebuild_store_tuning(config.rocksdb_compression != "none"));
  if (!views) {
    std::cerr << "parcours rebuild: " << error << "\n";
    return 1;
  }
  const kafka::KafkaSettings k{config.kafka_brokers, config.kafka_props, 0};
  projections::Projector projector(
      {config.events_topic(), config.partitions, config.keys_topic(), config.small_partitions,
       rebuild_batch(workers), config.access_log_topic(), config.partitions, workers,
       kRebuildCachedStates, rebuild_consumer(workers)},
      k, *views);
  ProgressBar bar("records");
  const auto start = std::chrono::steady_clock::now();
  const double cpu_start = process_cpu_seconds();
  auto s = projector.project_to_end([&](long done, long total) { bar.update(done, total); });
  bar.finish(projector.records());
  if (!s.ok()) {
    std::cerr << "parcours rebuild: " << s.message << "\n";
    return 1;
  }
  const double secs =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const double cpu = process_cpu_seconds() - cpu_start;
  const auto d = views->digest();
  std::cout << nlohmann::json{{"directory", out_dir},
                              {"digest", d.sha256},
                              {"journeys", d.journeys},
                              {"events", d.events},
                              {"keys", d.keys},
                              {"records", projector.records()},
                              {"workers", workers},
                              {"seconds", secs},
                              {"cpu_seconds", cpu},
                              {"records_per_second",
                               secs > 0 ? static_cast<double>(projector.records()) / secs : 0.0},
                              {"peak_rss_kib", peak_rss_kib()}}
                   .dump()
            << "\n";
  return 0;
}

}  // namespace parcours::cli
