// A least-recently-used map with a fixed capacity (string keys).
//
// Thread-safety: none; callers serialise access.
#pragma once

#include <list>
#include <string>
#include <unordered_map>
#include <utility>

namespace parcours::common {

template <class V>
class Lru {
 public:
  explicit Lru(std::size_t capacity) : capacity_(capacity) {}
  V* get(const std::string& k) {
    auto it = map_.find(k);
    if (it == map_.end()) return nullptr;
    order_.splice(order_.begin(), order_, it->second.second);
    return &it->second.first;
  }
  void put(const std::string& k, V v) {
    auto it = map_.find(k);
    if (it != map_.end()) {
      it->second.first = std::move(v);
      order_.splice(order_.begin(), order_, it->second.second);
      return;
    }
    order_.push_front(k);
    map_.emplace(k, std::make_pair(std::move(v), order_.begin()));
    if (map_.size() > capacity_) {
      map_.erase(order_.back());
      order_.pop_back();
    }
  }
  void erase(const std::string& k) {
    auto it = map_.find(k);
    if (it == map_.end()) return;
    order_.erase(it->second.second);
    map_.erase(it);
  }
  void clear() {
    map_.clear();
    order_.clear();
  }
  std::size_t size() const { return map_.size(); }

 private:
  std::size_t capacity_;
  std::list<std::string> order_;
  std::unordered_map<std::string, std::pair<V, std::list<std::string>::iterator>> map_;
};

}  // namespace parcours::common
