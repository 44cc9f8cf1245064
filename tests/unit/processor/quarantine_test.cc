// What a quarantined command becomes (processor/quarantine.h).
#include "processor/quarantine.h"

#include <gtest/gtest.h>

namespace parcours::processor {
namespace {

const QuarantineTopics kTopics{"p.commands.v1", "p.replies.v1", 3, "p.commands-dlq.v1"};

TEST(Quarantine, AnswersWhoeverWaitsAndCopiesTheRecordAsItWas) {
  CommandRecord c;
  c.command_id = "key-1";
  c.stream = "journey";
  c.stream_id = "j-1";
  c.type = "RecordFollowUp";
  c.data = {{"followup_id", "f"}};
  c.reply_to = "instance-a";
  c.reply_partition = 2;
  c.request_id = "instance-a-7";
  const std::string value = encode(c);
  const auto q = quarantine(kTopics, "j-1", value, 4, 1234, 3);

  ASSERT_TRUE(q.command);
  EXPECT_EQ(q.command->command_id, "key-1");
  EXPECT_EQ(q.answer["code"], "internal");
  EXPECT_EQ(q.answer["status"], 500);
  ASSERT_TRUE(q.reply);
  EXPECT_EQ(q.reply->topic, "p.replies.v1");
  EXPECT_EQ(q.reply->partition, 2);
  EXPECT_EQ(q.reply->key, "key-1");
  auto reply = decode_reply(q.reply->value);
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 500);
  EXPECT_EQ(reply->request_id, "instance-a-7");
  EXPECT_EQ(reply->reply_to, "instance-a");

  EXPECT_EQ(q.dead_letter.topic, "p.commands-dlq.v1");
  EXPECT_EQ(q.dead_letter.key, "j-1");
  EXPECT_EQ(q.dead_letter.value, value);
  std::map<std::string, std::string> headers(q.dead_letter.headers.begin(),
                                             q.dead_letter.headers.end());
  EXPECT_EQ(headers.at("parcours-source-topic"), "p.commands.v1");
  EXPECT_EQ(headers.at("parcours-source-partition"), "4");
  EXPECT_EQ(headers.at("parcours-source-offset"), "1234");
  EXPECT_EQ(headers.at("parcours-attempts"), "3");
}

TEST(Quarantine, ARecordThatDoesNotDecodeIsStillSetAside) {
  const auto q = quarantine(kTopics, "", "\x01not a command", 0, 5, 3);
  EXPECT_FALSE(q.command);
  EXPECT_FALSE(q.reply);
  EXPECT_EQ(q.dead_letter.value, "\x01not a command");
}

TEST(Quarantine, ASystemCommandHasNobodyToAnswer) {
  CommandRecord c;
  c.command_id = "deadlines-2026-11-23";
  c.stream = "journey";
  c.stream_id = "j-2";
  c.type = "ApplyDeadlines";
  const auto q = quarantine(kTopics, "j-2", encode(c), 1, 9, 3);
  ASSERT_TRUE(q.command);
  EXPECT_FALSE(q.reply);
}

}  // namespace
}  // namespace parcours::processor
