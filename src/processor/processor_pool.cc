#include "processor/processor_pool.h"

#include <algorithm>
#include <chrono>
#include <mutex>
#include <thread>

#include "common/cpus.h"
#include "common/thread_name.h"

namespace parcours::processor {

int ProcessorPool::default_count(int partitions) {
  return std::clamp(common::usable_cpus(), 1, std::max(1, partitions));
}

ProcessorOptions ProcessorPool::options_of(const ProcessorOptions& base, int index, int count) {
  ProcessorOptions o = base;
  o.index = index;
  if (index > 0) {
    o.transactional_id = base.transactional_id + "-" + std::to_string(index);
    o.name = base.name + std::to_string(index);
  }
  // The instance keeps as many states in memory as one processor did.
  o.cache_entries =
      std::max<std::size_t>(1000, base.cache_entries / static_cast<std::size_t>(count));
  return o;
}

ProcessorPool::ProcessorPool(int count, const ProcessorOptions& options,
                             const kafka::KafkaSettings& settings, ProcessorStore& store,
                             projections::OrgRegistry& registry, const crypto::MasterKeyRing& keys,
                             ProcessorProbe* probe) {
  if (count < 1) count = default_count(options.topics.partitions);
  for (int i = 0; i < count; ++i) {
    ProcessorStore* handle = &store;
    if (i > 0) {
      stores_.push_back(store.share());
      handle = stores_.back().get();
    }
    processors_.push_back(std::make_unique<CommandProcessor>(
        options_of(options, i, count), settings, *handle, registry, keys, probe));
  }
}

std::string ProcessorPool::run(const std::atomic<bool>& stop) {
  std::atomic<bool> stop_all{false};
  std::mutex mu;
  std::string fatal;
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < processors_.size(); ++i) {
    threads.emplace_back([&, i, processor = processors_[i].get()] {
      common::name_this_thread(kProcessorThreadPrefix + std::to_string(i));
      const std::string e = processor->run(stop_all);
      if (e.empty()) return;
      std::lock_guard lock(mu);
      if (fatal.empty()) fatal = e;
      stop_all = true;
    });
  }
  while (!stop.load() && !stop_all.load()) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  stop_all = true;
  for (auto& t : threads) t.join();
  return fatal;
}

bool ProcessorPool::ready() const {
  return std::all_of(processors_.begin(), processors_.end(),
                     [](const auto& p) { return p->ready(); });
}

void ProcessorPool::request_deadlines(domain::Date day) {
  for (auto& p : processors_) p->request_deadlines(day);
}

long ProcessorPool::batches() const {
  long n = 0;
  for (const auto& p : processors_) n += p->batches();
  return n;
}

}  // namespace parcours::processor
