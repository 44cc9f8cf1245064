#include "processor/deadline_scan.h"

#include <utility>

#include "common/log.h"
#include "common/thread_name.h"

namespace parcours::processor {

DeadlineScan::DeadlineScan(kafka::KafkaSettings settings, std::string commands_topic,
                           int partitions, std::unique_ptr<ProcessorStore> store,
                           ProcessorProbe* probe)
    : scheduler_(std::move(settings), std::move(commands_topic), partitions),
      store_(std::move(store)),
      probe_(probe) {}

DeadlineScan::~DeadlineScan() {
  cancel_.store(true);
  if (thread_.joinable()) thread_.join();
}

bool DeadlineScan::start(domain::Date day, std::set<int32_t> owned, bool force) {
  if (busy_.load()) return false;
  if (thread_.joinable()) thread_.join();  // the last scan, finished
  busy_.store(true);
  thread_ = std::thread([this, day, owned = std::move(owned), force] {
    common::name_this_thread("parcours-dscan");
    scan(day, owned, force);
    busy_.store(false);
  });
  return true;
}

void DeadlineScan::scan(domain::Date day, const std::set<int32_t>& owned, bool force) {
  try {
    scheduler_.run(day, owned, *store_, force, &cancel_);
  } catch (const std::exception& e) {
    // Nothing the scan does may stop the processor: the day is scheduled again at the next
    // check.
    common::log_warn("deadline scan failed", {{"error", e.what()}});
  }
  if (auto f = store_->take_read_failure(); !f.ok()) {
    // The scan is redone at the next check; nothing was decided from what failed.
    common::log_warn("deadline scan: processor store read failed", {{"error", f.message}});
    if (probe_) probe_->store_failed(store::to_string(f.failure));
  }
}

}  // namespace parcours::processor
