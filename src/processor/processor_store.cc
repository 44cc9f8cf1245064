#include "processor/processor_store.h"

#include <algorithm>
#include <utility>

#include "domain/state_json.h"
#include "events/envelope.h"
#include "events/envelope_writer.h"

namespace parcours::processor {

namespace {
// A batch larger than this (a catch-up's chunk, say) does not make every later batch as large.
constexpr std::size_t kMaxBatchBytesHint = 32u << 20;

std::string attempt_key(int32_t partition) {
  return "attempt/" + std::to_string(partition);
}
}  // namespace

std::unique_ptr<ProcessorStore> ProcessorStore::open(const std::string& path, std::string* error,
                                                     bool compress) {
  auto db = store::RocksDb::open(path, {"state", "idem", "keys"}, error,
                                 {.block_cache_mb = 64, .compress = compress});
  if (!db) return nullptr;
  std::unique_ptr<ProcessorStore> s(new ProcessorStore());
  s->state_ = db->family("state");
  s->idem_ = db->family("idem");
  s->keys_ = db->family("keys");
  s->db_ = std::move(db);
  s->writes_ = std::make_shared<std::mutex>();
  return s;
}

std::unique_ptr<ProcessorStore> ProcessorStore::share() const {
  std::unique_ptr<ProcessorStore> s(new ProcessorStore());
  s->state_ = state_;
  s->idem_ = idem_;
  s->keys_ = keys_;
  s->db_ = db_;
  s->writes_ = writes_;
  return s;
}

std::string ProcessorStore::idem_key(const std::string& stream_id, const std::string& command_id) {
  std::string k = stream_id;
  k.push_back('\0');
  k += command_id;
  return k;
}

void ProcessorStore::remember(store::StoreStatus s) const {
  if (!s.ok() && read_failure_.ok()) read_failure_ = std::move(s);
}

store::StoreStatus ProcessorStore::take_read_failure() {
  return std::exchange(read_failure_, store::StoreStatus::success());
}

std::optional<std::string> ProcessorStore::read(rocksdb::ColumnFamilyHandle* cf,
                                                const std::string& key) const {
  auto r = db_->get(cf, key);
  if (r.failed()) remember(std::move(r.status));
  return std::move(r.value);
}

std::optional<nlohmann::json> ProcessorStore::parse(const std::optional<std::string>& v,
                                                    const std::string& what) const {
  if (!v) return std::nullopt;
  auto j = nlohmann::json::parse(*v, nullptr, false);
  if (j.is_discarded()) {
    remember(store::corrupt_value(what));
    return std::nullopt;
  }
  return j;
}

std::optional<domain::JourneyState> ProcessorStore::state(const std::string& journey_id) const {
  auto j = parse(read(state_, journey_id), "state of " + journey_id);
  if (!j) return std::nullopt;
  try {
    return j->get<domain::JourneyState>();
  } catch (const nlohmann::json::exception& e) {
    remember(store::corrupt_value("state of " + journey_id + ": " + e.what()));
    return std::nullopt;
  }
}

std::optional<IdempotencyEntry> ProcessorStore::idempotency(const std::string& stream_id,
                                                            const std::string& command_id) const {
  auto j = parse(read(idem_, idem_key(stream_id, command_id)), "idempotency entry");
  if (!j) return std::nullopt;
  try {
    return IdempotencyEntry{j->at("hash").get<std::string>(), j->at("status").get<int>(),
                            j->at("body"), j->value("day", "")};
  } catch (const nlohmann::json::exception& e) {
    remember(store::corrupt_value(std::string("idempotency entry: ") + e.what()));
    return std::nullopt;
  }
}

std::optional<nlohmann::json> ProcessorStore::wrapped_key(const std::string& journey_id) const {
  return parse(read(keys_, journey_id), "wrapped key of " + journey_id);
}

std::optional<int64_t> ProcessorStore::offset(const std::string& topic, int32_t partition) const {
  auto r = db_->offset(topic, partition);
  if (r.failed()) remember(std::move(r.status));
  return r.value;
}

int64_t ProcessorStore::pass_counter(int32_t partition) const {
  auto v = read(db_->meta(), "pass_counter/" + std::to_string(partition));
  return v ? static_cast<int64_t>(store::from_be64(*v)) : 0;
}

long ProcessorStore::forget_rejections_before(const std::string& day,
                                              const std::atomic<bool>* cancel) {
  static const std::string kSwept = "rejections/swept_before";
  if (auto swept = meta(kSwept); swept && *swept >= day) return 0;
  auto b = batch();
  long n = 0;
  std::unique_ptr<rocksdb::Iterator> it(db_->db()->NewIterator(rocksdb::ReadOptions(), idem_));
  bool cut_short = false;
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    if (cancel && cancel->load(std::memory_order_relaxed)) {
      cut_short = true;
      break;
    }
    auto j = nlohmann::json::parse(it->value().ToStringView(), nullptr, false);
    if (j.is_discarded() || !j.is_object()) continue;
    const int status = j.value("status", 0);
    const std::string d = j.value("day", "");
    if (status == 200 || status == 201 || d.empty() || d >= day) continue;
    (void)b.batch_.Delete(idem_, it->key());
    ++n;
  }
  if (it->status().ok() && !cut_short) b.put_meta(kSwept, day);  // else done again
  if (!commit(b).ok()) return 0;
  return n;
}

std::optional<std::string> ProcessorStore::meta(const std::string& key) const {
  return read(db_->meta(), key);
}

std::optional<CommandAttempt> ProcessorStore::attempt(int32_t partition) const {
  auto j = parse(read(db_->meta(), attempt_key(partition)), "command attempt");
  if (!j) return std::nullopt;
  try {
    return CommandAttempt{j->at("from").get<int64_t>(), j->at("to").get<int64_t>(),
                          j->at("attempts").get<int>()};
  } catch (const nlohmann::json::exception& e) {
    remember(store::corrupt_value(std::string("command attempt: ") + e.what()));
    return std::nullopt;
  }
}

void ProcessorStore::for_each_state(const std::function<bool(const domain::JourneyState&)>& visit,
                                    const std::function<bool(std::string_view id)>& wanted) const {
  std::unique_ptr<rocksdb::Iterator> it(db_->db()->NewIterator(rocksdb::ReadOptions(), state_));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    if (wanted && !wanted(it->key().ToStringView())) continue;
    auto s = parse(it->value().ToString(), "state of " + it->key().ToString());
    if (!s) return;
    domain::JourneyState state;
    try {
      state = s->get<domain::JourneyState>();
    } catch (const nlohmann::json::exception& e) {
      remember(store::corrupt_value("state of " + it->key().ToString() + ": " + e.what()));
      return;
    }
    if (!visit(state)) return;
  }
  remember(store::classify(it->status()));  // a scan cut short by a failure
}

void ProcessorStore::Batch::put_state(const domain::JourneyState& s) {
  (void)batch_.Put(store_->state_, s.journey_id, domain::state_json(s));
}

void ProcessorStore::Batch::put_idempotency(const std::string& stream_id,
                                            const std::string& command_id,
                                            const IdempotencyEntry& e) {
  // Written directly: no copy of the body into a tree of its own.
  std::string v;
  events::CanonicalObject(v)
      .raw("body", e.canonical_body.empty() ? events::canonical(e.body) : e.canonical_body)
      .string("day", e.day)
      .string("hash", e.hash)
      .number("status", e.status)
      .close();
  (void)batch_.Put(store_->idem_, idem_key(stream_id, command_id), v);
}

void ProcessorStore::Batch::put_key(const std::string& journey_id, const nlohmann::json& wrapped) {
  (void)batch_.Put(store_->keys_, journey_id, events::canonical(wrapped));
}

void ProcessorStore::Batch::put_key_text(const std::string& journey_id,
                                         std::string_view canonical_wrapped) {
  (void)batch_.Put(store_->keys_, journey_id, canonical_wrapped);
}

void ProcessorStore::Batch::delete_key(const std::string& journey_id) {
  (void)batch_.Delete(store_->keys_, journey_id);
}

void ProcessorStore::Batch::put_offset(const std::string& topic, int32_t partition, int64_t next) {
  store::RocksDb::put_offset(batch_, store_->db_->meta(), topic, partition, next);
}

void ProcessorStore::Batch::put_pass_counter(int32_t partition, int64_t next) {
  (void)batch_.Put(store_->db_->meta(), "pass_counter/" + std::to_string(partition),
                   store::be64(static_cast<uint64_t>(next)));
}

void ProcessorStore::Batch::put_meta(const std::string& key, const std::string& value) {
  (void)batch_.Put(store_->db_->meta(), key, value);
}

void ProcessorStore::Batch::put_attempt(int32_t partition, const CommandAttempt& a) {
  const nlohmann::json j = {{"from", a.from}, {"to", a.to}, {"attempts", a.attempts}};
  (void)batch_.Put(store_->db_->meta(), attempt_key(partition), j.dump());
}

void ProcessorStore::Batch::delete_attempt(int32_t partition) {
  (void)batch_.Delete(store_->db_->meta(), attempt_key(partition));
}

store::StoreStatus ProcessorStore::commit(Batch& b) {
  return commit(b, lock_writes());
}

std::unique_lock<std::mutex> ProcessorStore::lock_writes() const {
  return std::unique_lock<std::mutex>(*writes_);
}

store::StoreStatus ProcessorStore::commit(Batch& b, const std::unique_lock<std::mutex>& held) {
  (void)held;  // the caller's proof that no other handle writes now
  const std::size_t size = b.batch_.GetDataSize();
  batch_bytes_hint_.store(std::min<std::size_t>(size + size / 8, kMaxBatchBytesHint),
                          std::memory_order_relaxed);
  return store::classify(db_->write(b.batch_));
}

}  // namespace parcours::processor
