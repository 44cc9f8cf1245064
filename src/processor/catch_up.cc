#include "processor/catch_up.h"

#include <cstdio>
#include <map>
#include <optional>
#include <utility>
#include <vector>

#include "common/log.h"
#include "domain/decide.h"
#include "events/fast_decode.h"
#include "kafka/topic_reader.h"

namespace parcours::processor {

namespace {

constexpr std::size_t kChunk = 5000;  // events per WriteBatch during catch-up

// The events of one partition applied to the states they follow, written in chunks.
class EventsCatchUp {
 public:
  // `known`: a record already found broken, at which this pass stops before reading it.
  EventsCatchUp(std::string topic, int32_t partition, ProcessorStore& store, StateCache& cache,
                CatchUpStats* stats, std::optional<projections::BrokenInvariant> known)
      : known_(std::move(known)),
        topic_(std::move(topic)),
        partition_(partition),
        store_(store),
        cache_(cache),
        stats_(stats),
        pass_counter_(store.pass_counter(partition)) {
    char buf[8];
    std::snprintf(buf, sizeof buf, "99%02d", static_cast<int>(partition % 100));
    pass_prefix_ = buf;
  }

  // Applies one record of the log; after a broken invariant or a store failure, ignores the rest.
  void add(const RdKafka::Message& m);
  // Writes what is pending with the offset reached. False on a store failure (see result()).
  bool flush();
  CatchUpResult result() const { return {kafka::KafkaStatus::success(), failure_, broken_}; }
  // True when an event evolve refused may have changed a state half-way: nothing of this pass
  // was written after its last chunk, and another pass must stop before that record.
  bool needs_redo() const { return redo_; }

 private:
  domain::JourneyState* state_of(const std::string& journey);
  void remember_reply(const domain::RecordedEvent& ev);
  void stop_at(const RdKafka::Message& m, std::string kind, const domain::RecordedEvent* ev,
               long expected, std::string detail);

  std::optional<projections::BrokenInvariant> known_;
  bool redo_ = false;
  std::string topic_;
  int32_t partition_;
  ProcessorStore& store_;
  StateCache& cache_;
  CatchUpStats* stats_;
  int64_t pass_counter_;
  std::string pass_prefix_;
  std::map<std::string, domain::JourneyState> touched_;
  std::map<std::string, nlohmann::json> replies_;  // idem key -> reply body
  int64_t next_offset_ = -1;
  std::size_t pending_ = 0;
  store::StoreStatus failure_;
  std::optional<projections::BrokenInvariant> broken_;
};

domain::JourneyState* EventsCatchUp::state_of(const std::string& journey) {
  auto it = touched_.find(journey);
  if (it != touched_.end()) return &it->second;
  domain::JourneyState s;
  if (auto stored = store_.state(journey)) {
    s = std::move(*stored);
  } else {
    s.journey_id = journey;
  }
  if (auto f = store_.take_read_failure(); !f.ok()) {
    failure_ = std::move(f);
    return nullptr;
  }
  return &touched_.emplace(journey, std::move(s)).first->second;
}

void EventsCatchUp::stop_at(const RdKafka::Message& m, std::string kind,
                            const domain::RecordedEvent* ev, long expected, std::string detail) {
  projections::BrokenInvariant b;
  b.kind = std::move(kind);
  b.topic = topic_;
  b.partition = partition_;
  b.offset = m.offset();
  if (ev) {
    b.journey = ev->subject;
    b.found_seq = ev->seq;
  }
  b.expected_seq = expected;
  b.detail = std::move(detail);
  broken_ = std::move(b);
}

void EventsCatchUp::remember_reply(const domain::RecordedEvent& ev) {
  auto& body = replies_[ProcessorStore::idem_key("journey:" + ev.subject, ev.command_id)];
  if (body.is_null()) body = {{"journey_id", ev.subject}, {"events", nlohmann::json::array()}};
  body["version"] = ev.seq;
  body["events"].push_back({{"seq", ev.seq}, {"type", ev.type}, {"id", ev.id}});
  if (ev.type == "pass.issued") {
    const std::string number = ev.data.value("number", "");
    if (number.size() == 12 && number.compare(0, 4, pass_prefix_) == 0) {
      pass_counter_ = std::max<int64_t>(pass_counter_, std::stoll(number.substr(4)) + 1);
    }
  }
}

void EventsCatchUp::add(const RdKafka::Message& m) {
  if (broken_ || !failure_.ok()) return;
  if (known_ && m.offset() >= known_->offset) {
    broken_ = known_;
    return;
  }
  if (stats_) ++stats_->events_read;
  events::DecodeError error;
  auto ev = events::decode_record_fast(
      std::string_view(static_cast<const char*>(m.payload()), m.payload() ? m.len() : 0), &error);
  if (!ev) return stop_at(m, "undecodable", nullptr, 0, error.what);
  domain::JourneyState* state = state_of(ev->subject);
  if (!state) return;
  switch (projections::link_of(*state, *ev)) {
    case projections::Link::already_applied:
      next_offset_ = m.offset() + 1;
      return;
    case projections::Link::seq_gap:
      return stop_at(m, "seq_gap", &*ev, state->version + 1, "");
    case projections::Link::hash_mismatch:
      return stop_at(m, "hash_mismatch", &*ev, state->version + 1, "prevhash");
    case projections::Link::next:
      break;
  }
  try {
    domain::evolve(*state, *ev);
  } catch (const std::exception& e) {
    redo_ = true;  // the state may be changed half-way
    return stop_at(m, "unappliable", &*ev, state->version + 1, e.what());
  }
  next_offset_ = m.offset() + 1;
  if (stats_) ++stats_->events_applied;
  remember_reply(*ev);
  if (++pending_ >= kChunk) (void)flush();
}

bool EventsCatchUp::flush() {
  if (!failure_.ok()) return false;
  if (redo_) return true;  // nothing of this chunk may be written
  // Stopped at a broken record: the offset stays on it, so the partition resumes there.
  const int64_t next = broken_ ? broken_->offset : next_offset_;
  if (next < 0) return true;
  auto batch = store_.batch();
  for (const auto& [id, s] : touched_) batch.put_state(s);
  for (const auto& [key, body] : replies_) {
    const auto nul = key.find('\0');
    const std::string stream = key.substr(0, nul);
    const std::string command = key.substr(nul + 1);
    if (store_.idempotency(stream, command)) continue;
    // The payload hash is not in the log: a retry with this key replays the outcome.
    batch.put_idempotency(stream, command, IdempotencyEntry{"", 201, body, ""});
  }
  if (auto f = store_.take_read_failure(); !f.ok()) {
    failure_ = std::move(f);
    return false;
  }
  batch.put_pass_counter(partition_, pass_counter_);
  batch.put_offset(topic_, partition_, next);
  if (auto w = store_.commit(batch); !w.ok()) {
    failure_ = std::move(w);
    return false;
  }
  for (const auto& [id, s] : touched_) cache_.journeys.put(id, s);
  touched_.clear();
  replies_.clear();
  pending_ = 0;
  return true;
}

}  // namespace

std::string CatchUpResult::message() const {
  if (!store.ok()) return "processor store: " + store.message;
  if (broken) return "broken invariant: " + broken->to_json().dump();
  return kafka.message;
}

CatchUpResult catch_up_events(const kafka::KafkaSettings& settings, const std::string& topic,
                              int32_t partition, ProcessorStore& store, StateCache& cache,
                              CatchUpStats* stats) {
  const int64_t start = store.offset(topic, partition).value_or(kafka::kFromBeginning);
  if (auto f = store.take_read_failure(); !f.ok()) return {{}, f, std::nullopt};
  std::optional<projections::BrokenInvariant> known;
  for (;;) {
    std::string error;
    auto reader = kafka::TopicReader::create(
        kafka::named(settings, "catch-up-reader"),
        {{topic, partition, store.offset(topic, partition).value_or(start)}}, &error,
        {{"group.id", "parcours-catch-up"}});
    if (!reader) return {{kafka::Failure::fatal, error}, {}, std::nullopt};
    EventsCatchUp apply(topic, partition, store, cache, stats, known);
    auto status = reader->read_to_end([&](const RdKafka::Message& m) { apply.add(m); });
    (void)apply.flush();
    CatchUpResult r = apply.result();
    r.kafka = status;
    if (!apply.needs_redo()) return r;
    // Again from what was written, stopping before the refused event.
    known = r.broken;
    cache.journeys.clear();
  }
}

CatchUpResult catch_up_keys(const kafka::KafkaSettings& settings, const std::string& topic,
                            int partitions, ProcessorStore& store, StateCache& cache) {
  std::vector<kafka::PartitionStart> starts;
  for (int p = 0; p < partitions; ++p) {
    starts.push_back({topic, p, store.offset(topic, p).value_or(kafka::kFromBeginning)});
  }
  if (auto f = store.take_read_failure(); !f.ok()) return {{}, f, std::nullopt};
  std::string error;
  auto reader = kafka::TopicReader::create(kafka::named(settings, "catch-up-reader"), starts,
                                           &error, {{"group.id", "parcours-catch-up"}});
  if (!reader) return {{kafka::Failure::fatal, error}, {}, std::nullopt};
  // Records read but not yet written: journey -> wrapped key (nullopt: the erasure's tombstone).
  std::vector<std::pair<std::string, std::optional<nlohmann::json>>> pending;
  store::StoreStatus failure;
  auto flush = [&] {
    if (!failure.ok()) return;
    // Another processor of this instance may be erasing one of these journeys right now: under
    // the store's write lock, a key is put back only if its journey is not erased in the store,
    // and that processor's WriteBatch (state erased, key deleted) comes wholly before or after.
    auto lock = store.lock_writes();
    auto batch = store.batch();
    for (auto& [journey, wrapped] : pending) {
      if (!wrapped) {
        batch.delete_key(journey);
        cache.data_keys.erase(journey);
        continue;
      }
      const auto state = store.state(journey);
      if (state && state->erased) continue;
      batch.put_key(journey, *wrapped);
    }
    for (const auto& [tp, next] : reader->next_offsets()) {
      batch.put_offset(tp.first, tp.second, next);
    }
    if (auto f = store.take_read_failure(); !f.ok()) {
      failure = f;
    } else {
      failure = store.commit(batch, lock);
    }
    pending.clear();
  };
  auto status = reader->read_to_end([&](const RdKafka::Message& m) {
    const std::string journey = m.key() ? *m.key() : std::string();
    if (journey.empty()) return;
    if (!m.payload()) {
      pending.emplace_back(journey, std::nullopt);
    } else {
      auto wrapped = nlohmann::json::parse(
          std::string_view(static_cast<const char*>(m.payload()), m.len()), nullptr, false);
      if (wrapped.is_discarded()) return;
      pending.emplace_back(journey, std::move(wrapped));
    }
    if (pending.size() >= kChunk) flush();
  });
  flush();
  return {status, failure, std::nullopt};
}

}  // namespace parcours::processor
