// How long a processor waits, after a batch's first command, for more commands to join it.
//
// A batch is one transaction, and a transaction costs the brokers a dozen requests whatever
// it holds (AddPartitionsToTxn, one Produce and one verification per partition, the offsets'
// AddOffsetsToTxn and TxnOffsetCommit, EndTxn, the markers, the registry's ListOffsets).
// Waiting gathers more commands per transaction, but only when more are coming: a command
// waits for nothing when the next one is not due within the wait. So the linger is the
// configured wait when the recent arrival rate brings at least one more command within it,
// and none otherwise.
//   - one client sending commands one after the other (about a hundred a second): no wait,
//     each command is committed at once;
//   - 500 commands/s over two processors (one every 4 ms each): the configured wait (5 ms),
//     and about half as many transactions as with no wait (docs/performance.md).
// The rate is a count of arrivals that decays exponentially with a time constant of one
// second: a burst raises it within a few commands, an idle second brings it down by e.
//
// Thread-safety: the processor's thread only.
#pragma once

#include <chrono>

namespace parcours::processor {

class BatchLinger {
 public:
  using Clock = std::chrono::steady_clock;

  explicit BatchLinger(std::chrono::milliseconds max) : max_(max) {}

  // A command was taken from the commands topic at `now`.
  void arrived(Clock::time_point now);

  // Commands per second, as the decayed count of arrivals has it at `now`.
  double rate(Clock::time_point now) const;

  // The wait for a batch whose first command came at `now`: the configured one if at least one
  // more command is due within it, else none.
  std::chrono::milliseconds wait(Clock::time_point now) const;

 private:
  std::chrono::milliseconds max_;
  double count_ = 0;  // arrivals, each decayed by exp(-age / 1 s): the rate per second
  Clock::time_point last_{};
};

}  // namespace parcours::processor
