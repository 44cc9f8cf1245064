#include "projections/view_updater.h"

#include <librdkafka/rdkafka.h>

#include <algorithm>
#include <optional>

#include "common/log.h"
#include "domain/decide.h"
#include "domain/state_json.h"
#include "events/envelope.h"
#include "events/fast_decode.h"
#include "projections/indexes.h"

namespace parcours::projections {

ViewUpdater::ViewUpdater(ViewsStore& store, std::string events_topic, std::string keys_topic,
                         std::string access_topic, std::size_t cache_states)
    : store_(store),
      events_topic_(std::move(events_topic)),
      keys_topic_(std::move(keys_topic)),
      access_topic_(std::move(access_topic)),
      cache_(cache_states) {}

ViewUpdater::Source ViewUpdater::source_of(const RdKafka::Message& m) {
  // The topic's name as librdkafka holds it: no std::string per record.
  const std::string_view topic(rd_kafka_topic_name(const_cast<RdKafka::Message&>(m).c_ptr()->rkt));
  if (topic == events_topic_) return kEvents;
  if (topic == keys_topic_) return kKeys;
  if (!access_topic_.empty() && topic == access_topic_) return kAccess;
  return kOther;
}

domain::JourneyState& ViewUpdater::state(const std::string& id) {
  auto it = dirty_.find(id);
  if (it != dirty_.end()) return it->second;
  domain::JourneyState s;
  if (auto* c = cache_.get(id)) {
    s = std::move(*c);
    cache_.erase(id);
  } else if (auto stored = store_.journey(id)) {
    s = std::move(*stored);
  } else {
    s.journey_id = id;
  }
  if (s.exists()) before_.emplace(id, index_entries(s));
  return dirty_.emplace(id, std::move(s)).first->second;
}

std::vector<std::string> ViewUpdater::lookup_hashes(const std::optional<nlohmann::json>& record) {
  std::vector<std::string> out;
  if (!record || !record->is_object()) return out;
  auto it = record->find("lookup");
  if (it == record->end() || !it->is_array()) return out;
  for (const auto& h : *it) {
    if (h.is_string() && h.get_ref<const std::string&>().size() == 64) out.push_back(h);
  }
  return out;
}

void ViewUpdater::add(const RdKafka::Message& m) {
  ++pending_;
  const Source source = source_of(m);
  if (source != kOther) {
    auto& next = offsets_[source];
    const auto p = static_cast<std::size_t>(m.partition());
    if (next.size() <= p) next.resize(p + 1, -1);
    next[p] = m.offset() + 1;
  }
  const std::string_view value(static_cast<const char*>(m.payload()), m.payload() ? m.len() : 0);
  if (source == kKeys) {
    const std::string journey = m.key() ? *m.key() : std::string();
    if (journey.empty()) return;
    ++stats_.keys;
    // The lookup index follows the key: the entries of the record it replaces go, its own come.
    std::optional<nlohmann::json> previous;
    if (auto it = keys_in_batch_.find(journey); it != keys_in_batch_.end()) {
      previous = it->second;
    } else {
      previous = store_.wrapped_key(journey);
    }
    for (const auto& hash : lookup_hashes(previous)) {
      (void)batch_.Delete(store_.index_cf(), lookup_prefix(hash) + journey);
    }
    if (!m.payload()) {
      (void)batch_.Delete(store_.keys_cf(), journey);
      keys_in_batch_[journey] = std::nullopt;
    } else {
      auto record = nlohmann::json::parse(value, nullptr, false);
      for (const auto& hash : lookup_hashes(record)) {
        (void)batch_.Put(store_.index_cf(), lookup_prefix(hash) + journey, "");
      }
      (void)batch_.Put(store_.keys_cf(), journey, rocksdb::Slice(value.data(), value.size()));
      keys_in_batch_[journey] = std::move(record);
    }
    return;
  }
  if (source == kAccess) {
    // access/<journey>\0<time>\0<read id>: who read which journey, in time order.
    auto entry = nlohmann::json::parse(value, nullptr, false);
    if (entry.is_object() && entry.contains("journey_id") && entry.contains("time") &&
        entry.contains("read_id")) {
      std::string key = "access/" + entry["journey_id"].get<std::string>();
      key.push_back('\0');
      key += entry["time"].get<std::string>();
      key.push_back('\0');
      key += entry["read_id"].get<std::string>();
      (void)batch_.Put(store_.index_cf(), key, rocksdb::Slice(value.data(), value.size()));
      ++stats_.reads;
    }
    return;
  }
  auto ev = events::decode_record_fast(value);
  if (!ev) {
    ++stats_.undecodable;
    common::log_error("undecodable event", {{"partition", m.partition()}, {"offset", m.offset()}});
    return;
  }
  domain::JourneyState& s = state(ev->subject);
  if (ev->seq <= s.version) {
    ++stats_.duplicates;
    return;
  }
  if (ev->seq != s.version + 1) {
    ++stats_.gaps;
    common::log_error("seq gap", {{"journey", ev->subject},
                                  {"expected", s.version + 1},
                                  {"found", ev->seq},
                                  {"offset", m.offset()}});
    return;
  }
  try {
    domain::evolve(s, *ev);
  } catch (const std::exception& e) {
    // Only a record that the catalogue would refuse gets here (Parcours never writes one): it
    // is reported and skipped rather than stopping every read model.
    ++stats_.undecodable;
    common::log_error(
        "event cannot be applied",
        {{"journey", ev->subject}, {"seq", ev->seq}, {"offset", m.offset()}, {"error", e.what()}});
    return;
  }
  ++stats_.events;
  const std::size_t at = event_bytes_.size();
  ViewsStore::append_event_key(event_bytes_, ev->subject, ev->seq);
  events_.push_back({at, event_bytes_.size() - at, value.size()});
  event_bytes_.append(value);
}

bool ViewUpdater::flush() {
  // Every family's writes go to the batch in key order (see events_).
  const std::string_view bytes = event_bytes_;
  auto key_of = [&](const PendingEvent& e) { return bytes.substr(e.at, e.key_size); };
  std::sort(events_.begin(), events_.end(),
            [&](const PendingEvent& a, const PendingEvent& b) { return key_of(a) < key_of(b); });
  for (const auto& e : events_) {
    (void)batch_.Put(store_.events_cf(), rocksdb::Slice(bytes.data() + e.at, e.key_size),
                     rocksdb::Slice(bytes.data() + e.at + e.key_size, e.value_size));
  }
  changed_.clear();
  for (auto& [id, s] : dirty_) changed_.emplace_back(id, s.version);
  std::sort(changed_.begin(), changed_.end());
  // Index writes of all journeys, sorted by key (a key belongs to one journey, so each is
  // either deleted or put, once).
  std::vector<std::pair<std::string, std::optional<std::string>>> index_writes;
  for (const auto& [id, version] : changed_) {
    const domain::JourneyState& s = dirty_.at(id);
    (void)batch_.Put(store_.journeys_cf(), id, domain::state_json(s));
    static const IndexEntries kNone;
    auto before = before_.find(id);
    const IndexEntries& old_entries = before == before_.end() ? kNone : before->second;
    IndexEntries new_entries = index_entries(s);
    for (const auto& [k, v] : old_entries) {
      if (!new_entries.count(k)) index_writes.emplace_back(k, std::nullopt);
    }
    for (auto& [k, v] : new_entries) {
      auto it = old_entries.find(k);
      if (it == old_entries.end() || it->second != v) index_writes.emplace_back(k, std::move(v));
    }
  }
  std::sort(index_writes.begin(), index_writes.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  for (const auto& [k, v] : index_writes) {
    if (v) {
      (void)batch_.Put(store_.index_cf(), k, *v);
    } else {
      (void)batch_.Delete(store_.index_cf(), k);
    }
  }
  const std::string* topics[3] = {&events_topic_, &keys_topic_, &access_topic_};
  for (int source = kEvents; source <= kAccess; ++source) {
    auto& next = offsets_[source];
    for (std::size_t p = 0; p < next.size(); ++p) {
      if (next[p] < 0) continue;
      store::RocksDb::put_offset(batch_, store_.db().meta(), *topics[source],
                                 static_cast<int32_t>(p), next[p]);
      next[p] = -1;
    }
  }
  const bool ok = store_.db().write(batch_).ok();
  if (ok) {
    for (auto& [id, s] : dirty_) cache_.put(id, std::move(s));
  }
  batch_.Clear();
  events_.clear();
  event_bytes_.clear();
  dirty_.clear();
  before_.clear();
  keys_in_batch_.clear();
  pending_ = 0;
  return ok;
}

}  // namespace parcours::projections
