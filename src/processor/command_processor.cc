#include "processor/command_processor.h"

#include <chrono>
#include <thread>

#include "common/clock.h"
#include "common/log.h"
#include "processor/catch_up.h"
#include "processor/transaction.h"

namespace parcours::processor {

namespace {
using Clock = std::chrono::steady_clock;
constexpr int kCatchUpAttempts = 5;
}  // namespace

// Eager rebalance: catch up before taking partitions, forget state when they go.
class CommandProcessor::Rebalance : public RdKafka::RebalanceCb {
 public:
  explicit Rebalance(CommandProcessor* owner) : owner_(owner) {}
  void rebalance_cb(RdKafka::KafkaConsumer* consumer, RdKafka::ErrorCode err,
                    std::vector<RdKafka::TopicPartition*>& partitions) override {
    if (err == RdKafka::ERR__ASSIGN_PARTITIONS) {
      std::vector<int32_t> ps;
      for (auto* tp : partitions) ps.push_back(tp->partition());
      // Fetching the committed offsets first waits for any transaction the previous owner
      // still has open on these partitions (read_committed, KIP-447), so catch-up sees it.
      (void)consumer->committed(partitions, 10000);
      owner_->on_assign(ps);
      consumer->assign(partitions);
    } else {
      owner_->on_revoke();
      consumer->unassign();
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
      probe_(probe) {}

CommandProcessor::~CommandProcessor() = default;

std::string CommandProcessor::start_clients() {
  std::string error;
  producer_ = kafka::TransactionalProducer::create(settings_, options_.transactional_id, &error);
  if (!producer_) return "transactional producer: " + error;
  rebalance_ = std::make_unique<Rebalance>(this);
  auto conf = kafka::make_conf(settings_, kafka::ClientRole::group_consumer,
                               {{"group.id", options_.group_id},
                                // Static membership: a restarted instance takes its partitions
                                // back at once instead of after the session timeout.
                                {"group.instance.id", options_.transactional_id}},
                               &error);
  if (!conf) return error;
  if (conf->set("rebalance_cb", rebalance_.get(), error) != RdKafka::Conf::CONF_OK) return error;
  consumer_.reset(RdKafka::KafkaConsumer::create(conf.get(), error));
  if (!consumer_) return "commands consumer: " + error;
  nudger_ = kafka::FetchNudger::for_consumer(*consumer_, *conf, {});
  const auto code = consumer_->subscribe({options_.topics.commands});
  if (code != RdKafka::ERR_NO_ERROR) return "subscribe: " + RdKafka::err2str(code);
  return {};
}

kafka::KafkaStatus CommandProcessor::catch_up_keys() {
  return processor::catch_up_keys(settings_, options_.topics.keys, options_.keys_partitions, store_,
                                  cache_);
}

kafka::KafkaStatus CommandProcessor::catch_up_events(int32_t partition) {
  CatchUpStats stats;
  auto s = processor::catch_up_events(settings_, options_.topics.events, partition, store_, cache_,
                                      &stats);
  if (stats.events_applied > 0 || stats.gaps > 0) {
    common::log_info("caught up events partition", {{"partition", partition},
                                                    {"read", stats.events_read},
                                                    {"applied", stats.events_applied},
                                                    {"gaps", stats.gaps}});
  }
  return s;
}

void CommandProcessor::on_assign(const std::vector<int32_t>& partitions) {
  owned_.clear();
  for (int attempt = 1;; ++attempt) {
    kafka::KafkaStatus s = catch_up_keys();
    for (int32_t p : partitions) {
      if (!s.ok()) break;
      s = catch_up_events(p);
    }
    if (s.ok()) break;
    common::log_warn("catch-up failed", {{"attempt", attempt}, {"error", s.message}});
    if (attempt >= kCatchUpAttempts || s.failure == kafka::Failure::fatal) {
      catch_up_error_ = "catch-up failed: " + s.message;
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(200 * attempt));
  }
  owned_.insert(partitions.begin(), partitions.end());
  if (probe_) probe_->owned_partitions(owned_.size());
  if (nudger_) {
    std::vector<std::pair<std::string, int32_t>> nudged;
    for (int32_t p : owned_) nudged.emplace_back(options_.topics.commands, p);
    nudger_->set_partitions(std::move(nudged));
  }
  common::log_info("partitions assigned", {{"partitions", partitions}});
  ready_ = true;
}

void CommandProcessor::on_revoke() {
  owned_.clear();
  if (nudger_) nudger_->set_partitions({});
  cache_.clear();
  if (probe_) probe_->owned_partitions(0);
}

bool CommandProcessor::recover(std::string* fatal) {
  // Whatever the failed transaction did or did not commit, the log says: catch up from it,
  // then resume from the committed command offsets (never from positions in memory).
  cache_.clear();
  const std::vector<int32_t> owned(owned_.begin(), owned_.end());
  on_assign(owned);
  if (!catch_up_error_.empty()) {
    *fatal = catch_up_error_;
    return false;
  }
  std::vector<RdKafka::TopicPartition*> parts;
  for (int32_t p : owned) {
    parts.push_back(RdKafka::TopicPartition::create(options_.topics.commands, p));
  }
  const auto code = consumer_->committed(parts, 10000);
  if (code == RdKafka::ERR_NO_ERROR) {
    for (auto* tp : parts) {
      if (tp->offset() < 0) tp->set_offset(RdKafka::Topic::OFFSET_BEGINNING);
      const auto err = consumer_->seek(*tp, 5000);
      if (err != RdKafka::ERR_NO_ERROR) {
        common::log_warn("seek failed",
                         {{"partition", tp->partition()}, {"error", RdKafka::err2str(err)}});
      }
    }
  }
  RdKafka::TopicPartition::destroy(parts);
  if (code != RdKafka::ERR_NO_ERROR) {
    *fatal = "cannot read the committed offsets: " + RdKafka::err2str(code);
    return false;
  }
  return true;
}

bool CommandProcessor::process(std::vector<std::unique_ptr<RdKafka::Message>>& batch,
                               std::string* fatal) {
  // Decisions must see every organisation change acknowledged before these commands.
  for (int attempt = 1;; ++attempt) {
    auto s = registry_.sync();
    if (s.ok()) break;
    common::log_warn("registry sync failed", {{"attempt", attempt}, {"error", s.message}});
    if (attempt >= kCatchUpAttempts) return recover(fatal);
    std::this_thread::sleep_for(std::chrono::milliseconds(100 * attempt));
  }

  BatchDecider decider(options_.topics, store_, cache_, registry_, keys_, probe_,
                       common::now_rfc3339());
  std::vector<OutRecord> out;
  std::map<int32_t, int64_t> consumed;
  for (const auto& m : batch) {
    consumed[m->partition()] = m->offset() + 1;
    std::string error;
    auto cmd =
        decode_command(std::string_view(static_cast<const char*>(m->payload()), m->len()), &error);
    if (!cmd) {
      // Only the API writes this topic; a record it could not have written is skipped and
      // counted rather than blocking the partition.
      common::log_error("undecodable command record",
                        {{"partition", m->partition()}, {"offset", m->offset()}, {"error", error}});
      if (probe_) probe_->command("unknown", "undecodable");
      continue;
    }
    decider.decide(*cmd, m->partition(), out, m->offset());
  }

  const auto started = Clock::now();
  std::vector<RdKafka::TopicPartition*> offsets;
  for (const auto& [p, next] : consumed) {
    offsets.push_back(RdKafka::TopicPartition::create(options_.topics.commands, p, next));
  }
  std::unique_ptr<RdKafka::ConsumerGroupMetadata> group(consumer_->groupMetadata());
  const kafka::KafkaStatus s = write_batch(*producer_, out, offsets, group.get());
  RdKafka::TopicPartition::destroy(offsets);
  if (!s.ok()) {
    common::log_warn(
        "transaction failed",
        {{"kind", kafka::to_string(s.failure)}, {"error", s.message}, {"commands", batch.size()}});
    if (probe_) probe_->transaction_failed(kafka::to_string(s.failure));
    std::string error;
    producer_ = recover_producer(
        std::move(producer_), s,
        [this](std::string* e) {
          return kafka::TransactionalProducer::create(settings_, options_.transactional_id, e);
        },
        &error);
    if (!producer_) {
      *fatal = "cannot re-create the transactional producer: " + error;
      return false;
    }
    return recover(fatal);
  }
  const double commit_seconds = std::chrono::duration<double>(Clock::now() - started).count();
  if (after_commit_hook) after_commit_hook();

  auto store_batch = store_.batch();
  decider.write_to(store_batch);
  for (const auto& [tp, last] : producer_->delivered()) {
    if (tp.first == options_.topics.events) store_batch.put_offset(tp.first, tp.second, last + 1);
  }
  if (auto ws = store_.commit(store_batch); !ws.ok()) {
    *fatal = "processor store write failed: " + ws.ToString();
    return false;
  }
  decider.publish(cache_);
  if (probe_) {
    probe_->batch(batch.size(), commit_seconds);
    probe_->events_appended(decider.events());
  }
  ++batches_;
  return true;
}

std::string CommandProcessor::run(const std::atomic<bool>& stop) {
  if (auto err = start_clients(); !err.empty()) return err;
  std::string fatal;
  std::vector<std::unique_ptr<RdKafka::Message>> batch;
  while (!stop.load()) {
    batch.clear();
    auto deadline = Clock::time_point::max();
    while (batch.size() < static_cast<std::size_t>(options_.batch_max)) {
      int wait_ms = 100;
      if (!batch.empty()) {
        const auto left =
            std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
        if (left.count() <= 0) break;
        wait_ms = static_cast<int>(left.count());
      }
      std::unique_ptr<RdKafka::Message> m(consumer_->consume(wait_ms));
      if (!catch_up_error_.empty()) return catch_up_error_;
      if (m->err() == RdKafka::ERR__TIMED_OUT) {
        if (batch.empty()) break;
        continue;
      }
      if (m->err() != RdKafka::ERR_NO_ERROR) {
        if (m->err() == RdKafka::ERR__FATAL) return "commands consumer: " + m->errstr();
        common::log_warn("commands consumer", {{"error", m->errstr()}});
        break;
      }
      if (!owned_.count(m->partition())) continue;  // revoked while in flight
      if (batch.empty()) {
        deadline = Clock::now() + std::chrono::milliseconds(options_.batch_linger_ms);
      }
      batch.push_back(std::move(m));
    }
    if (!catch_up_error_.empty()) return catch_up_error_;
    std::size_t bytes = 0;
    for (const auto& m : batch) bytes += m->len();
    nudger_->consumed(batch.size(), bytes);
    if (batch.empty()) {
      // Idle: a good moment for the daily deadlines (checked once a minute, or on request).
      const int32_t forced = forced_deadline_day_.exchange(INT32_MIN);
      if (!owned_.empty() &&
          (forced != INT32_MIN || Clock::now() - last_deadline_check_ > std::chrono::minutes(1))) {
        last_deadline_check_ = Clock::now();
        if (!deadlines_) {
          deadlines_ = std::make_unique<DeadlineScheduler>(settings_, options_.topics.commands,
                                                           options_.topics.partitions);
        }
        const domain::Date day = forced != INT32_MIN
                                     ? domain::Date::from_days(forced)
                                     : domain::Date::utc_date_of(std::chrono::system_clock::now());
        deadlines_->run(day, owned_, store_, forced != INT32_MIN);
      }
      continue;
    }
    if (!process(batch, &fatal)) return fatal;
  }
  nudger_.reset();  // its thread queries the consumer
  consumer_->close();
  producer_.reset();
  return {};
}

}  // namespace parcours::processor
