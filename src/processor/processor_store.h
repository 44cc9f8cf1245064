// The processor's RocksDB store: write-side state of the journeys whose partitions this
// instance owns (ARCHITECTURE §3, step 3).
//
// Layout (column family: key -> value):
//   state   journey id                         -> JourneyState JSON (domain/journey_state.h)
//   idem    stream id \0 command id            -> {"hash","status","body"} the first outcome
//   keys    journey id                         -> wrapped data key JSON (crypto/identity_cipher.h)
//   default "offset/<events topic>/<p>"        -> next events offset applied (8 bytes BE)
//           "offset/<keys topic>/<p>"          -> next keys offset applied
//           "pass_counter/<p>"                 -> next PASS counter of partition p (8 bytes BE)
//           "attempt/<p>"                      -> {"from","to","attempts"}: commands of commands
//                                                 partition p being processed (crash_guard.h)
//
// After a Kafka transaction commits, everything it changed is written in ONE WriteBatch with
// the events offset, so the store and the log never disagree; a crash between the two is
// repaired by catch-up, which re-applies the log from the stored offset.
//
// Reads answer "absent" when RocksDB fails, and remember the failure (classified by
// store/errors.h, as is a stored value that does not decode): the processor takes
// read_failure() before it acts on anything it read, so a batch is never produced, nor a
// catch-up chunk written, after a failed read, and a failed read is never taken for an absent
// journey. (The accessors keep the shape the batch decider reads through.)
//
// Thread-safety: one ProcessorStore per processor thread. The processors of an instance
// (processor_pool.h) each get their own handle from share(): the handles write to one
// database, and each remembers its own read failures. commit() is serialised across them.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "domain/journey_state.h"
#include "store/rocks_db.h"

namespace parcours::processor {

struct IdempotencyEntry {
  std::string hash;
  int status = 0;
  nlohmann::json body;  // null when canonical_body is set
  std::string day;      // YYYY-MM-DD the outcome was decided ("" in older entries, and kept)
  // canonical(body) when the writer has it already, else "" (written from `body`).
  std::string canonical_body = {};
};

// A rejection is remembered this long, then forgotten (a retry is decided anew) and swept.
// Accepted commands are remembered for good: their ids are in the events anyway.
inline constexpr int kRejectionRetentionDays = 30;

// Commands of one partition whose processing began and has not ended: offset `from` has been
// attempted `attempts` times, and from+1..to at least once (crash_guard.h).
struct CommandAttempt {
  int64_t from = 0;
  int64_t to = 0;
  int attempts = 0;
  bool operator==(const CommandAttempt&) const = default;
};

class ProcessorStore {
 public:
  static std::unique_ptr<ProcessorStore> open(const std::string& path, std::string* error,
                                              bool compress = true);
  // Another handle on the same database, for another processor thread.
  std::unique_ptr<ProcessorStore> share() const;

  std::optional<domain::JourneyState> state(const std::string& journey_id) const;
  std::optional<IdempotencyEntry> idempotency(const std::string& stream_id,
                                              const std::string& command_id) const;
  std::optional<nlohmann::json> wrapped_key(const std::string& journey_id) const;
  std::optional<int64_t> offset(const std::string& topic, int32_t partition) const;
  int64_t pass_counter(int32_t partition) const;
  // Visits the journey states whose id `wanted` takes (all if none), in key order; stops when
  // visit returns false. The ids are filtered before their states are parsed: a processor's
  // deadline scan parses the states of its own partitions only.
  void for_each_state(const std::function<bool(const domain::JourneyState&)>& visit,
                      const std::function<bool(std::string_view id)>& wanted = {}) const;
  // Deletes the remembered rejections decided before `day` (kRejectionRetentionDays); returns
  // how many. Called once a day by each processor's deadline scan: the store remembers the
  // last `day` swept, and the other processors' calls for it return 0 without a scan. A scan
  // that `cancel` cuts short deletes what it found so far and is done again the next time.
  long forget_rejections_before(const std::string& day, const std::atomic<bool>* cancel = nullptr);
  // A small value of the meta family (e.g. the last day the deadlines were scheduled).
  std::optional<std::string> meta(const std::string& key) const;
  std::optional<CommandAttempt> attempt(int32_t partition) const;

  // The first read failure since the last call (ok if none), and forgets it.
  [[nodiscard]] store::StoreStatus take_read_failure();

  // A batch of changes, written at once by commit().
  class Batch {
   public:
    void put_state(const domain::JourneyState& s);
    void put_idempotency(const std::string& stream_id, const std::string& command_id,
                         const IdempotencyEntry& e);
    void put_key(const std::string& journey_id, const nlohmann::json& wrapped);
    void put_key_text(const std::string& journey_id, std::string_view canonical_wrapped);
    void delete_key(const std::string& journey_id);
    void put_offset(const std::string& topic, int32_t partition, int64_t next);
    void put_pass_counter(int32_t partition, int64_t next);
    void put_meta(const std::string& key, const std::string& value);
    void put_attempt(int32_t partition, const CommandAttempt& a);
    void delete_attempt(int32_t partition);
    bool empty() const { return batch_.Count() == 0; }

   private:
    friend class ProcessorStore;
    Batch(ProcessorStore* s, std::size_t reserved) : store_(s), batch_(reserved) {}
    ProcessorStore* store_;
    rocksdb::WriteBatch batch_;
  };
  // Reserves what this handle's last batch took: a batch of a thousand commands is megabytes,
  // which grown by doubling were copied twice over and faulted in anew.
  Batch batch() { return Batch(this, batch_bytes_hint_.load(std::memory_order_relaxed)); }
  // Writes the batch (write-ahead log, not synced: it survives a crash of the process, not
  // of the machine). The status is classified by store/errors.h.
  [[nodiscard]] store::StoreStatus commit(Batch& b);
  // For a write that must be decided against the store as it is (the keys' catch-up, which
  // must not bring back a key another processor has just erased): hold the lock across the
  // reads and the commit, so that no other handle commits in between.
  [[nodiscard]] std::unique_lock<std::mutex> lock_writes() const;
  [[nodiscard]] store::StoreStatus commit(Batch& b, const std::unique_lock<std::mutex>& held);

  static std::string idem_key(const std::string& stream_id, const std::string& command_id);

  // The database, for its figures (rocks_db_metrics.h).
  const store::RocksDb& db() const { return *db_; }

 private:
  // The value of a point read; on a failure, remembers it and answers absent.
  std::optional<std::string> read(rocksdb::ColumnFamilyHandle* cf, const std::string& key) const;
  // Parses a stored JSON value; a value that does not parse is remembered as corruption.
  std::optional<nlohmann::json> parse(const std::optional<std::string>& v,
                                      const std::string& what) const;
  void remember(store::StoreStatus s) const;

  std::shared_ptr<store::RocksDb> db_;
  std::shared_ptr<std::mutex> writes_;  // shared by the handles of one database
  mutable store::StoreStatus read_failure_;
  rocksdb::ColumnFamilyHandle* state_ = nullptr;
  rocksdb::ColumnFamilyHandle* idem_ = nullptr;
  rocksdb::ColumnFamilyHandle* keys_ = nullptr;
  std::atomic<std::size_t> batch_bytes_hint_{0};  // the last batch's size, with an eighth more
};

}  // namespace parcours::processor
