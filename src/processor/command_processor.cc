#include "processor/command_processor.h"

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <thread>

#include "common/clock.h"
#include "common/log.h"

namespace parcours::processor {

namespace {
using Clock = std::chrono::steady_clock;
}  // namespace

std::string CommandProcessor::run(const std::atomic<bool>& stop) {
  Batch batch;
  while (!stop.load()) {
    ensure_clients();
    if (!consumer_) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      continue;
    }
    if (catch_up_pending() == Step::stop) return fatal_;
    batch.clear();
    auto deadline = Clock::time_point::max();
    Clock::time_point first_taken{};
    while (batch.size() < static_cast<std::size_t>(options_.batch_max)) {
      int wait_ms = 100;
      if (!batch.empty()) {
        // Past the linger, what is already queued still joins the batch (consume(0) does not
        // wait): the commands that arrived while the last transaction committed go together,
        // whatever the linger, down to none.
        const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now());
        wait_ms = static_cast<int>(std::max<int64_t>(left.count(), 0));
      }
      // Only a batch's first command asks how it came (BatchLinger::first_command).
      const auto asked = batch.empty() ? Clock::now() : Clock::time_point{};
      std::unique_ptr<RdKafka::Message> m(consumer_->consume(wait_ms));
      if (callback_failed_) break;
      if (m->err() == RdKafka::ERR__TIMED_OUT) {
        if (batch.empty() || Clock::now() >= deadline) break;
        continue;
      }
      if (m->err() != RdKafka::ERR_NO_ERROR) {
        if (m->err() == RdKafka::ERR__FATAL) {
          std::string reason;
          (void)consumer_->fatal_error(reason);
          batch.clear();
          drop_consumer("fatal error of the commands consumer: " + reason);
          break;
        }
        common::log_warn("commands consumer", {{"error", m->errstr()}});
        break;
      }
      // Revoked, or paused while in flight (catch-up will seek it back).
      if (!owned_.count(m->partition())) continue;
      const auto now = Clock::now();
      if (batch.empty()) {
        first_taken = now;
        deadline = now + linger_.wait(now, BatchLinger::first_command(asked, now));
      }
      linger_.arrived(now);
      batch.push_back(std::move(m));
    }
    if (callback_failed_) {
      batch.clear();
      drop_consumer("an exception stopped in the rebalance callback");
      continue;
    }
    if (!consumer_) continue;
    if (batch.empty()) {
      idle();
      continue;
    }
    if (probe_) {
      probe_->batch_gathered(std::chrono::duration<double>(Clock::now() - first_taken).count());
    }
    if (process(batch) == Step::stop) return fatal_;
  }
  deadlines_.reset();  // a scan in progress is cut short: the next owner scans again
  if (consumer_) consumer_->close();
  producer_.reset();
  return {};
}

void CommandProcessor::idle() {
  // An idle producer is polled by nobody else: its statistics would wait (and pile up).
  if (producer_) producer_->serve_queue();
  // A good moment for the daily deadlines (checked once a minute, or on request), scanned on
  // the scan's own thread (deadline_scan.h).
  if (deadlines_ && deadlines_->busy()) return;  // a request waits for the scan in progress
  const int32_t forced = forced_deadline_day_.exchange(INT32_MIN);
  if (owned_.empty() ||
      (forced == INT32_MIN && Clock::now() - last_deadline_check_ <= std::chrono::minutes(1))) {
    if (forced != INT32_MIN) forced_deadline_day_.store(forced);  // when partitions come
    return;
  }
  last_deadline_check_ = Clock::now();
  if (!deadlines_) {
    deadlines_ = std::make_unique<DeadlineScan>(settings_, options_.topics.commands,
                                                options_.topics.partitions, store_.share(), probe_);
  }
  const domain::Date day = forced != INT32_MIN
                               ? domain::Date::from_days(forced)
                               : domain::Date::utc_date_of(std::chrono::system_clock::now());
  (void)deadlines_->start(day, owned_, forced != INT32_MIN);
}

}  // namespace parcours::processor
