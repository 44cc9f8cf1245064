#include "processor/crash_guard.h"

namespace parcours::processor {

GuardPlan plan_batch(const std::vector<Polled>& polled,
                     const std::function<std::optional<CommandAttempt>(int32_t)>& stored) {
  GuardPlan plan;
  // Each partition's first message: is it in a range that a crash left behind? (-1: no)
  std::map<int32_t, int64_t> single_at;
  for (std::size_t i = 0; i < polled.size(); ++i) {
    const auto [p, offset] = polled[i];
    if (single_at.count(p)) continue;
    auto record = stored(p);
    if (!record || offset < record->from || offset > record->to) {
      single_at[p] = -1;
      continue;
    }
    single_at[p] = offset;
    GuardPlan::Single single;
    single.index = i;
    single.stored = *record;
    const int before = offset == record->from ? record->attempts : 1;
    single.quarantine = before >= kMaxAttempts;
    single.attempt = {offset, record->to, before + 1};
    plan.singles.push_back(single);
  }
  for (std::size_t i = 0; i < polled.size(); ++i) {
    const auto [p, offset] = polled[i];
    const int64_t single = single_at[p];
    if (single >= 0) {
      // Only the partition's first message is taken now; the others are read again.
      if (offset != single && !plan.rewind.count(p)) plan.rewind[p] = offset;
      continue;
    }
    plan.batch.push_back(i);
    auto [it, fresh] = plan.batch_attempts.try_emplace(p, CommandAttempt{offset, offset, 1});
    if (!fresh) it->second.to = offset;
  }
  return plan;
}

std::optional<CommandAttempt> after_single(const CommandAttempt& recorded, int64_t offset) {
  if (offset >= recorded.to) return std::nullopt;
  return CommandAttempt{offset + 1, recorded.to, 1};
}

}  // namespace parcours::processor
