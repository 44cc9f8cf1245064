#include "projections/view_updater.h"

#include <librdkafka/rdkafka.h>

#include <algorithm>
#include <optional>
#include <utility>

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
  const Source source = source_of(m);
  const auto p = static_cast<std::size_t>(m.partition());
  if (source == kEvents && p < halt_at_.size() && halt_at_[p] >= 0 && m.offset() >= halt_at_[p]) {
    return;
  }
  ++pending_;
  const std::string_view value(static_cast<const char*>(m.payload()), m.payload() ? m.len() : 0);
  if (source == kEvents && !add_event(m, value)) return;  // stopped here: offset not advanced
  if (source != kOther) {
    auto& next = offsets_[source];
    if (next.size() <= p) next.resize(p + 1, -1);
    next[p] = m.offset() + 1;
  }
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
  }
}

void ViewUpdater::stop_at(const RdKafka::Message& m, std::string kind,
                          const domain::RecordedEvent* ev, long expected, std::string detail) {
  const auto p = static_cast<std::size_t>(m.partition());
  if (halt_at_.size() <= p) halt_at_.resize(p + 1, -1);
  halt_at_[p] = m.offset();
  ++stats_.breaks;
  BrokenInvariant b;
  b.kind = std::move(kind);
  b.topic = events_topic_;
  b.partition = m.partition();
  b.offset = m.offset();
  if (ev) {
    b.journey = ev->subject;
    b.found_seq = ev->seq;
  }
  b.expected_seq = expected;
  b.detail = std::move(detail);
  common::log_error("read models: partition stopped at a broken invariant of the log", b.to_json());
  breaks_.push_back(std::move(b));
}

bool ViewUpdater::add_event(const RdKafka::Message& m, std::string_view value) {
  events::DecodeError error;
  auto ev = events::decode_record_fast(value, &error);
  if (!ev) {
    stop_at(m, "undecodable", nullptr, 0, error.what);
    return false;
  }
  domain::JourneyState& s = state(ev->subject);
  switch (link_of(s, *ev)) {
    case Link::already_applied:
      ++stats_.duplicates;
      return true;
    case Link::seq_gap:
      stop_at(m, "seq_gap", &*ev, s.version + 1, "");
      return false;
    case Link::hash_mismatch:
      stop_at(m, "hash_mismatch", &*ev, s.version + 1, "prevhash");
      return false;
    case Link::next:
      break;
  }
  try {
    domain::evolve(s, *ev);
  } catch (const std::exception& e) {
    // The state may be changed half-way: this batch is read again, up to this record.
    stop_at(m, "unappliable", &*ev, s.version + 1, e.what());
    redo_ = true;
    return false;
  }
  ++stats_.events;
  const std::size_t at = event_bytes_.size();
  ViewsStore::append_event_key(event_bytes_, ev->subject, ev->seq);
  events_.push_back({at, event_bytes_.size() - at, value.size()});
  event_bytes_.append(value);
  return true;
}

std::vector<BrokenInvariant> ViewUpdater::take_breaks() {
  return std::exchange(breaks_, {});
}

bool ViewUpdater::halted(int32_t partition) const {
  const auto p = static_cast<std::size_t>(partition);
  return p < halt_at_.size() && halt_at_[p] >= 0;
}

void ViewUpdater::discard() {
  batch_.Clear();
  events_.clear();
  event_bytes_.clear();
  dirty_.clear();
  before_.clear();
  for (auto& next : offsets_) std::fill(next.begin(), next.end(), -1);
  pending_ = 0;
  redo_ = false;
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
