#include "processor/batch_linger.h"

#include <cmath>

namespace parcours::processor {

namespace {
// Seconds between two instants, never negative (the clock is steady, the callers' instants
// may still come out of order by a hair).
double seconds_between(BatchLinger::Clock::time_point from, BatchLinger::Clock::time_point to) {
  if (to <= from) return 0;
  return std::chrono::duration<double>(to - from).count();
}
}  // namespace

void BatchLinger::arrived(Clock::time_point now) {
  // With a time constant of one second, the decayed count of arrivals is their rate per second
  // (each arrival adds 1/τ with τ = 1 s).
  count_ = rate(now) + 1.0;
  last_ = now;
}

double BatchLinger::rate(Clock::time_point now) const {
  if (count_ == 0) return 0;
  return count_ * std::exp(-seconds_between(last_, now));
}

std::chrono::milliseconds BatchLinger::wait(Clock::time_point now, First first) const {
  if (first == First::queued) return std::chrono::milliseconds(0);
  const double due_within_max = rate(now) * std::chrono::duration<double>(max_).count();
  return due_within_max >= 1.0 ? max_ : std::chrono::milliseconds(0);
}

}  // namespace parcours::processor
