// An answer that shows a person's identity (JOURNEY §6): it is sent only once its read is on
// the access log. The entry leaves before the answer is rendered, so that the broker's
// acknowledgement and the rendering overlap; whichever of the two ends last sends the answer.
// An entry that could not be written answers 503 `unavailable` at once, and the rendered
// answer is dropped: nothing of it is shown.
//
// Thread-safety: rendered() from the request's thread, acknowledged() from the access log's;
// the responder is called exactly once, from whichever ends it, outside the lock.
#pragma once

#include <mutex>
#include <optional>

#include "http/request.h"

namespace parcours::api {

class LoggedAnswer {
 public:
  explicit LoggedAnswer(http::Responder respond) : respond_(std::move(respond)) {}

  // The answer is ready; sent now if its entry was acknowledged, else on acknowledgement.
  void rendered(http::Response answer);
  // The access log's verdict on the entry (AccessLog::Done).
  void acknowledged(bool ok);

 private:
  // Sends what is complete, outside the lock (rendered() and acknowledged() end here).
  void send_if_complete(std::unique_lock<std::mutex> lock);
  // With mu_ held: takes what is to be sent now, if anything.
  std::optional<http::Response> take_if_complete();

  std::mutex mu_;
  http::Responder respond_;
  std::optional<http::Response> answer_;
  std::optional<bool> acknowledged_;
  bool sent_ = false;
};

}  // namespace parcours::api
