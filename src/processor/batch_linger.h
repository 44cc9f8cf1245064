// How long a processor waits, after a batch's first command, for more commands to join it.
//
// A batch is one transaction, and a transaction costs the brokers a dozen requests whatever
// it holds (AddPartitionsToTxn, one Produce and one verification per partition, the offsets'
// AddOffsetsToTxn and TxnOffsetCommit, EndTxn, the markers, the registry's ListOffsets).
// Waiting gathers more commands per transaction, but a wait is worth it only when:
//   - the processor was idle: a command that was already queued when the processor asked
//     for it has waited for the last transaction to commit, and every command that came
//     meanwhile is queued beside it and joins the batch without a wait;
//   - more commands are coming: the recent arrival rate brings at least one more within the
//     wait. One client sending commands one after the other (about a hundred a second over
//     two processors) never has another within it.
// At 500 commands/s over two processors (one every 4 ms each), an idle processor waits the
// configured 5 ms; a busy one goes as soon as its last transaction has committed
// (docs/decisions/0029-batch-linger-that-adapts.md).
//
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

  // How a batch's first command came: already queued when the processor asked for it, or
  // after the processor had waited for it.
  enum class First { queued, after_idle };
  // A command handed over within this of the processor's asking was already queued.
  static constexpr std::chrono::microseconds kQueuedWithin{200};
  static First first_command(Clock::time_point asked, Clock::time_point got) {
    return got - asked < kQueuedWithin ? First::queued : First::after_idle;
  }

  // The wait for a batch whose first command came at `now`: the configured one if the
  // processor was idle and at least one more command is due within it, else none.
  std::chrono::milliseconds wait(Clock::time_point now, First first) const;

 private:
  std::chrono::milliseconds max_;
  double count_ = 0;  // arrivals, each decayed by exp(-age / 1 s): the rate per second
  Clock::time_point last_{};
};

}  // namespace parcours::processor
