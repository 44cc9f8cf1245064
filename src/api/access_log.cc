#include "api/access_log.h"

#include <librdkafka/rdkafkacpp.h>

#include "common/log.h"
#include "common/thread_name.h"
#include "events/envelope.h"

namespace parcours::api {

namespace {
constexpr auto kAckDeadline = std::chrono::seconds(5);
}

// Delivery reports: the opaque of a message is a heap-held shared_ptr to its Waiter (or null).
class AccessLog::Delivery : public RdKafka::DeliveryReportCb {
 public:
  explicit Delivery(AccessLog* log) : log_(log) {}
  void dr_cb(RdKafka::Message& m) override {
    std::unique_ptr<std::shared_ptr<Waiter>> waiter(
        static_cast<std::shared_ptr<Waiter>*>(m.msg_opaque()));
    const bool ok = m.err() == RdKafka::ERR_NO_ERROR;
    if (!ok) {
      ++log_->failures_;
      common::log_error("access log entry not written", {{"error", m.errstr()}});
    }
    if (waiter) (*waiter)->call(ok);
  }

 private:
  AccessLog* log_;
};

AccessLog::AccessLog(std::string topic, kafka::KafkaSettings settings)
    : topic_(std::move(topic)), settings_(std::move(settings)) {}

AccessLog::~AccessLog() {
  stop();
}

std::string AccessLog::start() {
  std::string error;
  delivery_ = std::make_unique<Delivery>(this);
  // An identity read waits for this acknowledgement: fail it within a few seconds rather than
  // hold the reader for the default delivery timeout.
  auto conf = kafka::make_conf(kafka::named(settings_, "access-log-producer"),
                               kafka::ClientRole::idempotent_producer,
                               {{"linger.ms", "0"}, {"message.timeout.ms", "5000"}}, &error);
  if (!conf) return error;
  if (conf->set("dr_cb", delivery_.get(), error) != RdKafka::Conf::CONF_OK) return error;
  producer_.reset(RdKafka::Producer::create(conf.get(), error));
  if (!producer_) return "access log producer: " + error;
  // The first identity read after a start waits for its record: not for the next topic scan.
  if (auto s = topic_known_.learn(*producer_, {topic_}, 2000); !s.ok()) {
    common::log_warn("access log topic not known yet", {{"error", s.message}});
  }
  thread_ = std::thread([this] {
    common::name_this_thread("parcours-acclog");
    while (!stop_.load()) {
      producer_->poll(50);
      expire();
    }
  });
  return {};
}

void AccessLog::stop() {
  if (stop_.exchange(true)) return;
  if (thread_.joinable()) thread_.join();
  if (producer_) {
    producer_->flush(3000);
    producer_->purge(RdKafka::Producer::PURGE_QUEUE | RdKafka::Producer::PURGE_INFLIGHT);
    producer_->poll(0);  // the purged messages' reports: their readers get false
  }
  std::deque<std::shared_ptr<Waiter>> left;
  {
    std::lock_guard lock(mu_);
    left.swap(waiting_);
  }
  for (auto& w : left) w->call(false);
}

void AccessLog::expire() {
  // A reader waits 5 s at most, even when librdkafka keeps the entry longer (a broker gone).
  const auto now = std::chrono::steady_clock::now();
  std::vector<std::shared_ptr<Waiter>> late;
  {
    std::lock_guard lock(mu_);
    while (!waiting_.empty() && (waiting_.front()->deadline <= now || waiting_.front()->called)) {
      if (!waiting_.front()->called) late.push_back(waiting_.front());
      waiting_.pop_front();
    }
  }
  for (auto& w : late) w->call(false);
}

void AccessLog::record(const std::string& key, const nlohmann::json& entry, Done done) {
  std::shared_ptr<Waiter> waiter;
  if (done) {
    waiter = std::make_shared<Waiter>();
    waiter->done = std::move(done);
    waiter->deadline = std::chrono::steady_clock::now() + kAckDeadline;
  }
  auto fail = [&] {
    ++failures_;
    if (waiter) waiter->call(false);
  };
  if (!producer_ || stop_.load()) return fail();
  if (waiter) {
    std::lock_guard lock(mu_);
    waiting_.push_back(waiter);
  }
  auto* opaque = waiter ? new std::shared_ptr<Waiter>(waiter) : nullptr;
  const std::string value = events::canonical(entry);
  RdKafka::ErrorCode code;
  for (int attempt = 0;; ++attempt) {
    code = producer_->produce(topic_, RdKafka::Topic::PARTITION_UA, RdKafka::Producer::RK_MSG_COPY,
                              const_cast<char*>(value.data()), value.size(), key.data(), key.size(),
                              0, opaque);
    if (code != RdKafka::ERR__QUEUE_FULL || attempt > 100) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));  // back-pressure
  }
  if (code != RdKafka::ERR_NO_ERROR) {
    common::log_error("access log entry not queued", {{"error", RdKafka::err2str(code)}});
    delete opaque;
    fail();
  }
}

}  // namespace parcours::api
