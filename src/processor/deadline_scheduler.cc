#include "processor/deadline_scheduler.h"

#include <librdkafka/rdkafkacpp.h>

#include "common/clock.h"
#include "common/log.h"
#include "domain/decide.h"
#include "kafka/partitioner.h"
#include "processor/command_record.h"

namespace parcours::processor {

namespace {
// Before the day was kept per partition, one key held it for the whole store.
constexpr const char* kLastDayOfStore = "deadlines/last_day";

}  // namespace

std::string DeadlineScheduler::last_day_key(int32_t partition) {
  // Appended in place: GCC 12 misreads `std::string(...) + "/"` as out of bounds (-Warray-bounds).
  std::string key(kLastDayOfStore);
  key += '/';
  key += std::to_string(partition);
  return key;
}

std::set<int32_t> DeadlineScheduler::due_partitions(const std::set<int32_t>& owned,
                                                    const ProcessorStore& store,
                                                    const std::string& day, bool force) {
  if (force) return owned;
  const auto of_store = store.meta(kLastDayOfStore);
  std::set<int32_t> due;
  for (int32_t p : owned) {
    auto last = store.meta(last_day_key(p));
    if (!last) last = of_store;
    if (!last || *last < day) due.insert(p);
  }
  return due;
}

DeadlineScheduler::DeadlineScheduler(kafka::KafkaSettings settings, std::string commands_topic,
                                     int partitions)
    : settings_(std::move(settings)), topic_(std::move(commands_topic)), partitions_(partitions) {}

DeadlineScheduler::~DeadlineScheduler() {
  if (producer_) producer_->flush(5000);
}

long DeadlineScheduler::run(domain::Date day, const std::set<int32_t>& owned, ProcessorStore& store,
                            bool force, const std::atomic<bool>* cancel) {
  auto cancelled = [cancel] { return cancel && cancel->load(std::memory_order_relaxed); };
  const std::set<int32_t> due = due_partitions(owned, store, day.str(), force);
  if (due.empty()) return 0;
  // Once a day too: remembered rejections past their retention go.
  if (const long n =
          store.forget_rejections_before(day.plus_days(-kRejectionRetentionDays).str(), cancel);
      n > 0) {
    common::log_info("rejections forgotten", {{"count", n}});
  }
  if (!producer_) {
    std::string error;
    auto conf = kafka::make_conf(settings_, kafka::ClientRole::idempotent_producer, {}, &error);
    if (conf) producer_.reset(RdKafka::Producer::create(conf.get(), error));
    if (!producer_) {
      common::log_warn("deadline scheduler: no producer", {{"error", error}});
      return 0;
    }
  }
  long sent = 0;
  bool failed = false;
  bool cut_short = false;
  auto wanted = [&](std::string_view id) {
    return due.count(kafka::partition_of(id, partitions_)) > 0;
  };
  store.for_each_state(
      [&](const domain::JourneyState& s) {
        if (cancelled()) {
          cut_short = true;
          return false;
        }
        if (!domain::has_pending_deadlines(s, day)) return true;
        CommandRecord c;
        c.command_id = "deadlines-" + day.str();
        c.stream = "journey";
        c.stream_id = s.journey_id;
        c.type = "ApplyDeadlines";
        c.data = {{"day", day.str()}};
        c.actor = {"system", "", {"system"}};
        c.intake_time = common::now_rfc3339();
        c.payload_hash = c.command_id;
        const std::string value = encode(c);
        for (;;) {
          auto code = producer_->produce(topic_, RdKafka::Topic::PARTITION_UA,
                                         RdKafka::Producer::RK_MSG_COPY,
                                         const_cast<char*>(value.data()), value.size(),
                                         s.journey_id.data(), s.journey_id.size(), 0, nullptr);
          if (code == RdKafka::ERR__QUEUE_FULL) {
            producer_->poll(10);
            continue;
          }
          if (code != RdKafka::ERR_NO_ERROR) failed = true;
          break;
        }
        ++sent;
        return !failed;
      },
      wanted);
  if (producer_->flush(30000) != RdKafka::ERR_NO_ERROR) failed = true;
  if (failed) {
    common::log_warn("deadline scheduler: some commands were not sent; will retry", {});
    return sent;
  }
  if (cut_short) return sent;  // stopping: the day is scheduled again by the next owner
  auto b = store.batch();
  for (int32_t p : due) {
    const auto last = store.meta(last_day_key(p));
    b.put_meta(last_day_key(p), last && *last > day.str() ? *last : day.str());
  }
  (void)store.commit(b);
  common::log_info("deadlines scheduled", {{"day", day.str()}, {"journeys", sent}});
  return sent;
}

}  // namespace parcours::processor
