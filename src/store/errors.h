// Classification of RocksDB failures, in one place (STYLE habit 3, as kafka/errors.h does for
// Kafka):
//   retriable  the store is momentarily unable (busy, try again, timed out, memory limit): drop
//              the batch in hand and redo it from the log
//   fatal      the store cannot be trusted or written (corruption, I/O error, no space, shut
//              down): stop the component loudly; the log is intact and a restart re-reads it
// A key that is absent is not a failure: reads report it as absent (NotFound). Anything
// unclassified is fatal.
#pragma once

#include <stdexcept>
#include <string>

#include <rocksdb/status.h>

namespace parcours::store {

enum class StoreFailure { none, retriable, fatal };

struct StoreStatus {
  StoreFailure failure = StoreFailure::none;
  std::string message;
  bool ok() const { return failure == StoreFailure::none; }
  static StoreStatus success() { return {}; }
};

// OK and NotFound are no failure; everything else is classified as above.
StoreStatus classify(const rocksdb::Status& status);
// A stored value that cannot be decoded (a JSON state that does not parse): the store is
// corrupt, which is fatal.
StoreStatus corrupt_value(const std::string& what);

const char* to_string(StoreFailure f);

// Thrown by the read models' accessors (projections::ViewsStore), whose readers are the HTTP
// handlers (the server's edge answers 500) and the projector (which catches it at its loop).
class StoreError : public std::runtime_error {
 public:
  explicit StoreError(StoreStatus s) : std::runtime_error(s.message), status_(std::move(s)) {}
  const StoreStatus& status() const { return status_; }

 private:
  StoreStatus status_;
};

}  // namespace parcours::store
