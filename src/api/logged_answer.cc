#include "api/logged_answer.h"

#include "api/problem_map.h"

namespace parcours::api {

void LoggedAnswer::rendered(http::Response answer) {
  std::optional<http::Response> send;
  {
    std::lock_guard<std::mutex> lock(mu_);
    answer_ = std::move(answer);
    send = take_if_complete();
  }
  if (send) respond_(std::move(*send));
}

void LoggedAnswer::acknowledged(bool ok) {
  std::optional<http::Response> send;
  {
    std::lock_guard<std::mutex> lock(mu_);
    acknowledged_ = ok;
    send = take_if_complete();
  }
  if (send) respond_(std::move(*send));
}

std::optional<http::Response> LoggedAnswer::take_if_complete() {
  if (sent_ || !acknowledged_) return std::nullopt;
  if (!*acknowledged_) {
    sent_ = true;
    answer_.reset();
    return problem("unavailable", "the read could not be logged; nothing was shown");
  }
  if (!answer_) return std::nullopt;
  sent_ = true;
  std::optional<http::Response> send = std::move(answer_);
  answer_.reset();
  return send;
}

}  // namespace parcours::api
