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
    const auto back = decode_reply(written);
    ASSERT_TRUE(back);
    EXPECT_EQ(back->status, r.status);
    EXPECT_EQ(back->body, nlohmann::json::parse(events::canonical(r.body)));
  }
}

TEST(ReplyRecord, IdempotencyEntriesRoundTrip) {
  const auto dir = std::filesystem::temp_directory_path() /
                   ("parcours-reply-test-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::string error;
  auto store = ProcessorStore::open(dir.string(), &error);
  ASSERT_TRUE(store) << error;
  const IdempotencyEntry entry{"hash-1", 201, body(), "2026-12-03"};
  auto b = store->batch();
  b.put_idempotency("journey:j-1", "k-1", entry);
  ASSERT_TRUE(store->commit(b).ok());
  const auto read = store->idempotency("journey:j-1", "k-1");
  ASSERT_TRUE(read);
  EXPECT_EQ(read->hash, entry.hash);
  EXPECT_EQ(read->status, entry.status);
  EXPECT_EQ(read->body, entry.body);
  EXPECT_EQ(read->day, entry.day);
  EXPECT_TRUE(store->take_read_failure().ok());
  store.reset();
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace parcours::processor
