#include "projections/views_store.h"

#include "crypto/sha256.h"

namespace parcours::projections {

namespace {

// The value of a read, or StoreError on a failure (never for an absent key).
template <typename T>
std::optional<T> or_throw(store::Lookup<T> r) {
  if (r.failed()) throw store::StoreError(std::move(r.status));
  return std::move(r.value);
}

// After a scan: a scan cut short by a failure must not pass for a complete one.
void check(const rocksdb::Iterator& it) {
  if (auto s = store::classify(it.status()); !s.ok()) throw store::StoreError(std::move(s));
}

nlohmann::json parse_stored(const std::string& v, const std::string& what) {
  auto j = nlohmann::json::parse(v, nullptr, false);
  if (j.is_discarded()) throw store::StoreError(store::corrupt_value(what));
  return j;
}

}  // namespace

std::unique_ptr<ViewsStore> ViewsStore::open(const std::string& path, std::string* error,
                                             store::RocksDb::OpenOptions tuning) {
  tuning.derived = true;
  // The events family is only ever scanned by journey (as_of, /events): no Bloom filter.
  tuning.scanned_only = {"events"};
  auto db = store::RocksDb::open(path, {"journeys", "events", "keys", "index"}, error, tuning);
  if (!db) return nullptr;
  std::unique_ptr<ViewsStore> s(new ViewsStore());
  s->journeys_ = db->family("journeys");
  s->events_ = db->family("events");
  s->keys_ = db->family("keys");
  s->index_ = db->family("index");
  s->db_ = std::move(db);
  return s;
}

std::string ViewsStore::event_key(const std::string& id, long seq) {
  std::string k;
  append_event_key(k, id, seq);
  return k;
}

void ViewsStore::append_event_key(std::string& out, std::string_view id, long seq) {
  out += id;
  out.push_back('\0');
  out += store::be64(static_cast<uint64_t>(seq));
}

std::optional<std::string> ViewsStore::journey_json(const std::string& id) const {
  return or_throw(db_->get(journeys_, id));
}

std::optional<domain::JourneyState> ViewsStore::journey(const std::string& id) const {
  auto v = journey_json(id);
  if (!v) return std::nullopt;
  try {
    return parse_stored(*v, "journey " + id).get<domain::JourneyState>();
  } catch (const nlohmann::json::exception& e) {
    throw store::StoreError(store::corrupt_value("journey " + id + ": " + e.what()));
  }
}

std::vector<std::string> ViewsStore::events(const std::string& id, long from_seq,
                                            long to_seq) const {
  std::vector<std::string> out;
  std::unique_ptr<rocksdb::Iterator> it(db_->db()->NewIterator(rocksdb::ReadOptions(), events_));
  std::string prefix = id;
  prefix.push_back('\0');
  for (it->Seek(event_key(id, from_seq)); it->Valid(); it->Next()) {
    const auto key = it->key();
    if (!key.starts_with(prefix)) break;
    const long seq = static_cast<long>(store::from_be64(key.ToStringView().substr(prefix.size())));
    if (seq > to_seq) break;
    out.emplace_back(it->value().ToString());
  }
  check(*it);
  return out;
}

void ViewsStore::scan(
    const std::string& prefix, const std::string& after,
    const std::function<bool(const std::string&, const std::string&)>& visit) const {
  std::unique_ptr<rocksdb::Iterator> it(db_->db()->NewIterator(rocksdb::ReadOptions(), index_));
  it->Seek(after.empty() ? prefix : after);
  if (!after.empty() && it->Valid() && it->key().ToStringView() == after) it->Next();
  for (; it->Valid(); it->Next()) {
    const auto key = it->key();
    if (!key.starts_with(prefix)) break;
    if (!visit(key.ToString(), it->value().ToString())) return;
  }
  check(*it);
}

void ViewsStore::scan_range(
    const std::string& from, const std::string& to,
    const std::function<bool(const std::string&, const std::string&)>& visit) const {
  std::unique_ptr<rocksdb::Iterator> it(db_->db()->NewIterator(rocksdb::ReadOptions(), index_));
  for (it->Seek(from); it->Valid() && it->key().ToStringView() < to; it->Next()) {
    if (!visit(it->key().ToString(), it->value().ToString())) return;
  }
  check(*it);
}

std::optional<std::string> ViewsStore::index_get(const std::string& key) const {
  return or_throw(db_->get(index_, key));
}

std::optional<nlohmann::json> ViewsStore::wrapped_key(const std::string& id) const {
  auto v = or_throw(db_->get(keys_, id));
  if (!v) return std::nullopt;
  return parse_stored(*v, "wrapped key of " + id);
}

std::optional<int64_t> ViewsStore::offset(const std::string& topic, int32_t partition) const {
  return or_throw(db_->offset(topic, partition));
}

void ViewsStore::for_each_journey(
    const std::function<bool(const std::string&, const std::string&)>& visit) const {
  std::unique_ptr<rocksdb::Iterator> it(db_->db()->NewIterator(rocksdb::ReadOptions(), journeys_));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    if (!visit(it->key().ToString(), it->value().ToString())) return;
  }
  check(*it);
}

}  // namespace parcours::projections

namespace parcours::projections {

ViewsStore::Digest ViewsStore::digest() const {
  Digest d;
  crypto::Sha256 hash;
  // Each piece is hashed behind its length, so that no two different stores feed the same
  // bytes. Pieces are gathered into 64 KiB runs: one hash update per key or value would cost
  // more than the hashing.
  std::string run;
  auto feed = [&](std::string_view bytes) {
    run += store::be64(bytes.size());
    run += bytes;
    if (run.size() >= (64u << 10)) {
      hash.update(run);
      run.clear();
    }
  };
  const std::pair<const char*, rocksdb::ColumnFamilyHandle*> families[] = {
      {"journeys", journeys_}, {"events", events_}, {"keys", keys_}, {"index", index_}};
  // One pass over everything: blocks that will not be read again stay out of the block cache,
  // and reading ahead spares a read per block (1M events: 1.4 to 1.7 s against 2.2 s).
  rocksdb::ReadOptions scan;
  scan.fill_cache = false;
  scan.readahead_size = 2u << 20;
  for (const auto& [name, cf] : families) {
    feed(name);
    std::unique_ptr<rocksdb::Iterator> it(db_->db()->NewIterator(scan, cf));
    long n = 0;
    for (it->SeekToFirst(); it->Valid(); it->Next(), ++n) {
      feed(it->key().ToStringView());
      feed(it->value().ToStringView());
    }
    check(*it);
    if (cf == journeys_) d.journeys = n;
    if (cf == events_) d.events = n;
    if (cf == keys_) d.keys = n;
  }
  hash.update(run);
  d.sha256 = hash.hex();
  return d;
}

}  // namespace parcours::projections
