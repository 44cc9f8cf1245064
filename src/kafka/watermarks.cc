#include "kafka/watermarks.h"

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include <librdkafka/rdkafkacpp.h>

#include "common/log.h"

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

void WatermarkQuery::serve(std::shared_ptr<Worker> w) {
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
    KafkaStatus status;
    for (const auto& [topic, partition] : request) {
      int64_t low = 0;
      int64_t high = 0;
      const auto code =
          w->handle->query_watermark_offsets(topic, partition, &low, &high, timeout_ms);
      if (code != RdKafka::ERR_NO_ERROR) {
        status = classify(code);
        break;
      }
      result[{topic, partition}] = high;
    }
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
WatermarkQuery::WatermarkQuery(KafkaSettings settings)
    : settings_(named(std::move(settings), "")) {}

WatermarkQuery::~WatermarkQuery() {
  if (!worker_) return;
  bool busy = false;
  {
    std::lock_guard lock(worker_->mu);
    worker_->stop = true;
    busy = worker_->busy;
  }
  worker_->cv.notify_all();
  // An idle worker ends now; one stuck in librdkafka ends by itself later.
  if (busy) {
    worker_->thread.detach();
  } else {
    worker_->thread.join();
  }
}

KafkaStatus WatermarkQuery::end_offsets(const Partitions& partitions, Offsets* out,
                                        int timeout_ms) {
  if (!worker_) {
    auto w = std::make_shared<Worker>();
    std::string error;
    auto conf =
        make_conf(settings_, ClientRole::reader, {{"group.id", "parcours-watermarks"}}, &error);
    if (conf) w->handle.reset(RdKafka::KafkaConsumer::create(conf.get(), error));
    if (!w->handle) return {Failure::retriable, "watermark client: " + error};
    w->thread = std::thread(&WatermarkQuery::serve, w);
    worker_ = std::move(w);
  }
  std::unique_lock lock(worker_->mu);
  worker_->request = partitions;
  worker_->timeout_ms = timeout_ms;
  worker_->done = false;
  worker_->has_request = true;
  worker_->cv.notify_all();
  // The worker's own timeout is honoured when librdkafka honours it; this one always is.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms) +
                        std::chrono::milliseconds(500);
  if (!worker_->cv.wait_until(lock, deadline, [&] { return worker_->done; })) {
    worker_->stop = true;  // it leaves once librdkafka returns
    lock.unlock();
    worker_->thread.detach();
    worker_.reset();
    ++abandoned_;
    common::log_warn("end offsets not answered in time (a partition's leader is down?)",
                     {{"timeout_ms", timeout_ms}, {"abandoned_queries", abandoned_}});
    return {Failure::retriable, "end offsets not answered in time"};
  }
  if (!worker_->status.ok()) {
    // A broker answered with an error (not the leader any more, ...). librdkafka 2.0 does not
    // refresh this handle's view of the leaders for such an answer: the same query went on
    // failing for minutes after a broker restart, holding the processor's registry sync and
    // every command with it. The next query starts with a fresh handle, which asks the
    // cluster who leads now.
    KafkaStatus failed = worker_->status;
    worker_->stop = true;
    lock.unlock();
    worker_->cv.notify_all();
    worker_->thread.join();  // idle: it has answered
    worker_.reset();
    return failed;
  }
  for (const auto& [tp, end] : worker_->result) (*out)[tp] = end;
  return KafkaStatus::success();
}

}  // namespace parcours::kafka
