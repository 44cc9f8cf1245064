// `parcours bench decide`: the processors' own work per command, without Kafka.
//
// The commands of `bench write`, as records of the commands topic, are decoded and decided by
// the real BatchDecider in batches of `--batch`, and each batch's WriteBatch is committed to a
// real ProcessorStore, on this thread only. What it leaves out is the transaction and the
// consumer, whose cost `bench write` shows. On a shared machine the CPU time per command moves
// with the other load; run under callgrind (--toggle-collect='*decide_batch*'), it counts
// the instructions of exactly this work, the same from one run to the next.
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <iostream>
#include <string>
#include <vector>

#include "cli/bench.h"
#include "cli/bench_commands.h"
#include "cli/thread_cpu.h"
#include "common/clock.h"
#include "processor/batch_decider.h"
#include "processor/command_record.h"
#include "processor/processor_store.h"

namespace parcours::cli {

namespace {

using Clock = std::chrono::steady_clock;

struct Tally {
  long accepted = 0;
  long records = 0;
  long bytes = 0;
  double decide_cpu = 0;
  double store_cpu = 0;
};

struct Batch {
  std::vector<std::string> values;
  std::vector<int32_t> partitions;
};

// The commands, one record each, in the order bench write sends them, cut into batches.
std::vector<Batch> command_batches(long commands, int batch, int partitions,
                                   const crypto::MasterKeyRing& ring) {
  std::vector<Batch> out;
  const long journeys = std::max(1L, commands / 3);
  for (long j = 0; j < journeys; ++j) {
    for (const auto& c : journey_commands(j, ring)) {
      if (out.empty() || static_cast<int>(out.back().values.size()) >= batch) out.emplace_back();
      out.back().values.push_back(processor::encode(c));
      out.back().partitions.push_back(static_cast<int32_t>(std::hash<std::string>{}(c.stream_id) %
                                                           static_cast<unsigned>(partitions)));
    }
  }
  return out;
}

// One batch, as a processor decides and stores it: the timed work, kept out of line so that a
// profiler can count it alone.
[[gnu::noinline]] void decide_batch(const Batch& batch, const processor::Topics& topics,
                                    processor::ProcessorStore& store, processor::StateCache& cache,
                                    projections::OrgRegistry& registry,
                                    const crypto::MasterKeyRing& ring,
                                    std::vector<processor::OutRecord>& out, Tally& tally) {
  const double t0 = this_thread_cpu_seconds();
  processor::BatchDecider decider(topics, store, cache, registry, ring, nullptr,
                                  common::now_rfc3339());
  for (std::size_t i = 0; i < batch.values.size(); ++i) {
    std::string error;
    auto cmd = processor::decode_command(batch.values[i], &error);
    if (!cmd) continue;
    decider.decide(*cmd, batch.partitions[i], out, static_cast<int64_t>(i));
  }
  const double t1 = this_thread_cpu_seconds();
  auto b = store.batch();
  decider.write_to(b);
  if (!store.commit(b).ok()) std::cerr << "bench: the store refused a batch\n";
  decider.publish(cache);
  const double t2 = this_thread_cpu_seconds();
  tally.decide_cpu += t1 - t0;
  tally.store_cpu += t2 - t1;
}

// What the batch would produce, counted outside the timed work.
void count_records(const std::vector<processor::OutRecord>& out, const processor::Topics& topics,
                   Tally& tally) {
  for (const auto& r : out) {
    ++tally.records;
    tally.bytes += static_cast<long>(r.key.size() + (r.value ? r.value->size() : 0));
    if (r.topic != topics.replies || !r.value) continue;
    if (auto reply = processor::decode_reply(*r.value); reply && reply->status == 201) {
      ++tally.accepted;
    }
  }
}

void register_bench_orgs(projections::OrgRegistry& registry) {
  auto org = [&](const std::string& id, nlohmann::json data) {
    domain::RecordedEvent e;
    e.type = "org.registered";
    e.subject = id;
    e.seq = 1;
    e.command_id = "reg-" + id;
    data["name"] = id;
    data["department"] = "74";
    data["registered_on"] = "2020-01-01";
    e.data = std::move(data);
    registry.apply(e);
  };
  org("ft-bench", {{"kind", "prescriber"}, {"prescriber_kind", "FT"}});
  org("ei-bench", {{"kind", "siae"}, {"siae_kind", "EI"}});
}

}  // namespace

int bench_decide(common::Config config, const BenchOptions& options) {
  const std::string run =
      std::to_string(std::chrono::system_clock::now().time_since_epoch().count() / 1000000);
  const auto dir = std::filesystem::temp_directory_path() / ("parcours-bench-decide-" + run);
  std::string error;
  auto store =
      processor::ProcessorStore::open(dir.string(), &error, config.rocksdb_compression != "none");
  if (!store) {
    std::cerr << "bench: " << error << "\n";
    return 1;
  }
  const auto ring = crypto::MasterKeyRing::generate("bench");
  projections::OrgRegistry registry(kafka::KafkaSettings{}, "org-events", 1);
  register_bench_orgs(registry);
  const processor::Topics topics{"commands", "events",          "org-events",           "replies",
                                 "keys",     config.partitions, config.small_partitions};
  processor::StateCache cache;
  // Made and encoded before the clock starts, as bench write does.
  const auto batches = command_batches(options.commands, options.batch, config.partitions, ring);
  long total = 0;
  for (const auto& b : batches) total += static_cast<long>(b.values.size());
  std::cout << "bench decide: " << total << " commands (OpenJourney, SubmitCandidature, "
            << "RecordFollowUp per journey) in batches of " << options.batch
            << ", one thread, no Kafka\n";

  Tally tally;
  double elapsed = 0;
  std::vector<processor::OutRecord> out;
  for (const auto& batch : batches) {
    out.clear();
    const auto start = Clock::now();
    decide_batch(batch, topics, *store, cache, registry, ring, out, tally);
    elapsed += std::chrono::duration<double>(Clock::now() - start).count();
    count_records(out, topics, tally);
  }
  const double cpu = tally.decide_cpu + tally.store_cpu;
  store.reset();
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);

  const double n = static_cast<double>(std::max(1L, total));
  std::printf("  accepted          %ld / %ld\n", tally.accepted, total);
  std::printf("  commands/s        %.0f (one thread)\n", static_cast<double>(total) / elapsed);
  std::printf("  CPU               %.1f us per command: deciding %.1f, storing %.1f\n",
              cpu * 1e6 / n, tally.decide_cpu * 1e6 / n, tally.store_cpu * 1e6 / n);
  std::printf("  records           %.2f per command, %.0f bytes per command\n",
              static_cast<double>(tally.records) / n, static_cast<double>(tally.bytes) / n);
  return tally.accepted == total ? 0 : 1;
}

}  // namespace parcours::cli
