#include "store/errors.h"

namespace parcours::store {

StoreStatus classify(const rocksdb::Status& s) {
  if (s.ok() || s.IsNotFound()) return StoreStatus::success();
  StoreStatus out;
  out.message = s.ToString();
  if (s.IsBusy() || s.IsTryAgain() || s.IsTimedOut() || s.IsMemoryLimit()) {
    out.failure = StoreFailure::retriable;
  } else {
    // Corruption, IOError (NoSpace, PathNotFound, IOFenced), ShutdownInProgress, Aborted,
    // InvalidArgument, NotSupported, Incomplete... and whatever a later RocksDB adds.
    out.failure = StoreFailure::fatal;
  }
  return out;
}

StoreStatus corrupt_value(const std::string& what) {
  return {StoreFailure::fatal, "corrupt stored value: " + what};
}

const char* to_string(StoreFailure f) {
  switch (f) {
    case StoreFailure::none:
      return "none";
    case StoreFailure::retriable:
      return "retriable";
    case StoreFailure::fatal:
      return "fatal";
  }
  return "fatal";
}

}  // namespace parcours::store
