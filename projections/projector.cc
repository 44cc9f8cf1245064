#include "projections/projector.h"

#include <chrono>
#include <thread>

#include "common/log.h"

namespace parcours::projections {

Projector::Projector(ProjectorOptions options, kafka::KafkaSettings settings, ViewsStore& store)
    : options_(std::move(options)),
      settings_(std::move(settings)),
      store_(store),
      updater_(store, options_.events_topic, options_.keys_topic, options_.access_topic) {}

void Projector::add_listener(VersionListener l) {
  std::lock_guard lock(mu_);
  listeners_.push_back(std::move(l));
}

std::map<int32_t, int64_t> Projector::lag() const {
  std::lock_guard lock(mu_);
  return lag_;
}

std::unique_ptr<kafka::TopicReader> Projector::open_reader(std::string* error) {
  std::vector<kafka::PartitionStart> starts;
  for (int p = 0; p < options_.partitions; ++p) {
    starts.push_back({options_.events_topic, p,
                      store_.offset(options_.events_topic, p).value_or(kafka::kFromBeginning)});
  }
  for (int p = 0; p < options_.keys_partitions; ++p) {
    starts.push_back({options_.keys_topic, p,
                      store_.offset(options_.keys_topic, p).value_or(kafka::kFromBeginning)});
  }
  if (!options_.access_topic.empty()) {
    for (int p = 0; p < options_.access_partitions; ++p) {
      starts.push_back({options_.access_topic, p,
                        store_.offset(options_.access_topic, p).value_or(kafka::kFromBeginning)});
    }
  }
  return kafka::TopicReader::create(settings_, starts, error, {{"group.id", "parcours-projector"}});
}

bool Projector::apply(kafka::TopicReader& reader, int timeout_ms, std::string* error) {
  std::size_t n = 0;
  auto s = reader.poll(
      options_.batch_max, timeout_ms, [&](const RdKafka::Message& m) { updater_.add(m); }, &n);
  if (!s.ok()) {
    *error = "projector: " + s.message;
    return false;
  }
  if (updater_.pending() == 0) return true;
  if (!updater_.flush()) {
    *error = "projector: read-model write failed";
    return false;
  }
  records_ += static_cast<long>(n);
  std::vector<VersionListener> listeners;
  {
    std::lock_guard lock(mu_);
    listeners = listeners_;
  }
  for (const auto& l : listeners) l(updater_.changed());
  return true;
}

void Projector::refresh_lag(kafka::TopicReader& reader) {
  std::map<std::pair<std::string, int32_t>, int64_t> ends;
  if (!reader.end_offsets(&ends, 2000).ok()) return;
  std::map<int32_t, int64_t> lag;
  for (const auto& [tp, end] : ends) {
    if (tp.first != options_.events_topic) continue;
    const auto stored = store_.offset(tp.first, tp.second).value_or(0);
    lag[tp.second] = std::max<int64_t>(0, end - stored);
  }
  std::lock_guard lock(mu_);
  lag_ = std::move(lag);
}

std::string Projector::run(const std::atomic<bool>& stop) {
  std::string error;
  auto reader = open_reader(&error);
  if (!reader) return "projector: " + error;
  auto last_lag = std::chrono::steady_clock::time_point{};
  while (!stop.load()) {
    if (!apply(*reader, 50, &error)) return error;
    if (reader->at_end()) caught_up_ = true;
    if (std::chrono::steady_clock::now() - last_lag > std::chrono::seconds(2)) {
      refresh_lag(*reader);
      last_lag = std::chrono::steady_clock::now();
    }
  }
  return {};
}

kafka::KafkaStatus Projector::project_to_end(const std::function<void(long, long)>& progress) {
  std::string error;
  auto reader = open_reader(&error);
  if (!reader) return {kafka::Failure::fatal, error};
  std::map<std::pair<std::string, int32_t>, int64_t> ends;
  if (auto s = reader->end_offsets(&ends); !s.ok()) return s;
  long total = 0;
  for (const auto& [tp, end] : ends) {
    total += static_cast<long>(end - store_.offset(tp.first, tp.second).value_or(0));
  }
  const auto deadline_without_progress = std::chrono::seconds(30);
  auto last_progress = std::chrono::steady_clock::now();
  while (!reader->at_end()) {
    const long before = records_.load();
    if (!apply(*reader, 100, &error)) return {kafka::Failure::fatal, error};
    if (records_.load() != before) {
      last_progress = std::chrono::steady_clock::now();
      if (progress) progress(records_.load(), total);
    } else if (std::chrono::steady_clock::now() - last_progress > deadline_without_progress) {
      return {kafka::Failure::retriable, "no progress while rebuilding"};
    }
  }
  caught_up_ = true;
  return kafka::KafkaStatus::success();
}

}  // namespace parcours::projections
