#include "api/visible_answer.h"

#include <memory>
#include <utility>

namespace parcours::api {

void answer_when_shown(const VisibleAnswerWait& wait, const std::string& journey, long version,
                       http::Response answer, http::Responder respond) {
  if (journey.empty() || version <= 0 || wait.bound.count() <= 0 || !wait.waiters || !wait.shown) {
    return respond(std::move(answer));
  }
  // A read models' failure sends the answer at once: the command is committed whatever they do.
  const auto now_shown = wait.shown(journey);
  if (!now_shown || *now_shown >= version) return respond(std::move(answer));
  using Clock = std::chrono::steady_clock;
  const auto since = Clock::now();
  auto held = std::make_shared<http::Response>(std::move(answer));
  wait.waiters->add(journey, version, since + wait.bound,
                    [held, respond, waited = wait.waited, since](bool reached) {
                      if (waited) {
                        waited(std::chrono::duration<double>(Clock::now() - since).count(),
                               reached);
                      }
                      respond(std::move(*held));
                    });
  // The projector may have applied the version between the read above and add(); a failed
  // read releases the wait too.
  const auto again = wait.shown(journey);
  wait.waiters->reached(journey, again ? *again : version);
}

}  // namespace parcours::api
