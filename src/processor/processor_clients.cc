// The processor's Kafka clients and partitions: creating and re-creating the consumer and the
// transactional producer, the rebalance callback, and the catch-up of assigned partitions
// before their commands are processed (command_processor.h).
#include <algorithm>
#include <chrono>
#include <thread>

#include "common/log.h"
#include "kafka/fetcher_wake.h"
#include "processor/catch_up.h"
#include "processor/command_processor.h"

namespace parcours::processor {

namespace {
using Clock = std::chrono::steady_clock;
constexpr int kFirstBackoffMs = 200;
constexpr int kMaxBackoffMs = 5000;
// init_transactions waits this long at most per attempt; the loop keeps polling between
// attempts, so the consumer stays in its group while the producer cannot be made.
constexpr int kProducerInitTimeoutMs = 10000;
// A new producer asks where its topics are for this long at most (learn_topics).
constexpr int kLearnTopicsTimeoutMs = 2000;

std::vector<RdKafka::TopicPartition*> topic_partitions(const std::string& topic,
                                                       const std::vector<int32_t>& partitions) {
  std::vector<RdKafka::TopicPartition*> out;
  for (int32_t p : partitions) out.push_back(RdKafka::TopicPartition::create(topic, p));
  return out;
}
}  // namespace

// Eager rebalance. Nothing here may throw into librdkafka (STYLE habit 4): the partitions are
// only recorded, assigned and paused; the catch-up runs in the processor's loop.
class CommandProcessor::Rebalance : public RdKafka::RebalanceCb {
 public:
  explicit Rebalance(CommandProcessor* owner) : owner_(owner) {}
  void rebalance_cb(RdKafka::KafkaConsumer* consumer, RdKafka::ErrorCode err,
                    std::vector<RdKafka::TopicPartition*>& partitions) override {
    try {
      if (err == RdKafka::ERR__ASSIGN_PARTITIONS) {
        std::vector<int32_t> ps;
        for (auto* tp : partitions) ps.push_back(tp->partition());
        (void)consumer->assign(partitions);
        (void)consumer->pause(partitions);
        owner_->on_assign(ps);
      } else {
        owner_->on_revoke();
        (void)consumer->unassign();
      }
    } catch (...) {
      // The loop re-creates the consumer, which joins again and catches up from scratch.
      owner_->callback_failed_ = true;
    }
  }

 private:
  CommandProcessor* owner_;
};

CommandProcessor::CommandProcessor(ProcessorOptions options, kafka::KafkaSettings settings,
                                   ProcessorStore& store, projections::OrgRegistry& registry,
                                   const crypto::MasterKeyRing& keys, ProcessorProbe* probe)
    : options_(std::move(options)),
      settings_(std::move(settings)),
      store_(store),
      registry_(registry),
      keys_(keys),
      probe_(probe),
      cache_(options_.cache_entries, options_.cache_entries),
      linger_(std::chrono::milliseconds(options_.batch_linger_ms)) {}

CommandProcessor::~CommandProcessor() = default;

void CommandProcessor::retry_later(Clock::time_point* when, int* backoff_ms) {
  *backoff_ms = std::clamp(*backoff_ms * 2, kFirstBackoffMs, kMaxBackoffMs);
  *when = Clock::now() + std::chrono::milliseconds(*backoff_ms);
}

void CommandProcessor::ensure_clients() {
  if ((consumer_ && producer_) || Clock::now() < next_client_try_) return;
  std::string error;
  if (!producer_) {
    producer_ = make_producer(&error, kProducerInitTimeoutMs);
    if (!producer_) {
      common::log_warn("transactional producer not available; retrying", {{"error", error}});
      retry_later(&next_client_try_, &client_backoff_ms_);
      return;
    }
  }
  if (!consumer_ && !start_consumer(&error)) {
    common::log_warn("commands consumer not available; retrying", {{"error", error}});
    consumer_.reset();
    retry_later(&next_client_try_, &client_backoff_ms_);
    return;
  }
  client_backoff_ms_ = 0;
}

std::unique_ptr<kafka::TransactionalProducer> CommandProcessor::make_producer(std::string* error,
                                                                              int timeout_ms) {
  auto producer =
      kafka::TransactionalProducer::create(kafka::named(settings_, options_.name + "-producer"),
                                           options_.transactional_id, error, timeout_ms);
  if (!producer) return nullptr;
  const auto& t = options_.topics;
  if (auto s = producer->learn_topics({t.events, t.replies, t.keys, options_.dead_letter_topic},
                                      kLearnTopicsTimeoutMs);
      !s.ok()) {
    common::log_warn("producer's topics not known yet", {{"error", s.message}});
  }
  return producer;
}

bool CommandProcessor::start_consumer(std::string* error) {
  if (!rebalance_) rebalance_ = std::make_unique<Rebalance>(this);
  callback_failed_ = false;
  auto conf = kafka::make_conf(
      kafka::named(settings_, options_.name + "-consumer"), kafka::ClientRole::group_consumer,
      {{"group.id", options_.group_id},
       // Static membership (decision 20): a restarted instance takes its partitions back at
       // once, without a rebalance of the others.
       {"group.instance.id", options_.transactional_id},
       {"session.timeout.ms", std::to_string(options_.session_timeout_ms)}},
      error);
  if (!conf) return false;
  if (conf->set("rebalance_cb", rebalance_.get(), *error) != RdKafka::Conf::CONF_OK) return false;
  consumer_.reset(RdKafka::KafkaConsumer::create(conf.get(), *error));
  if (!consumer_) return false;
  const auto code = consumer_->subscribe({options_.topics.commands});
  if (code != RdKafka::ERR_NO_ERROR) {
    *error = "subscribe: " + RdKafka::err2str(code);
    return false;
  }
  return true;
}

void CommandProcessor::drop_consumer(const std::string& why) {
  common::log_warn("re-creating the commands consumer", {{"reason", why}});
  if (probe_) probe_->client_restarted("commands_consumer");
  // A static member does not leave the group on close: the new consumer, with the same
  // group.instance.id, takes its place and its partitions.
  if (consumer_) consumer_->close();
  consumer_.reset();
  on_revoke();
  callback_failed_ = false;
}

void CommandProcessor::on_assign(const std::vector<int32_t>& partitions) {
  group_.forget();  // a new generation
  pending_.insert(partitions.begin(), partitions.end());
  next_catch_up_ = Clock::now();
  catch_up_backoff_ms_ = 0;
  common::log_info("partitions assigned",
                   {{"processor", options_.name}, {"partitions", partitions}});
  if (partitions.empty()) ready_ = true;
}

void CommandProcessor::on_revoke() {
  group_.forget();  // the group changes, or the consumer (drop_consumer)
  owned_.clear();
  pending_.clear();
  for (const auto& [p, broken] : halted_) {
    if (probe_) probe_->partition_resumed(p);
  }
  halted_.clear();
  cache_.clear();
  if (probe_) probe_->owned_partitions(options_.index, 0);
}

void CommandProcessor::rewind_all() {
  // Whatever failed, the log says what happened: every processed partition is paused and
  // caught up again, then resumed from its committed offset (never from positions in memory).
  cache_.clear();
  if (!owned_.empty() && consumer_) {
    auto parts = topic_partitions(options_.topics.commands, {owned_.begin(), owned_.end()});
    (void)consumer_->pause(parts);
    RdKafka::TopicPartition::destroy(parts);
  }
  pending_.insert(owned_.begin(), owned_.end());
  owned_.clear();
  if (probe_) probe_->owned_partitions(options_.index, 0);
  next_catch_up_ = Clock::now();
}

void CommandProcessor::halt(const projections::BrokenInvariant& broken) {
  common::log_error("partition stopped at a broken invariant of the log; its commands wait",
                    broken.to_json());
  if (probe_) probe_->invariant_broken(broken.kind, broken.partition, broken.offset);
  halted_[broken.partition] = broken;
  pending_.erase(broken.partition);
}

CommandProcessor::Step CommandProcessor::catch_up_pending() {
  if (pending_.empty() || !producer_ || Clock::now() < next_catch_up_) return Step::done;
  const std::vector<int32_t> parts(pending_.begin(), pending_.end());
  const auto started = Clock::now();
  auto failed = [&](const std::string& kind, const std::string& message) {
    common::log_warn("catch-up failed; retrying", {{"kind", kind}, {"error", message}});
    if (probe_) probe_->catch_up_failed(kind);
    retry_later(&next_catch_up_, &catch_up_backoff_ms_);
    return Step::done;
  };
  // Reading the committed offsets waits for any transaction the previous owner still has open
  // on these partitions (read_committed, KIP-447), so that catch-up sees its outcome.
  auto tps = topic_partitions(options_.topics.commands, parts);
  const auto code = consumer_->committed(tps, 10000);
  RdKafka::TopicPartition::destroy(tps);
  if (code != RdKafka::ERR_NO_ERROR) return failed("kafka", RdKafka::err2str(code));
  const double committed_seconds = std::chrono::duration<double>(Clock::now() - started).count();

  auto keys =
      catch_up_keys(settings_, options_.topics.keys, options_.keys_partitions, store_, cache_);
  if (keys.store.failure == store::StoreFailure::fatal) {
    return store_failed(keys.store, "catch-up of the keys");
  }
  if (!keys.ok()) return failed(keys.store.ok() ? "kafka" : "store", keys.message());
  std::vector<int32_t> caught;
  for (int32_t p : parts) {
    CatchUpStats stats;
    auto r = catch_up_events(settings_, options_.topics.events, p, store_, cache_, &stats);
    if (stats.events_applied > 0) {
      common::log_info(
          "caught up events partition",
          {{"partition", p}, {"read", stats.events_read}, {"applied", stats.events_applied}});
    }
    if (r.broken) {
      halt(*r.broken);
      continue;
    }
    if (r.store.failure == store::StoreFailure::fatal) {
      return store_failed(r.store, "catch-up of the events");
    }
    if (!r.ok()) return failed(r.store.ok() ? "kafka" : "store", r.message());
    caught.push_back(p);
  }
  if (!resume(caught)) return failed("kafka", "seek to the committed offsets failed");
  common::log_info("partitions caught up",
                   {{"processor", options_.name},
                    {"partitions", caught},
                    {"seconds", std::chrono::duration<double>(Clock::now() - started).count()},
                    {"committed_offsets_seconds", committed_seconds}});
  catch_up_backoff_ms_ = 0;
  if (pending_.empty()) ready_ = true;
  return Step::done;
}

bool CommandProcessor::resume(const std::vector<int32_t>& partitions) {
  if (partitions.empty()) return true;
  auto tps = topic_partitions(options_.topics.commands, partitions);
  bool ok = consumer_->committed(tps, 10000) == RdKafka::ERR_NO_ERROR;
  // Resumed, then sought, then the fetchers woken (kafka/fetcher_wake.h): otherwise the first
  // fetch waited for the broker thread's next idle round (1 s of every restart's
  // unavailability). Whatever is fetched between the resume and the seek belongs to the
  // version before the seek, and librdkafka drops it.
  if (ok) ok = consumer_->resume(tps) == RdKafka::ERR_NO_ERROR;
  for (auto* tp : tps) {
    if (tp->offset() < 0) tp->set_offset(RdKafka::Topic::OFFSET_BEGINNING);
  }
  if (ok) {
    if (auto failed = kafka::seek_and_wake(*consumer_, tps)) {
      common::log_warn("seek failed", {{"partition", failed->partition},
                                       {"error", RdKafka::err2str(failed->error)}});
      ok = false;
    }
  }
  // Not resumed after all: paused again until the next catch-up (the loop drops what comes of
  // partitions it does not own meanwhile).
  if (!ok) (void)consumer_->pause(tps);
  RdKafka::TopicPartition::destroy(tps);
  if (!ok) return false;
  for (int32_t p : partitions) {
    pending_.erase(p);
    owned_.insert(p);
  }
  if (probe_) probe_->owned_partitions(options_.index, owned_.size());
  return true;
}

}  // namespace parcours::processor
