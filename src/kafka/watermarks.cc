#include "kafka/watermarks.h"

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include <librdkafka/rdkafkacpp.h>

#include "common/log.h"
#include "common/thread_name.h"

namespace parcours::kafka {

struct WatermarkQuery::Worker {
  std::unique_ptr<RdKafka::KafkaConsumer> handle;  // never subscribes: no group
  std::mutex mu;
  std::condition_variable cv;
  bool has_request = false;  // guarded by mu
  bool done = false;
  bool stop = false;
  bool busy = false;  // inside librdkafka
  Partitions request;
  int timeout_ms = 0;
  Offsets result;
  KafkaStatus status;
  std::thread thread;
};

namespace {

// One ListOffsets request per leader for every partition (a "latest" offsets-for-times
// query), read_committed as the handle is: the last stable offsets. query_watermark_offsets
// asked partition after partition, two requests each: the registry's sync of three partitions,
// before every batch, took three round trips instead of one.
KafkaStatus ask(RdKafka::KafkaConsumer& handle, const WatermarkQuery::Partitions& request,
                int timeout_ms, WatermarkQuery::Offsets* result) {
  std::vector<RdKafka::TopicPartition*> list;
  list.reserve(request.size());
  for (const auto& [topic, partition] : request) {
    list.push_back(RdKafka::TopicPartition::create(topic, partition, RdKafka::Topic::OFFSET_END));
  }
  KafkaStatus status;
  if (const auto code = handle.offsetsForTimes(list, timeout_ms); code != RdKafka::ERR_NO_ERROR) {
    status = classify(code);
  } else {
    for (const auto* tp : list) {
      if (tp->err() != RdKafka::ERR_NO_ERROR) {
        status = classify(tp->err());
        break;
      }
      (*result)[{tp->topic(), tp->partition()}] = tp->offset();
    }
  }
  RdKafka::TopicPartition::destroy(list);
  return status;
}

}  // namespace

void WatermarkQuery::serve(std::shared_ptr<Worker> w) {
  common::name_this_thread("parcours-offsets");
  std::unique_lock lock(w->mu);
  for (;;) {
    w->cv.wait(lock, [&] { return w->has_request || w->stop; });
    if (w->stop) return;
    w->has_request = false;
    w->busy = true;
    const Partitions request = w->request;
    const int timeout_ms = w->timeout_ms;
    lock.unlock();
    Offsets result;
    KafkaStatus status = ask(*w->handle, request, timeout_ms, &result);
    lock.lock();
    w->result = std::move(result);
    w->status = std::move(status);
    w->done = true;
    w->busy = false;
    w->cv.notify_all();
  }
}

// Its handle reports no statistics: nothing polls it, and an abandoned worker may outlive
// whoever takes them (kafka_settings.h).
WatermarkQuery::WatermarkQuery(KafkaSettings settings, int hedge_ms)
    : settings_(named(std::move(settings), "")), hedge_ms_(hedge_ms) {}

WatermarkQuery::~WatermarkQuery() {
  if (worker_) retire(worker_);
}

WatermarkQuery::WorkerPtr WatermarkQuery::start_worker(std::string* error) const {
  auto w = std::make_shared<Worker>();
  auto conf =
      make_conf(settings_, ClientRole::reader, {{"group.id", "parcours-watermarks"}}, error);
  if (conf) w->handle.reset(RdKafka::KafkaConsumer::create(conf.get(), *error));
  if (!w->handle) return nullptr;
  w->thread = std::thread(&WatermarkQuery::serve, w);
  return w;
}

void WatermarkQuery::retire(const WorkerPtr& w) {
  bool busy = false;
  {
    std::lock_guard lock(w->mu);
    w->stop = true;  // it leaves once librdkafka returns
    busy = w->busy;
  }
  w->cv.notify_all();
  if (busy) {
    w->thread.detach();
    ++abandoned_;
  } else {
    w->thread.join();
  }
}

namespace {

void post(WatermarkQuery::Partitions partitions, int timeout_ms, auto& w) {
  std::lock_guard lock(w->mu);
  w->request = std::move(partitions);
  w->timeout_ms = timeout_ms;
  w->done = false;
  w->has_request = true;
  w->cv.notify_all();
}

}  // namespace

KafkaStatus WatermarkQuery::end_offsets(const Partitions& partitions, Offsets* out,
                                        int timeout_ms) {
  using Clock = std::chrono::steady_clock;
  const auto started = Clock::now();
  // The workers' own timeout is honoured when librdkafka honours it; this one always is.
  const auto deadline = started + std::chrono::milliseconds(timeout_ms + 500);
  std::string error;
  if (!worker_) worker_ = start_worker(&error);
  if (!worker_) return {Failure::retriable, "watermark client: " + error};
  std::vector<WorkerPtr> racing{worker_};
  worker_.reset();
  post(partitions, timeout_ms, racing.front());
  auto next_hedge = started + std::chrono::milliseconds(hedge_ms_);
  KafkaStatus failed;
  for (;;) {
    // The oldest worker is waited on with its condition variable, so that the usual case (one
    // worker, answered in a few milliseconds) returns at once; others are looked at between.
    const auto wake =
        std::min({deadline, next_hedge,
                  Clock::now() + std::chrono::milliseconds(racing.size() > 1 ? 10 : hedge_ms_)});
    {
      std::unique_lock lock(racing.front()->mu);
      racing.front()->cv.wait_until(lock, wake, [&] { return racing.front()->done; });
    }
    for (std::size_t i = 0; i < racing.size();) {
      WorkerPtr w = racing[i];
      std::unique_lock lock(w->mu);
      if (!w->done) {
        ++i;
        continue;
      }
      if (w->status.ok()) {
        for (const auto& [tp, end] : w->result) (*out)[tp] = end;
        lock.unlock();
        racing.erase(racing.begin() + static_cast<std::ptrdiff_t>(i));
        for (const auto& other : racing) retire(other);
        worker_ = std::move(w);  // answered: kept for the next calls
        return KafkaStatus::success();
      }
      // A broker answered with an error (not the leader any more, ...). librdkafka 2.0 does
      // not refresh this handle's view of the leaders for such an answer: the same query went
      // on failing for minutes after a broker restart. Its handle is dropped.
      failed = w->status;
      lock.unlock();
      retire(w);
      racing.erase(racing.begin() + static_cast<std::ptrdiff_t>(i));
    }
    if (racing.empty()) return failed;  // the caller tries again with a fresh handle
    const auto now = Clock::now();
    if (now >= deadline) break;
    if (now >= next_hedge) {
      next_hedge = now + std::chrono::milliseconds(hedge_ms_);
      if (racing.size() >= kMaxRacing) {
        retire(racing.front());
        racing.erase(racing.begin());
      }
      const auto left =
          std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now).count();
      if (auto w = start_worker(&error)) {
        post(partitions, static_cast<int>(left), w);
        racing.push_back(std::move(w));
      }
    }
  }
  for (const auto& w : racing) retire(w);
  common::log_warn("end offsets not answered in time (a partition's leader is down?)",
                   {{"timeout_ms", timeout_ms}, {"abandoned_queries", abandoned_}});
  return {Failure::retriable, "end offsets not answered in time"};
}

}  // namespace parcours::kafka
