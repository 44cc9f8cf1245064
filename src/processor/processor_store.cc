#include "processor/processor_store.h"

#include "domain/state_json.h"

#include "events/envelope.h"

namespace parcours::processor {

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
  return s;
}

std::string ProcessorStore::idem_key(const std::string& stream_id, const std::string& command_id) {
  std::string k = stream_id;
  k.push_back('\0');
  k += command_id;
  return k;
}

std::optional<domain::JourneyState> ProcessorStore::state(const std::string& journey_id) const {
  auto v = db_->get(state_, journey_id);
  if (!v) return std::nullopt;
  return nlohmann::json::parse(*v).get<domain::JourneyState>();
}

std::optional<IdempotencyEntry> ProcessorStore::idempotency(const std::string& stream_id,
                                                            const std::string& command_id) const {
  auto v = db_->get(idem_, idem_key(stream_id, command_id));
  if (!v) return std::nullopt;
  auto j = nlohmann::json::parse(*v);
  return IdempotencyEntry{j.at("hash").get<std::string>(), j.at("status").get<int>(), j.at("body"),
                          j.value("day", "")};
}

std::optional<nlohmann::json> ProcessorStore::wrapped_key(const std::string& journey_id) const {
  auto v = db_->get(keys_, journey_id);
  if (!v) return std::nullopt;
  return nlohmann::json::parse(*v);
}

std::optional<int64_t> ProcessorStore::offset(const std::string& topic, int32_t partition) const {
  return db_->offset(topic, partition);
}

int64_t ProcessorStore::pass_counter(int32_t partition) const {
  auto v = db_->get(db_->meta(), "pass_counter/" + std::to_string(partition));
  return v ? static_cast<int64_t>(store::from_be64(*v)) : 0;
}

void ProcessorStore::Batch::put_state(const domain::JourneyState& s) {
  (void)batch_.Put(store_->state_, s.journey_id, domain::state_json(s));
}

void ProcessorStore::Batch::put_idempotency(const std::string& stream_id,
                                            const std::string& command_id,
                                            const IdempotencyEntry& e) {
  nlohmann::json j = {{"hash", e.hash}, {"status", e.status}, {"body", e.body}, {"day", e.day}};
  (void)batch_.Put(store_->idem_, idem_key(stream_id, command_id), events::canonical(j));
}

void ProcessorStore::Batch::put_key(const std::string& journey_id, const nlohmann::json& wrapped) {
  (void)batch_.Put(store_->keys_, journey_id, events::canonical(wrapped));
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

rocksdb::Status ProcessorStore::commit(Batch& b) {
  return db_->write(b.batch_);
}

}  // namespace parcours::processor

namespace parcours::processor {

void ProcessorStore::for_each_state(
    const std::function<bool(const domain::JourneyState&)>& visit) const {
  std::unique_ptr<rocksdb::Iterator> it(db_->db()->NewIterator(rocksdb::ReadOptions(), state_));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    auto s = nlohmann::json::parse(it->value().ToStringView()).get<domain::JourneyState>();
    if (!visit(s)) break;
  }
}

long ProcessorStore::forget_rejections_before(const std::string& day) {
  auto b = batch();
  long n = 0;
  std::unique_ptr<rocksdb::Iterator> it(db_->db()->NewIterator(rocksdb::ReadOptions(), idem_));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    auto j = nlohmann::json::parse(it->value().ToStringView(), nullptr, false);
    if (j.is_discarded() || !j.is_object()) continue;
    const int status = j.value("status", 0);
    const std::string d = j.value("day", "");
    if (status == 200 || status == 201 || d.empty() || d >= day) continue;
    (void)b.batch_.Delete(idem_, it->key());
    ++n;
  }
  if (n > 0 && !commit(b).ok()) return 0;
  return n;
}

std::optional<std::string> ProcessorStore::meta(const std::string& key) const {
  return db_->get(db_->meta(), key);
}

void ProcessorStore::Batch::put_meta(const std::string& key, const std::string& value) {
  (void)batch_.Put(store_->db_->meta(), key, value);
}

}  // namespace parcours::processor
