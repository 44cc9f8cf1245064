// Replies and idempotency entries are written directly; their bytes are what the canonical
// JSON of the same tree gives, so readers and stored entries are unchanged.
#include <gtest/gtest.h>

#include <filesystem>

#include "events/envelope.h"
#include "processor/command_record.h"
#include "processor/processor_store.h"

namespace parcours::processor {
namespace {

nlohmann::json body() {
  return {{"journey_id", "j-1"},
          {"version", 3},
          {"events", {{{"seq", 3}, {"type", "followup.recorded"}, {"id", "j-1.3"}}}}};
}

TEST(ReplyRecord, EncodesAsTheCanonicalTree) {
  for (const ReplyRecord& r :
       {ReplyRecord{"k-1", "node-a.1f2e", "17", 201, body()},
        ReplyRecord{"clé \"é\"\n",
                    std::string("\xC3", 1),
                    "",
                    422,
                    {{"code", "rule"}, {"detail", "ligne\tbad \xFF"}, {"status", 422}}}}) {
    const nlohmann::json tree = {{"command_id", r.command_id},
                                 {"reply_to", r.reply_to},
                                 {"request_id", r.request_id},
                                 {"status", r.status},
                                 {"body", r.body}};
    const std::string written = encode(r);
    EXPECT_EQ(written, events::canonical(tree));
    // The body written once beforehand gives the same bytes (the processor's way).
    ReplyRecord without_tree = r;
    without_tree.body = nullptr;
    EXPECT_EQ(encode(without_tree, events::canonical(r.body)), written);
    const auto back = decode_reply(written);
    ASSERT_TRUE(back);
    EXPECT_EQ(back->status, r.status);
    EXPECT_EQ(back->body, nlohmann::json::parse(events::canonical(r.body)));
  }
}

// A reply record the processor could not have written is no reply, never an exception.
TEST(ReplyRecord, ARecordOfTheWrongShapeIsNoReply) {
  for (const char* bad : {"", "[]", "{", R"({"status":201})", R"({"command_id":"k"})",
                          R"({"command_id":1,"status":201})", R"({"command_id":"k","status":2.5})",
                          R"({"command_id":"k","status":99999999999})",
                          R"({"command_id":"k","status":201,"reply_to":3})",
                          R"({"command_id":"k","status":201,"request_id":[]})"}) {
    EXPECT_FALSE(decode_reply(bad)) << bad;
  }
  const auto minimal = decode_reply(R"({"command_id":"k","status":201})");
  ASSERT_TRUE(minimal);
  EXPECT_EQ(minimal->reply_to, "");
  const auto no_body = decode_reply(R"({"command_id":"k","status":422,"reply_to":"a"})");
  ASSERT_TRUE(no_body);
  EXPECT_EQ(no_body->body, nlohmann::json::object());
  EXPECT_EQ(no_body->request_id, "");
}

TEST(ReplyRecord, IdempotencyEntriesRoundTrip) {
  const auto dir = std::filesystem::temp_directory_path() /
                   ("parcours-reply-test-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::string error;
  auto store = ProcessorStore::open(dir.string(), &error);
  ASSERT_TRUE(store) << error;
  const IdempotencyEntry entry{"hash-1", 201, body(), "2026-12-03"};
  // The same entry with its body already written, as the processor stores an accepted command.
  const IdempotencyEntry written_once{"hash-1", 201, body(), "2026-12-03",
                                      events::canonical(body())};
  auto b = store->batch();
  b.put_idempotency("journey:j-1", "k-1", entry);
  b.put_idempotency("journey:j-1", "k-2", written_once);
  ASSERT_TRUE(store->commit(b).ok());
  for (const char* key : {"k-1", "k-2"}) {
    const auto read = store->idempotency("journey:j-1", key);
    ASSERT_TRUE(read) << key;
    EXPECT_EQ(read->hash, entry.hash);
    EXPECT_EQ(read->status, entry.status);
    EXPECT_EQ(read->body, entry.body);
    EXPECT_EQ(read->day, entry.day);
  }
  EXPECT_TRUE(store->take_read_failure().ok());
  store.reset();
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace parcours::processor
