// Command records are decoded with simdjson; what the processor gets is what the API wrote,
// and a record it could not have written is refused with a reason, never thrown.
#include <gtest/gtest.h>

#include "events/envelope.h"
#include "processor/command_record.h"

namespace parcours::processor {
namespace {

CommandRecord full_record() {
  CommandRecord c;
  c.command_id = "clé-1 \"é\"";
  c.stream = "journey";
  c.stream_id = "j-1";
  c.type = "RecordFollowUp";
  c.data = nlohmann::json::parse(
      R"({"date":"2026-12-04","note":{"n":"AAE=","c":"x"},"hours":26.5,"count":3,"neg":-4,
          "big":18446744073709551615,"list":[1,"a",null,true,{"k":[]}],"empty":{}})");
  c.expected_version = 7;
  c.actor = {"alice", "ft-annecy", {"case_worker", "admin"}};
  c.intake_time = "2026-12-04T10:15:30.123Z";
  c.payload_hash = "ab12";
  c.reply_partition = 2;
  c.reply_to = "node-a.1f2e";
  c.request_id = "17";
  c.wrapped_key = {{"v", 2}, {"kid", "k1"}, {"key", "c2VjcmV0"}};
  return c;
}

void expect_same(const CommandRecord& a, const CommandRecord& b) {
  EXPECT_EQ(a.command_id, b.command_id);
  EXPECT_EQ(a.stream, b.stream);
  EXPECT_EQ(a.stream_id, b.stream_id);
  EXPECT_EQ(a.type, b.type);
  EXPECT_EQ(a.data, b.data);
  EXPECT_EQ(a.expected_version, b.expected_version);
  EXPECT_EQ(a.actor.sub, b.actor.sub);
  EXPECT_EQ(a.actor.org, b.actor.org);
  EXPECT_EQ(a.actor.roles, b.actor.roles);
  EXPECT_EQ(a.intake_time, b.intake_time);
  EXPECT_EQ(a.payload_hash, b.payload_hash);
  EXPECT_EQ(a.reply_partition, b.reply_partition);
  EXPECT_EQ(a.reply_to, b.reply_to);
  EXPECT_EQ(a.request_id, b.request_id);
  EXPECT_EQ(a.wrapped_key, b.wrapped_key);
}

TEST(CommandRecord, DecodesWhatWasEncoded) {
  const CommandRecord c = full_record();
  std::string error;
  const auto back = decode_command(encode(c), &error);
  ASSERT_TRUE(back) << error;
  expect_same(*back, c);
  // The data tree is the one nlohmann's own parser gives, numbers and all.
  EXPECT_EQ(back->data.dump(), nlohmann::json::parse(events::canonical(c.data)).dump());
}

// The record is written directly; its bytes are canonical() of the record's tree, so what
// readers and the fuzzers see is unchanged.
TEST(CommandRecord, EncodesAsTheCanonicalTree) {
  CommandRecord bare = full_record();
  bare.expected_version.reset();
  bare.wrapped_key = nullptr;
  bare.actor.roles.clear();
  bare.actor.org = "";
  CommandRecord odd = full_record();
  odd.actor.roles = {"r\"1\n", std::string("\xFF", 1)};
  odd.stream_id = std::string("j\x01\xC3", 3);
  odd.reply_partition = -1;
  for (const CommandRecord& c : {full_record(), bare, odd}) {
    nlohmann::json tree = {
        {"v", 1},
        {"command_id", c.command_id},
        {"stream", c.stream},
        {"stream_id", c.stream_id},
        {"type", c.type},
        {"data", c.data},
        {"actor", {{"sub", c.actor.sub}, {"org", c.actor.org}, {"roles", c.actor.roles}}},
        {"intake_time", c.intake_time},
        {"payload_hash", c.payload_hash},
        {"reply_partition", c.reply_partition},
        {"reply_to", c.reply_to},
        {"request_id", c.request_id}};
    tree["expected_version"] =
        c.expected_version ? nlohmann::json(*c.expected_version) : nlohmann::json(nullptr);
    if (!c.wrapped_key.is_null()) tree["wrapped_key"] = c.wrapped_key;
    EXPECT_EQ(encode(c), events::canonical(tree));
  }
}

TEST(CommandRecord, OptionalMembersTakeTheirDefaults) {
  const std::string minimal =
      R"({"v":1,"command_id":"k","stream":"org","stream_id":"o-1","type":"RegisterOrganization",)"
      R"("data":{},"actor":{"sub":"root"},"intake_time":"t","expected_version":null})";
  std::string error;
  const auto c = decode_command(minimal, &error);
  ASSERT_TRUE(c) << error;
  EXPECT_FALSE(c->expected_version);
  EXPECT_EQ(c->actor.org, "");
  EXPECT_TRUE(c->actor.roles.empty());
  EXPECT_EQ(c->reply_partition, 0);
  EXPECT_EQ(c->payload_hash, "");
  EXPECT_TRUE(c->wrapped_key.is_null());
}

TEST(CommandRecord, RefusesWhatTheApiCouldNotHaveWritten) {
  const nlohmann::json good = nlohmann::json::parse(encode(full_record()));
  std::vector<std::string> bad = {"", "{", "[]", "null", "\"v\"", "{\"v\":1}", "{}x"};
  auto with = [&](const nlohmann::json::json_pointer& at, const nlohmann::json& value) {
    nlohmann::json j = good;
    j[at] = value;
    return j.dump();
  };
  auto without = [&](const std::string& member) {
    nlohmann::json j = good;
    j.erase(member);
    return j.dump();
  };
  for (const char* m :
       {"v", "command_id", "stream", "stream_id", "type", "data", "actor", "intake_time"}) {
    bad.push_back(without(m));
  }
  for (const char* m : {"/command_id", "/stream", "/stream_id", "/type", "/intake_time",
                        "/payload_hash", "/reply_to", "/request_id", "/actor/sub", "/actor/org"}) {
    bad.push_back(with(nlohmann::json::json_pointer(m), 12));
    bad.push_back(with(nlohmann::json::json_pointer(m), nullptr));
  }
  bad.push_back(with(nlohmann::json::json_pointer("/v"), 2));
  bad.push_back(with(nlohmann::json::json_pointer("/v"), "1"));
  bad.push_back(with(nlohmann::json::json_pointer("/v"), 1.5));
  bad.push_back(with(nlohmann::json::json_pointer("/expected_version"), "3"));
  bad.push_back(with(nlohmann::json::json_pointer("/expected_version"), 3.5));
  bad.push_back(with(nlohmann::json::json_pointer("/reply_partition"), "0"));
  bad.push_back(with(nlohmann::json::json_pointer("/reply_partition"), 1LL << 40));
  bad.push_back(with(nlohmann::json::json_pointer("/actor"), "alice"));
  bad.push_back(with(nlohmann::json::json_pointer("/actor/roles"), "admin"));
  bad.push_back(with(nlohmann::json::json_pointer("/actor/roles"), {"admin", 1}));
  std::string invalid_utf8 = good.dump();
  invalid_utf8.replace(invalid_utf8.find("alice"), 1, "\xC3");
  bad.push_back(invalid_utf8);
  for (const auto& record : bad) {
    std::string error;
    EXPECT_FALSE(decode_command(record, &error)) << record;
    EXPECT_FALSE(error.empty()) << record;
  }
}

}  // namespace
}  // namespace parcours::processor
