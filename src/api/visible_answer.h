// An accepted command's answer, sent once the instance's read models show the version it
// reports (decision 30): the caller's next read on this instance shows its write, and a
// ?min_version read right after the answer has nothing to wait for.
//
// The wait is bounded: past it (a projector behind, a store that fails), the answer goes as it
// is, and ?min_version still holds for the read. An answer is never held for anything else, and
// is sent exactly once.
//
// Thread-safety: answer_when_shown() from any thread. The responder is called on that thread
// when the version is shown already, else on the thread that calls the waiters' notify() or
// expire(): it must only hand the answer on (http::Responder posts it to its connection).
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>

#include "api/version_waiters.h"
#include "http/request.h"

namespace parcours::api {

struct VisibleAnswerWait {
  VersionWaiters* waiters = nullptr;
  std::chrono::milliseconds bound{0};  // 0: no wait
  // The version the read models show of a journey (0 if absent), nullopt if they cannot tell.
  std::function<std::optional<long>(const std::string& journey)> shown;
  // Learns how long an answer that had to wait waited, and whether its version was reached.
  std::function<void(double seconds, bool reached)> waited;
};

// Sends `answer` through `respond` once `journey` is shown at `version` or later. No journey
// (an organisation's command) or no version: sent at once.
void answer_when_shown(const VisibleAnswerWait& wait, const std::string& journey, long version,
                       http::Response answer, http::Responder respond);

}  // namespace parcours::api
