#include "api/version_waiters.h"

namespace parcours::api {

void VersionWaiters::add(const std::string& journey, long version,
                         std::chrono::steady_clock::time_point deadline, Callback cb) {
  std::lock_guard lock(mu_);
  waits_.emplace(journey, Wait{version, deadline, std::move(cb)});
}

void VersionWaiters::reached(const std::string& id, long version) {
  std::vector<Callback> fire;
  {
    std::lock_guard lock(mu_);
    auto [b, e] = waits_.equal_range(id);
    for (auto it = b; it != e;) {
      if (it->second.version <= version) {
        fire.push_back(std::move(it->second.cb));
        it = waits_.erase(it);
      } else {
        ++it;
      }
    }
  }
  for (auto& cb : fire) cb(true);
}

void VersionWaiters::notify(const std::vector<std::pair<std::string, long>>& changed) {
  {
    std::lock_guard lock(mu_);
    if (waits_.empty()) return;
  }
  for (const auto& [id, version] : changed) reached(id, version);
}

void VersionWaiters::expire(std::chrono::steady_clock::time_point now) {
  std::vector<Callback> fire;
  {
    std::lock_guard lock(mu_);
    for (auto it = waits_.begin(); it != waits_.end();) {
      if (it->second.deadline <= now) {
        fire.push_back(std::move(it->second.cb));
        it = waits_.erase(it);
      } else {
        ++it;
      }
    }
  }
  for (auto& cb : fire) cb(false);
}

bool VersionWaiters::reserve(const std::string& owner, std::size_t max) {
  std::lock_guard lock(mu_);
  auto& n = per_owner_[owner];
  if (n >= max) return false;
  ++n;
  return true;
}

void VersionWaiters::release(const std::string& owner) {
  std::lock_guard lock(mu_);
  auto it = per_owner_.find(owner);
  if (it == per_owner_.end()) return;
  if (--it->second == 0) per_owner_.erase(it);
}

std::size_t VersionWaiters::size() const {
  std::lock_guard lock(mu_);
  return waits_.size();
}

}  // namespace parcours::api
