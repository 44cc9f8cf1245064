#include "processor/quarantine.h"

namespace parcours::processor {

Quarantined quarantine(const QuarantineTopics& topics, std::string_view key, std::string_view value,
                       int32_t partition, int64_t offset, int attempts) {
  Quarantined q;
  std::string error;
  q.command = decode_command(value, &error);
  q.answer = {{"code", "internal"},
              {"detail", "the command could not be processed; it was set aside for an operator"},
              {"status", 500}};
  if (q.command && !q.command->reply_to.empty()) {
    const auto& c = *q.command;
    ReplyRecord r{c.command_id, c.reply_to, c.request_id, 500, q.answer};
    const int p = c.reply_partition >= 0 && c.reply_partition < topics.reply_partitions
                      ? c.reply_partition
                      : 0;
    q.reply = HeadedRecord{topics.replies, p, c.command_id, encode(r), {}};
  }
  q.dead_letter.topic = topics.dead_letters;
  q.dead_letter.key = std::string(key);
  q.dead_letter.value = std::string(value);
  q.dead_letter.headers = {
      {"parcours-source-topic", topics.source},
      {"parcours-source-partition", std::to_string(partition)},
      {"parcours-source-offset", std::to_string(offset)},
      {"parcours-attempts", std::to_string(attempts)},
      {"parcours-reason",
       "the process ended while processing this command, " + std::to_string(attempts) + " times"},
  };
  return q;
}

}  // namespace parcours::processor
