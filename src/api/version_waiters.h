// Read-your-writes (ARCHITECTURE §4): a query with ?min_version=N waits, bounded, until the
// projector has applied version N of the journey.
//
// The projector calls notify() after each written batch; expire() (called periodically)
// answers the waits that ran out of time. Callbacks run on the thread that calls notify() or
// expire(): they must only hand the work on (Api defers it to a worker).
//
// Thread-safety: every member may be called from any thread.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace parcours::api {

class VersionWaiters {
 public:
  // Called with true when the version is reached, false on timeout. Exactly once.
  using Callback = std::function<void(bool reached)>;

  // Registers a wait. The caller must have checked the current version first and must call
  // recheck afterwards (see wait_for in routes), since a notify may race with registration.
  void add(const std::string& journey, long version, std::chrono::steady_clock::time_point deadline,
           Callback cb);
  void notify(const std::vector<std::pair<std::string, long>>& changed);
  // Fires callbacks of journey `id` whose version is <= `version`.
  void reached(const std::string& id, long version);
  void expire(std::chrono::steady_clock::time_point now);
  // Caps the waits of one owner (an organisation): takes a slot, false if `max` are taken.
  // The owner gives it back with release() when its wait ends.
  bool reserve(const std::string& owner, std::size_t max);
  void release(const std::string& owner);
  std::size_t size() const;

 private:
  struct Wait {
    long version;
    std::chrono::steady_clock::time_point deadline;
    Callback cb;
  };
  mutable std::mutex mu_;
  std::multimap<std::string, Wait> waits_;
  std::map<std::string, std::size_t> per_owner_;
};

}  // namespace parcours::api
