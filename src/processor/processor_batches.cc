// Processing a polled batch (command_processor.h): the crash guard's plan, the batch's
// transaction and WriteBatch, commands processed alone or quarantined after a crash, and what
// a failure of either write does.
#include <chrono>
#include <memory>
#include <thread>

#include "common/clock.h"
#include "common/log.h"
#include "kafka/fetcher_wake.h"
#include "processor/command_processor.h"
#include "processor/quarantine.h"
#include "processor/transaction.h"

namespace parcours::processor {

namespace {
using Clock = std::chrono::steady_clock;
// A registry sync that cannot finish this soon (a partition of org-events without a leader)
// puts the batch back, so that the loop keeps serving the group meanwhile.
constexpr int kRegistrySyncMs = 5000;
// A batch slower than this is logged with where its time went.
constexpr double kSlowBatchSeconds = 2.0;
// A batch's records are produced this many at a time while it is decided (decide_all): enough
// for librdkafka to send them in large requests, few enough that most of a large batch has
// left by the time its last command is decided.
constexpr std::size_t kProduceChunk = 512;

std::string_view value_of(const RdKafka::Message& m) {
  return {static_cast<const char*>(m.payload()), m.payload() ? m.len() : 0};
}
}  // namespace

CommandProcessor::Step CommandProcessor::process(Batch& batch) {
  std::vector<Polled> polled;
  for (const auto& m : batch) polled.push_back({m->partition(), m->offset()});
  const GuardPlan plan = plan_batch(polled, [this](int32_t p) { return store_.attempt(p); });
  if (auto f = store_.take_read_failure(); !f.ok()) return store_failed(f, "attempt records");

  if (!plan.batch.empty()) {
    std::vector<const RdKafka::Message*> messages;
    for (std::size_t i : plan.batch) messages.push_back(batch[i].get());
    AttemptRecords before, after;
    for (const auto& [p, a] : plan.batch_attempts) {
      before[p] = a;
      after[p] = std::nullopt;
    }
    // A failed transaction is no attempt: its records go (a stale one of an older crash too).
    if (auto s = decide_and_commit(messages, before, after, after); s != Step::done) return s;
  }
  for (const auto& single : plan.singles) {
    const RdKafka::Message& m = *batch[single.index];
    Step s;
    if (single.quarantine) {
      s = quarantine_one(m, single);
    } else {
      common::log_warn("processing a command alone after a crash",
                       {{"partition", m.partition()},
                        {"offset", m.offset()},
                        {"attempt", single.attempt.attempts}});
      if (probe_) probe_->isolated();
      s = decide_and_commit({&m}, {{m.partition(), single.attempt}},
                            {{m.partition(), after_single(single.attempt, m.offset())}},
                            {{m.partition(), single.stored}});
    }
    if (s != Step::done) return s;
  }
  if (!seek_commands(plan.rewind)) {
    rewind_all();
    return Step::redo;
  }
  return Step::done;
}

bool CommandProcessor::seek_commands(const std::map<int32_t, int64_t>& offsets) {
  if (offsets.empty()) return true;
  std::vector<std::unique_ptr<RdKafka::TopicPartition>> owned;
  std::vector<RdKafka::TopicPartition*> tps;
  for (const auto& [p, offset] : offsets) {
    owned.emplace_back(RdKafka::TopicPartition::create(options_.topics.commands, p, offset));
    tps.push_back(owned.back().get());
  }
  return !kafka::seek_and_wake(*consumer_, tps);
}

bool CommandProcessor::write_attempts(const AttemptRecords& records, store::StoreStatus* failure) {
  if (records.empty()) return true;
  auto b = store_.batch();
  for (const auto& [p, a] : records) {
    if (a) {
      b.put_attempt(p, *a);
    } else {
      b.delete_attempt(p);
    }
  }
  *failure = store_.commit(b);
  return failure->ok();
}

bool CommandProcessor::sync_registry() {
  // Decisions must see every organisation change acknowledged before these commands.
  auto s = registry_.sync(kRegistrySyncMs);
  if (!s.ok()) common::log_warn("registry sync failed", {{"error", s.message}});
  return s.ok();
}

CommandProcessor::Step CommandProcessor::put_back(
    const std::vector<const RdKafka::Message*>& messages) {
  // Nothing was decided: the same commands are read again from where they start.
  std::map<int32_t, int64_t> first;
  for (const auto* m : messages) first.try_emplace(m->partition(), m->offset());
  if (!seek_commands(first)) rewind_all();
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  return Step::redo;
}

CommandProcessor::Step CommandProcessor::decide_and_commit(
    const std::vector<const RdKafka::Message*>& messages, const AttemptRecords& before,
    const AttemptRecords& after, const AttemptRecords& on_failure) {
  const auto started = Clock::now();
  std::map<int32_t, int64_t> consumed;
  for (const auto* m : messages) consumed[m->partition()] = m->offset() + 1;
  const ConsumedOffsets offsets(options_.topics.commands, consumed);
  phases_ = {};
  OpenTransaction transaction(*producer_, offsets.list(),
                              [this, consumer = consumer_.get()] { return group_.get(*consumer); });
  if (!sync_registry()) return give_up(transaction, {}, messages);
  const double sync_seconds = std::chrono::duration<double>(Clock::now() - started).count();
  store::StoreStatus failure;
  if (!write_attempts(before, &failure)) {
    give_up(transaction, {}, {});
    return store_failed(failure, "attempt records");
  }
  BatchDecider decider(options_.topics, store_, cache_, registry_, keys_, probe_,
                       common::now_rfc3339());
  const auto deciding = Clock::now();
  const kafka::KafkaStatus produced = decide_all(messages, decider, transaction);
  const double decide_seconds = std::chrono::duration<double>(Clock::now() - deciding).count();
  if (auto f = store_.take_read_failure(); !f.ok()) {
    // Something was decided from a read that failed: the transaction never commits (its
    // records, if some were produced, are aborted with the producer by give_up).
    give_up(transaction, {}, {});
    if (!write_attempts(on_failure, &failure)) return store_failed(failure, "attempt records");
    return store_failed(f, "deciding a batch");
  }
  if (!produced.ok()) {
    transaction.drop();
    return transaction_failed(produced, on_failure, messages);
  }

  const kafka::KafkaStatus s = transaction.commit({}, {}, kCommitTimeoutMs, &phases_);
  if (!s.ok()) return transaction_failed(s, on_failure, messages);
  if (after_commit_hook) after_commit_hook();
  const auto storing = Clock::now();
  const Step step = store_batch(decider, after);
  if (step != Step::done) return step;
  if (probe_) {
    probe_->batch(messages.size(), phases_.offsets_wait + phases_.produce + phases_.commit);
    probe_->batch_phases(sync_seconds, decide_seconds,
                         std::chrono::duration<double>(Clock::now() - storing).count(),
                         phases_.send_offsets);
    probe_->events_appended(decider.events());
  }
  if (const double seconds = std::chrono::duration<double>(Clock::now() - started).count();
      seconds > kSlowBatchSeconds) {
    common::log_warn("slow batch", {{"commands", messages.size()},
                                    {"seconds", seconds},
                                    {"registry_sync_seconds", sync_seconds},
                                    {"send_offsets_seconds", phases_.send_offsets},
                                    {"offsets_wait_seconds", phases_.offsets_wait},
                                    {"commit_seconds", phases_.commit}});
  }
  ++batches_;
  return Step::done;
}

kafka::KafkaStatus CommandProcessor::decide_all(
    const std::vector<const RdKafka::Message*>& messages, BatchDecider& decider,
    OpenTransaction& transaction) {
  std::vector<OutRecord> out;
  for (const auto* m : messages) {
    if (before_decide_hook) before_decide_hook(value_of(*m));
    std::string error;
    auto cmd = decode_command(value_of(*m), &error);
    if (!cmd) {
      // Only the API writes this topic; a record it could not have written is skipped and
      // counted rather than blocking the partition.
      common::log_error("undecodable command record",
                        {{"partition", m->partition()}, {"offset", m->offset()}, {"error", error}});
      if (probe_) probe_->command("unknown", "undecodable");
      continue;
    }
    decider.decide(*cmd, m->partition(), out, m->offset());
    // The records leave a chunk at a time: librdkafka sends them while the rest of the batch
    // is decided, and the commit waits for the last ones only. (A produce per command made
    // many small requests, which cost the broker more than they saved.)
    if (out.size() < kProduceChunk) continue;
    if (auto s = transaction.produce(out); !s.ok()) return s;
    out.clear();
  }
  return transaction.produce(out);
}

CommandProcessor::Step CommandProcessor::store_batch(BatchDecider& decider,
                                                     const AttemptRecords& after) {
  auto b = store_.batch();
  decider.write_to(b);
  for (const auto& [tp, last] : producer_->delivered()) {
    if (tp.first == options_.topics.events) b.put_offset(tp.first, tp.second, last + 1);
  }
  for (const auto& [p, a] : after) {
    if (a) {
      b.put_attempt(p, *a);
    } else {
      b.delete_attempt(p);
    }
  }
  // Committed to Kafka: a failure now loses nothing (catch-up re-applies the log).
  if (auto ws = store_.commit(b); !ws.ok()) return store_failed(ws, "batch WriteBatch");
  decider.publish(cache_);
  return Step::done;
}

CommandProcessor::Step CommandProcessor::give_up(
    OpenTransaction& transaction, const AttemptRecords& restore,
    const std::vector<const RdKafka::Message*>& messages) {
  // With nothing produced, aborting on the same producer is safe. A producer that cannot (its
  // offsets failed, the abort did, or records were produced: OpenTransaction::abandon) is
  // re-created; nothing of the batch committed.
  if (const auto s = transaction.abandon(); !s.ok()) {
    return transaction_failed(s, restore, messages);
  }
  return messages.empty() ? Step::redo : put_back(messages);
}

kafka::KafkaStatus CommandProcessor::commit_transaction(const std::vector<OutRecord>& out,
                                                        const std::vector<HeadedRecord>& headed,
                                                        const std::map<int32_t, int64_t>& consumed,
                                                        double* seconds) {
  const auto started = Clock::now();
  const ConsumedOffsets offsets(options_.topics.commands, consumed);
  const auto group = group_.get(*consumer_);
  const kafka::KafkaStatus s =
      write_batch(*producer_, out, offsets.list(), group.get(), headed, kCommitTimeoutMs, &phases_);
  *seconds = std::chrono::duration<double>(Clock::now() - started).count();
  return s;
}

CommandProcessor::Step CommandProcessor::quarantine_one(const RdKafka::Message& m,
                                                        const GuardPlan::Single& single) {
  const QuarantineTopics topics{options_.topics.commands, options_.topics.replies,
                                options_.topics.reply_partitions, options_.dead_letter_topic};
  const std::string key = m.key() ? *m.key() : std::string();
  const Quarantined q =
      quarantine(topics, key, value_of(m), m.partition(), m.offset(), single.stored.attempts);
  std::vector<HeadedRecord> headed{q.dead_letter};
  if (q.reply) headed.push_back(*q.reply);
  double seconds = 0;
  const auto s = commit_transaction({}, headed, {{m.partition(), m.offset() + 1}}, &seconds);
  if (!s.ok()) return transaction_failed(s, {{m.partition(), single.stored}}, {&m});

  auto b = store_.batch();
  if (q.command) {
    b.put_idempotency(q.command->stream + ":" + q.command->stream_id, q.command->command_id,
                      IdempotencyEntry{q.command->payload_hash, 500, q.answer, ""});
  }
  if (auto rest = after_single(single.attempt, m.offset())) {
    b.put_attempt(m.partition(), *rest);
  } else {
    b.delete_attempt(m.partition());
  }
  if (auto ws = store_.commit(b); !ws.ok()) return store_failed(ws, "quarantine WriteBatch");
  common::log_error("command quarantined: the process ended while processing it, each time",
                    {{"partition", m.partition()},
                     {"offset", m.offset()},
                     {"attempts", single.stored.attempts},
                     {"command_id", q.command ? q.command->command_id : ""},
                     {"type", q.command ? q.command->type : "undecodable"},
                     {"dead_letter_topic", options_.dead_letter_topic}});
  if (probe_) {
    probe_->quarantined();
    probe_->command(q.command ? q.command->type : "unknown", "quarantined");
  }
  ++batches_;
  return Step::done;
}

CommandProcessor::Step CommandProcessor::transaction_failed(
    const kafka::KafkaStatus& s, const AttemptRecords& restore,
    const std::vector<const RdKafka::Message*>& messages) {
  common::log_warn("transaction failed", {{"kind", kafka::to_string(s.failure)},
                                          {"error", s.message},
                                          {"commands", messages.size()},
                                          {"send_offsets_seconds", phases_.send_offsets},
                                          {"offsets_wait_seconds", phases_.offsets_wait},
                                          {"produce_seconds", phases_.produce},
                                          {"commit_seconds", phases_.commit}});
  if (probe_) probe_->transaction_failed(kafka::to_string(s.failure));
  group_.forget();  // a generation the group coordinator no longer takes, perhaps
  // Not a crash: the attempt records go back to what they were.
  store::StoreStatus failure;
  if (!write_attempts(restore, &failure)) return store_failed(failure, "attempt records");
  if (recovery_for(s) == Recovery::recreate_and_rewind && probe_) {
    probe_->client_restarted("transactional_producer");
  }
  std::string error;
  bool aborted = false;
  producer_ = recover_producer(
      std::move(producer_), s, [this](std::string* e) { return make_producer(e, 10000); }, &error,
      &aborted);
  if (!producer_) {
    common::log_warn("transactional producer not re-created yet; retrying", {{"error", error}});
    next_client_try_ = Clock::now();
  }
  // Aborted by this producer, or failed before commit() was asked for: nothing of the batch
  // committed, and nothing of it reached the store or the cache. The same commands are read
  // again, with no catch-up. Any other outcome may have committed: the log says.
  if (aborted || never_committed(phases_)) {
    return messages.empty() ? Step::redo : put_back(messages);
  }
  rewind_all();
  return Step::redo;
}

CommandProcessor::Step CommandProcessor::store_failed(const store::StoreStatus& s,
                                                      const char* where) {
  if (probe_) probe_->store_failed(store::to_string(s.failure));
  if (s.failure == store::StoreFailure::fatal) {
    fatal_ = std::string("processor store (") + where + "): " + s.message;
    return Step::stop;
  }
  common::log_warn("processor store failed; redoing from the log",
                   {{"where", where}, {"error", s.message}});
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  rewind_all();
  return Step::redo;
}

}  // namespace parcours::processor
