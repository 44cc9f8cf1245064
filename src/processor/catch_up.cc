#include "processor/catch_up.h"

#include <map>

#include "common/log.h"
#include "domain/decide.h"
#include "events/envelope.h"
#include "events/fast_decode.h"
#include "kafka/topic_reader.h"

namespace parcours::processor {

namespace {
constexpr std::size_t kChunk = 5000;  // events per WriteBatch during catch-up
}

kafka::KafkaStatus catch_up_events(const kafka::KafkaSettings& settings, const std::string& topic,
                                   int32_t partition, ProcessorStore& store, StateCache& cache,
                                   CatchUpStats* stats) {
  const int64_t start = store.offset(topic, partition).value_or(kafka::kFromBeginning);
  std::string error;
  auto reader = kafka::TopicReader::create(settings, {{topic, partition, start}}, &error,
                                           {{"group.id", "parcours-catch-up"}});
  if (!reader) return {kafka::Failure::fatal, error};

  std::map<std::string, domain::JourneyState> touched;
  std::map<std::string, nlohmann::json> replies;  // idem key -> reply body
  int64_t pass_counter = store.pass_counter(partition);
  const std::string pass_prefix = [&] {
    char buf[8];
    std::snprintf(buf, sizeof buf, "99%02d", static_cast<int>(partition % 100));
    return std::string(buf);
  }();
  int64_t next_offset = -1;
  std::size_t pending = 0;

  auto flush = [&]() -> bool {
    if (next_offset < 0) return true;
    auto batch = store.batch();
    for (const auto& [id, s] : touched) batch.put_state(s);
    for (const auto& [key, body] : replies) {
      const auto nul = key.find('\0');
      const std::string stream = key.substr(0, nul);
      const std::string command = key.substr(nul + 1);
      if (store.idempotency(stream, command)) continue;
      // The payload hash is not in the log: a retry with this key replays the outcome.
      batch.put_idempotency(stream, command, IdempotencyEntry{"", 201, body, ""});
    }
    batch.put_pass_counter(partition, pass_counter);
    batch.put_offset(topic, partition, next_offset);
    if (!store.commit(batch).ok()) return false;
    for (const auto& [id, s] : touched) cache.journeys.put(id, s);
    touched.clear();
    replies.clear();
    pending = 0;
    return true;
  };

  bool store_failed = false;
  auto status = reader->read_to_end([&](const RdKafka::Message& m) {
    if (store_failed) return;
    next_offset = m.offset() + 1;
    if (stats) ++stats->events_read;
    auto ev =
        events::decode_record_fast(std::string_view(static_cast<const char*>(m.payload()), m.len()));
    if (!ev) {
      common::log_error("undecodable event in the log",
                        {{"topic", topic}, {"partition", partition}, {"offset", m.offset()}});
      return;
    }
    auto it = touched.find(ev->subject);
    if (it == touched.end()) {
      domain::JourneyState s;
      if (auto stored = store.state(ev->subject)) {
        s = std::move(*stored);
      } else {
        s.journey_id = ev->subject;
      }
      it = touched.emplace(ev->subject, std::move(s)).first;
    }
    domain::JourneyState& state = it->second;
    if (ev->seq <= state.version) return;  // already applied
    if (ev->seq > state.version + 1) {
      if (stats) ++stats->gaps;
      common::log_error("seq gap in the log", {{"journey", ev->subject},
                                               {"expected", state.version + 1},
                                               {"found", ev->seq},
                                               {"offset", m.offset()}});
      return;
    }
    try {
      domain::evolve(state, *ev);
    } catch (const std::exception& e) {
      common::log_error("event cannot be applied", {{"journey", ev->subject},
                                                    {"seq", ev->seq},
                                                    {"offset", m.offset()},
                                                    {"error", e.what()}});
      return;
    }
    if (stats) ++stats->events_applied;
    auto& body = replies[ProcessorStore::idem_key("journey:" + ev->subject, ev->command_id)];
    if (body.is_null()) body = {{"journey_id", ev->subject}, {"events", nlohmann::json::array()}};
    body["version"] = ev->seq;
    body["events"].push_back({{"seq", ev->seq}, {"type", ev->type}, {"id", ev->id}});
    if (ev->type == "pass.issued") {
      const std::string number = ev->data.value("number", "");
      if (number.size() == 12 && number.compare(0, 4, pass_prefix) == 0) {
        pass_counter = std::max<int64_t>(pass_counter, std::stoll(number.substr(4)) + 1);
      }
    }
    if (++pending >= kChunk && !flush()) store_failed = true;
  });
  if (store_failed || !flush()) return {kafka::Failure::fatal, "processor store write failed"};
  return status;
}

kafka::KafkaStatus catch_up_keys(const kafka::KafkaSettings& settings, const std::string& topic,
                                 int partitions, ProcessorStore& store, StateCache& cache) {
  std::vector<kafka::PartitionStart> starts;
  for (int p = 0; p < partitions; ++p) {
    starts.push_back({topic, p, store.offset(topic, p).value_or(kafka::kFromBeginning)});
  }
  std::string error;
  auto reader =
      kafka::TopicReader::create(settings, starts, &error, {{"group.id", "parcours-catch-up"}});
  if (!reader) return {kafka::Failure::fatal, error};
  auto batch = store.batch();
  std::size_t pending = 0;
  bool failed = false;
  auto flush = [&] {
    for (const auto& [tp, next] : reader->next_offsets())
      batch.put_offset(tp.first, tp.second, next);
    if (!store.commit(batch).ok()) failed = true;
    batch = store.batch();
    pending = 0;
  };
  auto status = reader->read_to_end([&](const RdKafka::Message& m) {
    const std::string journey = m.key() ? *m.key() : std::string();
    if (journey.empty()) return;
    if (!m.payload()) {
      batch.delete_key(journey);
      cache.data_keys.erase(journey);
    } else {
      auto wrapped = nlohmann::json::parse(
          std::string_view(static_cast<const char*>(m.payload()), m.len()), nullptr, false);
      if (!wrapped.is_discarded()) batch.put_key(journey, wrapped);
    }
    if (++pending >= kChunk) flush();
  });
  flush();
  if (failed) return {kafka::Failure::fatal, "processor store write failed"};
  return status;
}

}  // namespace parcours::processor
