#include "api/command_gateway.h"

#include <librdkafka/rdkafkacpp.h>

#include <functional>

#include "common/log.h"
#include "common/thread_name.h"
#include "kafka/topic_reader.h"

namespace parcours::api {

// Delivery reports of the commands producer: a command that could not be written is answered
// 503 at once (nothing was appended, the client may retry).
class CommandGateway::Delivery : public RdKafka::DeliveryReportCb {
 public:
  explicit Delivery(CommandGateway* g) : g_(g) {}
  void dr_cb(RdKafka::Message& m) override {
    if (m.err() == RdKafka::ERR_NO_ERROR) {
      delete static_cast<std::string*>(m.msg_opaque());
      return;
    }
    auto* id = static_cast<std::string*>(m.msg_opaque());
    if (id) {
      g_->finish(*id, 503,
                 {{"code", "unavailable"},
                  {"detail", "the command could not be written to Kafka: " + m.errstr()}});
    }
    delete id;
  }

 private:
  CommandGateway* g_;
};

CommandGateway::CommandGateway(GatewayOptions options, kafka::KafkaSettings settings)
    : options_(std::move(options)), settings_(std::move(settings)) {
  reply_partition_ = static_cast<int>(std::hash<std::string>{}(options_.instance_id) %
                                      static_cast<std::size_t>(options_.reply_partitions));
}

CommandGateway::~CommandGateway() {
  stop();
}

std::string CommandGateway::start() {
  std::string error;
  delivery_ = std::make_unique<Delivery>(this);
  // linger.ms 0: a command leaves as soon as it is queued (librdkafka still gathers those
  // queued while a request is in flight); a client waits for every millisecond of it.
  auto conf =
      kafka::make_conf(kafka::named(settings_, "commands-producer"),
                       kafka::ClientRole::idempotent_producer, {{"linger.ms", "0"}}, &error);
  if (!conf) return error;
  if (conf->set("dr_cb", delivery_.get(), error) != RdKafka::Conf::CONF_OK) return error;
  producer_.reset(RdKafka::Producer::create(conf.get(), error));
  if (!producer_) return "commands producer: " + error;
  // The first command after a start leaves at once rather than at the next topic scan.
  if (auto s = commands_known_.learn(*producer_, {options_.commands_topic}, 2000); !s.ok()) {
    common::log_warn("commands topic not known yet", {{"error", s.message}});
  }

  // Listen from the end offset as it is now, read explicitly: a reply to a command sent after
  // start() returns is always at or after it.
  int64_t low = 0;
  int64_t high = 0;
  RdKafka::ErrorCode code = RdKafka::ERR_NO_ERROR;
  for (int attempt = 0; attempt < 50; ++attempt) {  // a new topic's leader may still be moving
    code = producer_->query_watermark_offsets(options_.replies_topic, reply_partition_, &low, &high,
                                              10000);
    if (code == RdKafka::ERR_NO_ERROR) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  if (code != RdKafka::ERR_NO_ERROR) return "replies topic: " + RdKafka::err2str(code);
  replies_ =
      kafka::TopicReader::create(kafka::named(settings_, "replies-reader"),
                                 {{options_.replies_topic, reply_partition_, high}}, &error,
                                 {{"group.id", "parcours-replies"},
                                  {"enable.partition.eof", "false"},
                                  {"fetch.wait.max.ms", std::to_string(kafka::kFetchWaitNoEndMs)}});
  if (!replies_) return "replies reader: " + error;
  healthy_ = true;
  thread_ = std::thread([this] {
    common::name_this_thread("parcours-replies");
    loop();
  });
  return {};
}

void CommandGateway::stop() {
  if (stop_.exchange(true)) return;
  if (thread_.joinable()) thread_.join();
  std::map<std::string, Pending> left;
  {
    std::lock_guard lock(mu_);
    left.swap(pending_);
  }
  for (auto& [id, p] : left) {
    p.done(503, {{"code", "unavailable"}, {"detail", "the service is stopping"}});
  }
  if (producer_) producer_->flush(2000);
}

std::size_t CommandGateway::pending() const {
  std::lock_guard lock(mu_);
  return pending_.size();
}

void CommandGateway::finish(const std::string& request_id, int status, const nlohmann::json& body) {
  Done done;
  {
    std::lock_guard lock(mu_);
    auto it = pending_.find(request_id);
    if (it == pending_.end()) return;  // already answered (timeout) or not ours
    done = std::move(it->second.done);
    pending_.erase(it);
  }
  done(status, body);
}

void CommandGateway::submit(processor::CommandRecord cmd, Done done) {
  if (stop_.load() || !producer_) {
    done(503, {{"code", "unavailable"}, {"detail", "the service is not accepting commands"}});
    return;
  }
  cmd.reply_to = options_.instance_id;
  cmd.reply_partition = reply_partition_;
  cmd.request_id = options_.instance_id + "-" + std::to_string(++next_request_);
  {
    std::lock_guard lock(mu_);
    pending_[cmd.request_id] = {std::move(done),
                                std::chrono::steady_clock::now() + options_.reply_timeout};
  }
  const std::string value = processor::encode(cmd);
  auto* opaque = new std::string(cmd.request_id);
  RdKafka::ErrorCode code;
  for (int attempt = 0;; ++attempt) {
    code = producer_->produce(options_.commands_topic, RdKafka::Topic::PARTITION_UA,
                              RdKafka::Producer::RK_MSG_COPY, const_cast<char*>(value.data()),
                              value.size(), cmd.stream_id.data(), cmd.stream_id.size(), 0, opaque);
    if (code != RdKafka::ERR__QUEUE_FULL || attempt > 100) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));  // back-pressure
  }
  if (code != RdKafka::ERR_NO_ERROR) {
    delete opaque;
    finish(cmd.request_id, 503,
           {{"code", "unavailable"},
            {"detail", "the command could not be queued: " + RdKafka::err2str(code)}});
  }
}

void CommandGateway::loop() {
  while (!stop_.load()) {
    producer_->poll(0);  // delivery reports
    std::size_t n = 0;
    auto s = replies_->poll(
        1000, 20,
        [&](const RdKafka::Message& m) {
          auto reply = processor::decode_reply(
              std::string_view(static_cast<const char*>(m.payload()), m.len()));
          if (!reply || reply->reply_to != options_.instance_id) return;
          finish(reply->request_id, reply->status, reply->body);
        },
        &n);
    healthy_ = s.ok();
    if (!s.ok()) common::log_warn("replies reader", {{"error", s.message}});
    // Expire what waited too long: 504, the client retries with the same Idempotency-Key.
    const auto now = std::chrono::steady_clock::now();
    std::vector<std::pair<std::string, Done>> expired;
    {
      std::lock_guard lock(mu_);
      for (auto it = pending_.begin(); it != pending_.end();) {
        if (it->second.deadline <= now) {
          expired.emplace_back(it->first, std::move(it->second.done));
          it = pending_.erase(it);
        } else {
          ++it;
        }
      }
    }
    for (auto& [id, done] : expired) {
      done(504, {{"code", "timeout"},
                 {"detail",
                  "no outcome within the reply timeout; retry with the same "
                  "Idempotency-Key"}});
    }
  }
}

}  // namespace parcours::api
