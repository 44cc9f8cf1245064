// The projector: every `serve` instance consumes ALL partitions of the journey-events topic
// (and the keys topic) by manual assignment from the offsets stored with its read models,
// and keeps a full replica of the read models (ARCHITECTURE §4). Queries never scatter.
//
// Read-your-writes: listeners are told, after each batch is written, which journeys reached
// which version, so a query with ?min_version can answer as soon as it is applied.
//
// A rebuild may project on several threads (ProjectorOptions::workers): each worker reads a
// disjoint set of partitions with its own consumer and writes its own WriteBatches with the
// offsets of its own partitions only. Journeys live in one events partition and the keys and
// access-log records are independent of the journeys' states, so the result is the same bytes
// whatever the interleaving.
//
// Failures (ARCHITECTURE §10, STYLE habit 3): a Kafka failure of the reader, or a retriable
// failure of the store, drops the batch in hand and re-opens the reader from the stored
// offsets, with a growing pause: the projector never ends because of its broker. A fatal
// store failure ends run(). A broken invariant of the log stops that partition only
// (view_updater.h), with a metric and the record's offset; the rebuild (project_to_end) fails
// on one.
//
// Thread-safety: run() on one thread; caught_up(), lag() and add_listener() from any thread.
// Listeners are called from the projecting thread(s); an exception thrown by one is logged
// and goes no further.
#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "kafka/kafka_settings.h"
#include "kafka/topic_reader.h"
#include "projections/projector_probe.h"
#include "projections/view_updater.h"
#include "projections/views_store.h"

namespace parcours::projections {

struct ProjectorOptions {
  std::string events_topic;
  int partitions = 12;
  std::string keys_topic;
  int keys_partitions = 3;
  std::size_t batch_max = 5000;  // records per WriteBatch at most
  std::string access_topic;      // "" = do not project the access log (rebuild of journeys only)
  int access_partitions = 0;
  int workers = 1;                   // threads of project_to_end(); run() uses one
  std::size_t cache_states = 50000;  // journey states kept in memory, divided among workers
  // librdkafka properties of each worker's consumer, over the reader defaults (prefetch sizes).
  std::map<std::string, std::string> consumer_props = {};
  // The name its reader reports statistics under ("-<worker>" appended with several workers).
  std::string reader_name = "projector-reader";
};

using VersionListener = std::function<void(const std::vector<std::pair<std::string, long>>&)>;

class Projector {
 public:
  Projector(ProjectorOptions options, kafka::KafkaSettings settings, ViewsStore& store,
            ProjectorProbe* probe = nullptr);

  // Consumes until `stop`; returns "" or the fatal problem (a fatal store failure).
  std::string run(const std::atomic<bool>& stop);
  // Reads everything up to the current end once (rebuild). `progress` is called after each
  // batch with the records read so far and the records there were to read at the start.
  kafka::KafkaStatus project_to_end(
      const std::function<void(long records, long total)>& progress = {});

  void add_listener(VersionListener l);
  // True once the replica has reached the end of every partition at least once since start.
  bool caught_up() const { return caught_up_.load(); }
  // Records behind the end, per events partition (refreshed every few seconds by run()).
  std::map<int32_t, int64_t> lag() const;
  // Totals over the updaters (read once projection has stopped).
  UpdaterStats stats() const;
  long records() const { return records_.load(); }

 private:
  // The reader of worker `worker` of `workers` (partition p goes to worker p % workers).
  std::unique_ptr<kafka::TopicReader> open_reader(std::string* error, int worker = 0,
                                                  int workers = 1);
  enum class Applied { ok, reopen, fatal };
  // Polls one batch and writes it; *applied gets the records written. `reopen`: the batch was
  // dropped, read again from the stored offsets; `fatal`: *error says why.
  Applied apply(kafka::TopicReader& reader, ViewUpdater& updater, int timeout_ms,
                std::string* error, std::size_t* applied = nullptr);
  void report_breaks(ViewUpdater& updater);
  kafka::KafkaStatus project_worker(int worker, int workers, ViewUpdater& updater,
                                    const std::function<void(long, long)>& progress,
                                    const std::atomic<bool>& stop);
  void refresh_lag(kafka::TopicReader& reader);

  ProjectorOptions options_;
  kafka::KafkaSettings settings_;
  ViewsStore& store_;
  ProjectorProbe* probe_;
  std::vector<std::unique_ptr<ViewUpdater>> updaters_;  // [0] serves run()
  mutable std::mutex mu_;  // guards listeners_, lag_ and the progress callback
  long total_ = 0;         // records to read at the start of project_to_end
  std::vector<VersionListener> listeners_;
  std::map<int32_t, int64_t> lag_;
  std::atomic<bool> caught_up_{false};
  std::atomic<long> records_{0};
};

}  // namespace parcours::projections
