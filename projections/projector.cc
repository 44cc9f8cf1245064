#include "projections/projector.h"

#include <algorithm>
#include <chrono>
#include <thread>

#include <rocksdb/perf_level.h>

#include "common/log.h"

namespace parcours::projections {

Projector::Projector(ProjectorOptions options, kafka::KafkaSettings settings, ViewsStore& store,
                     ProjectorProbe* probe)
    : options_(std::move(options)), settings_(std::move(settings)), store_(store), probe_(probe) {
  options_.workers = std::max(1, options_.workers);
  const std::size_t cache = options_.cache_states / static_cast<std::size_t>(options_.workers);
  for (int w = 0; w < options_.workers; ++w) {
    updaters_.push_back(std::make_unique<ViewUpdater>(
        store, options_.events_topic, options_.keys_topic, options_.access_topic, cache));
  }
}

void Projector::add_listener(VersionListener l) {
  std::lock_guard lock(mu_);
  listeners_.push_back(std::move(l));
}

std::map<int32_t, int64_t> Projector::lag() const {
  std::lock_guard lock(mu_);
  return lag_;
}

UpdaterStats Projector::stats() const {
  UpdaterStats t;
  for (const auto& u : updaters_) {
    const auto& s = u->stats();
    t.events += s.events;
    t.duplicates += s.duplicates;
    t.breaks += s.breaks;
    t.keys += s.keys;
    t.reads += s.reads;
  }
  return t;
}

std::unique_ptr<kafka::TopicReader> Projector::open_reader(std::string* error, int worker,
                                                           int workers) {
  std::vector<kafka::PartitionStart> starts;
  auto add = [&](const std::string& topic, int partitions) {
    for (int p = worker; p < partitions; p += workers) {
      starts.push_back({topic, p, store_.offset(topic, p).value_or(kafka::kFromBeginning)});
    }
  };
  add(options_.events_topic, options_.partitions);
  add(options_.keys_topic, options_.keys_partitions);
  if (!options_.access_topic.empty()) add(options_.access_topic, options_.access_partitions);
  std::map<std::string, std::string> props = options_.consumer_props;
  props["group.id"] = "parcours-projector";
  props.try_emplace("fetch.wait.max.ms", std::to_string(kafka::kFetchWaitLiveReaderMs));
  // One reader per worker: each reports its statistics under a name of its own.
  const std::string name =
      workers == 1 ? options_.reader_name : options_.reader_name + "-" + std::to_string(worker);
  return kafka::TopicReader::create(kafka::named(settings_, name), starts, error, props);
}

Projector::Applied Projector::apply(kafka::TopicReader& reader, ViewUpdater& updater,
                                    int timeout_ms, std::string* error, std::size_t* applied) {
  std::size_t n = 0;
  if (applied) *applied = 0;
  auto drop = [&](const char* cause, const std::string& message, bool fatal) {
    updater.discard();
    report_breaks(updater);
    *error = std::string("projector: ") + message;
    if (fatal) return Applied::fatal;
    common::log_warn("projector: batch dropped, reading again from the stored offsets",
                     {{"cause", cause}, {"error", message}});
    if (probe_) probe_->restarted(cause);
    return Applied::reopen;
  };
  kafka::KafkaStatus s;
  try {
    s = reader.poll(
        options_.batch_max, timeout_ms, [&](const RdKafka::Message& m) { updater.add(m); }, &n);
  } catch (const store::StoreError& e) {
    return drop("store", e.what(), e.status().failure == store::StoreFailure::fatal);
  }
  if (!s.ok()) return drop("kafka", s.message, false);
  if (updater.needs_redo()) return drop("redo", "an event was refused", false);
  report_breaks(updater);
  if (updater.pending() == 0) return Applied::ok;
  if (!updater.flush()) return drop("store", "read-model write failed", false);
  records_ += static_cast<long>(n);
  if (applied) *applied = n;
  std::vector<VersionListener> listeners;
  {
    std::lock_guard lock(mu_);
    listeners = listeners_;
  }
  for (const auto& l : listeners) {
    try {
      l(updater.changed());
    } catch (const std::exception& e) {
      common::log_error("projector: a version listener failed", {{"error", e.what()}});
    }
  }
  return Applied::ok;
}

void Projector::report_breaks(ViewUpdater& updater) {
  for (const auto& b : updater.take_breaks()) {
    if (probe_) probe_->invariant_broken(b.kind, b.partition, b.offset);
  }
}

void Projector::refresh_lag(kafka::TopicReader& reader) {
  std::map<std::pair<std::string, int32_t>, int64_t> ends;
  if (!reader.end_offsets(&ends, 2000).ok()) return;
  std::map<int32_t, int64_t> lag;
  try {
    for (const auto& [tp, end] : ends) {
      if (tp.first != options_.events_topic) continue;
      const auto stored = store_.offset(tp.first, tp.second).value_or(0);
      lag[tp.second] = std::max<int64_t>(0, end - stored);
    }
  } catch (const store::StoreError& e) {
    common::log_warn("projector: lag not refreshed", {{"error", e.what()}});
    return;
  }
  std::lock_guard lock(mu_);
  lag_ = std::move(lag);
}

std::string Projector::run(const std::atomic<bool>& stop) {
  rocksdb::SetPerfLevel(rocksdb::PerfLevel::kDisable);  // as in project_worker()
  std::string error;
  std::unique_ptr<kafka::TopicReader> reader;
  int backoff_ms = 0;
  auto last_lag = std::chrono::steady_clock::time_point{};
  while (!stop.load()) {
    if (!reader) {
      if (backoff_ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(backoff_ms));
      try {
        reader = open_reader(&error);
      } catch (const store::StoreError& e) {
        if (e.status().failure == store::StoreFailure::fatal) return e.what();
        error = e.what();
      }
      if (!reader) {
        common::log_warn("projector: reader not available; retrying", {{"error", error}});
        backoff_ms = std::clamp(backoff_ms * 2, 200, 5000);
        continue;
      }
    }
    switch (apply(*reader, *updaters_[0], 50, &error)) {
      case Applied::fatal:
        return error;
      case Applied::reopen:
        reader.reset();
        backoff_ms = std::clamp(backoff_ms * 2, 200, 5000);
        continue;
      case Applied::ok:
        backoff_ms = 0;
        break;
    }
    if (reader->at_end()) caught_up_ = true;
    if (std::chrono::steady_clock::now() - last_lag > std::chrono::seconds(2)) {
      refresh_lag(*reader);
      last_lag = std::chrono::steady_clock::now();
    }
  }
  return {};
}

kafka::KafkaStatus Projector::project_worker(int worker, int workers, ViewUpdater& updater,
                                             const std::function<void(long, long)>& progress,
                                             const std::atomic<bool>& stop) {
  // Nothing reads RocksDB's per-thread counters: not counting spares every key comparison of
  // the memtable inserts a thread-local access.
  rocksdb::SetPerfLevel(rocksdb::PerfLevel::kDisable);
  std::string error;
  auto reader = open_reader(&error, worker, workers);
  if (!reader) return {kafka::Failure::fatal, error};
  const auto deadline_without_progress = std::chrono::seconds(30);
  auto last_progress = std::chrono::steady_clock::now();
  while (!reader->at_end() && !stop.load()) {
    std::size_t n = 0;
    const Applied a = apply(*reader, updater, 100, &error, &n);
    if (a == Applied::fatal) return {kafka::Failure::fatal, error};
    if (a == Applied::reopen) {
      reader = open_reader(&error, worker, workers);
      if (!reader) return {kafka::Failure::fatal, error};
      continue;
    }
    if (n > 0) {
      last_progress = std::chrono::steady_clock::now();
      if (progress) {
        std::lock_guard lock(mu_);
        progress(records_.load(), total_);
      }
    } else if (std::chrono::steady_clock::now() - last_progress > deadline_without_progress) {
      return {kafka::Failure::retriable, "no progress while rebuilding"};
    }
  }
  return kafka::KafkaStatus::success();
}

kafka::KafkaStatus Projector::project_to_end(const std::function<void(long, long)>& progress) {
  try {
    std::string error;
    auto reader = open_reader(&error);
    if (!reader) return {kafka::Failure::fatal, error};
    std::map<std::pair<std::string, int32_t>, int64_t> ends;
    if (auto s = reader->end_offsets(&ends); !s.ok()) return s;
    long total = 0;
    for (const auto& [tp, end] : ends) {
      total += static_cast<long>(end - store_.offset(tp.first, tp.second).value_or(0));
    }
    total_ = total;
  } catch (const store::StoreError& e) {
    return {kafka::Failure::fatal, std::string("read models: ") + e.what()};
  }
  const int workers = options_.workers;
  std::vector<kafka::KafkaStatus> results(static_cast<std::size_t>(workers),
                                          kafka::KafkaStatus::success());
  std::atomic<bool> stop{false};
  auto work = [&](int w) {
    auto& r = results[static_cast<std::size_t>(w)];
    try {
      r = project_worker(w, workers, *updaters_[static_cast<std::size_t>(w)], progress, stop);
    } catch (const store::StoreError& e) {
      r = {kafka::Failure::fatal, std::string("read models: ") + e.what()};
    }
    if (!r.ok()) stop = true;
  };
  std::vector<std::thread> threads;
  for (int w = 1; w < workers; ++w) threads.emplace_back(work, w);
  work(0);
  for (auto& t : threads) t.join();
  for (const auto& r : results) {
    if (!r.ok()) return r;
  }
  // A rebuild that stopped a partition is not a rebuild of the log.
  if (stats().breaks > 0) {
    return {kafka::Failure::fatal, "the log breaks an invariant (see the log lines above)"};
  }
  caught_up_ = true;
  return kafka::KafkaStatus::success();
}

}  // namespace parcours::projections
