#include "api/logged_answer.h"

#include <utility>

#include "api/problem_map.h"

namespace parcours::api {

void LoggedAnswer::rendered(http::Response answer) {
  std::unique_lock lock(mu_);
  answer_ = std::move(answer);
  send_if_complete(std::move(lock));
}

void LoggedAnswer::acknowledged(bool ok) {
  std::unique_lock lock(mu_);
  acknowledged_ = ok;
  send_if_complete(std::move(lock));
}

void LoggedAnswer::send_if_complete(std::unique_lock<std::mutex> lock) {
  std::optional<http::Response> send = take_if_complete();
  lock.unlock();
  if (send) respond_(std::move(*send));
}

std::optional<http::Response> LoggedAnswer::take_if_complete() {
  if (sent_) {
    answer_.reset();  // rendered after a refused entry: dropped unseen
    return std::nullopt;
  }
  if (!acknowledged_) return std::nullopt;
  if (!*acknowledged_) {
    sent_ = true;
    answer_.reset();
    return problem("unavailable", "the read could not be logged; nothing was shown");
  }
  if (!answer_) return std::nullopt;
  sent_ = true;
  return std::exchange(answer_, std::nullopt);
}

}  // namespace parcours::api
