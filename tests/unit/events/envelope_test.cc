#include "events/envelope.h"

#include <gtest/gtest.h>

#include "events/hash_chain.h"
#include "events/schema_catalog.h"

namespace parcours::events {
namespace {

domain::RecordedEvent followup(long seq, const std::string& prev) {
  domain::RecordedEvent e;
  e.type = "followup.recorded";
  e.subject = "j-42";
  e.seq = seq;
  e.prevhash = prev;
  e.time = "2026-11-23T10:00:00.000Z";
  e.command_id = "k" + std::to_string(seq);
  e.actor = "alice";
  e.actor_org = "ft-annecy";
  e.ruleset = "iae-2021-01-01";
  e.data = {
      {"followup_id", "f" + std::to_string(seq)}, {"date", "2026-11-23"}, {"kind", "interview"}};
  return e;
}

std::vector<nlohmann::json> chain(int n) {
  std::vector<nlohmann::json> out;
  std::string prev(kZeroHash);
  for (int i = 1; i <= n; ++i) {
    auto e = followup(i, prev);
    out.push_back(seal(e, kJourneySource));
    prev = e.hash;
  }
  return out;
}

TEST(Canonical, SortsKeysAndDropsWhitespace) {
  auto j = nlohmann::json::parse(R"({ "b": 1, "a": {"d": "é", "c": [1, 2]} })");
  EXPECT_EQ(canonical(j), R"({"a":{"c":[1,2],"d":"é"},"b":1})");
}

TEST(Envelope, SealHasEveryCloudEventsMemberAndRoundTrips) {
  auto e = followup(1, std::string(kZeroHash));
  auto env = seal(e, kJourneySource);
  EXPECT_EQ(env["specversion"], "1.0");
  EXPECT_EQ(env["id"], "j-42.1");
  EXPECT_EQ(env["subject"], "j-42");
  EXPECT_EQ(env["dataschema"], "urn:parcours:event:followup.recorded:v1");
  EXPECT_EQ(env["hash"], e.hash);
  EXPECT_EQ(env["hash"], compute_hash(env));
  EXPECT_TRUE(SchemaCatalog::standard().validate(env).empty());
  auto back = decode_record(env.dump());
  ASSERT_TRUE(back);
  EXPECT_EQ(back->hash, e.hash);
  EXPECT_EQ(back->seq, 1);
  EXPECT_EQ(to_envelope(*back, kJourneySource), env);
}

TEST(Envelope, DecodeRefusesBrokenEnvelopes) {
  DecodeError err;
  EXPECT_FALSE(decode_record("not json", &err));
  EXPECT_FALSE(decode_record("[]", &err));
  auto env = chain(1)[0];
  env.erase("seq");
  EXPECT_FALSE(decode_record(env.dump(), &err));
  EXPECT_NE(err.what.find("seq"), std::string::npos);
  env = chain(1)[0];
  env["specversion"] = "0.3";
  EXPECT_FALSE(decode_record(env.dump(), &err));
}

TEST(HashChain, AnIntactChainVerifies) {
  ChainVerifier v;
  for (const auto& env : chain(5)) EXPECT_FALSE(v.add(env));
  EXPECT_EQ(v.events(), 5);
  EXPECT_EQ(v.head_hash(), chain(5).back()["hash"]);
}

TEST(HashChain, DetectsATamperedEvent) {
  auto c = chain(4);
  c[2]["data"]["kind"] = "referral";  // content changed, hash kept
  ChainVerifier v;
  std::vector<ChainBreak> breaks;
  for (const auto& env : c) {
    if (auto b = v.add(env)) breaks.push_back(*b);
  }
  ASSERT_EQ(breaks.size(), 1u);
  EXPECT_EQ(breaks[0].seq, 3);
  EXPECT_EQ(breaks[0].kind, "hash_mismatch");
}

TEST(HashChain, DetectsAReHashedForgery) {
  // A forger who recomputes the hash of the altered event still breaks the next prevhash.
  auto c = chain(4);
  c[1]["data"]["kind"] = "referral";
  c[1]["hash"] = compute_hash(c[1]);
  ChainVerifier v;
  std::vector<ChainBreak> breaks;
  for (const auto& env : c) {
    if (auto b = v.add(env)) breaks.push_back(*b);
  }
  ASSERT_EQ(breaks.size(), 1u);
  EXPECT_EQ(breaks[0].seq, 3);
  EXPECT_EQ(breaks[0].kind, "prevhash_mismatch");
}

TEST(HashChain, DetectsASeqGap) {
  auto c = chain(4);
  c.erase(c.begin() + 1);
  ChainVerifier v;
  std::vector<ChainBreak> breaks;
  for (const auto& env : c) {
    if (auto b = v.add(env)) breaks.push_back(*b);
  }
  ASSERT_GE(breaks.size(), 1u);
  EXPECT_EQ(breaks[0].kind, "seq_gap");
  EXPECT_EQ(breaks[0].seq, 3);
}

TEST(Schemas, EveryFileCompilesAndTypesAreListed) {
  const auto& cat = SchemaCatalog::standard();
  EXPECT_TRUE(cat.has("journey.opened"));
  EXPECT_TRUE(cat.has("followup.recorded"));
  EXPECT_FALSE(cat.has("nothing.happened"));
  EXPECT_FALSE(cat.validate_data("nothing.happened", nlohmann::json::object()).empty());
}

TEST(Schemas, RejectWhatTheCatalogueForbids) {
  auto env = chain(1)[0];
  env["data"]["kind"] = "coffee";
  EXPECT_FALSE(SchemaCatalog::standard().validate(env).empty());
  env = chain(1)[0];
  env["data"]["date"] = "2025-02-30";
  EXPECT_FALSE(SchemaCatalog::standard().validate(env).empty());
  env = chain(1)[0];
  env["unexpected"] = true;
  EXPECT_FALSE(SchemaCatalog::standard().validate(env).empty());
}

// A date is a day of the calendar: the compiled schemas check it without valijson's format.
TEST(Schemas, DatesAreCalendarDays) {
  auto with_date = [](const std::string& date) {
    auto env = chain(1)[0];
    env["data"]["date"] = date;
    return SchemaCatalog::standard().validate(env).empty();
  };
  for (const char* ok : {"2026-11-23", "2024-02-29", "2000-02-29", "1904-02-29", "2026-01-31",
                         "2026-04-30", "2026-12-31", "1900-01-01", "2199-12-31"}) {
    EXPECT_TRUE(with_date(ok)) << ok;
  }
  for (const char* bad : {"2025-02-30", "2025-02-29", "1900-02-29", "2100-02-29", "2026-04-31",
                          "2026-13-01", "2026-00-10", "2026-01-00", "2026-1-01", "1899-12-31",
                          "2200-01-01", "2026-11-23T00:00:00Z", " 2026-11-23"}) {
    EXPECT_FALSE(with_date(bad)) << bad;
  }
}

}  // namespace
}  // namespace parcours::events

#include "events/fast_decode.h"

namespace parcours::events {
namespace {

TEST(FastDecode, GivesWhatTheReferenceDecoderGives) {
  for (const auto& env : chain(3)) {
    nlohmann::json e = env;
    e["data"]["nested"] = {{"list", {1, -2, "x", nullptr, true}}, {"big", 18446744073709551615ULL}};
    e["data"]["text"] = "é \"quoted\" \\n";
    const std::string text = e.dump();
    auto slow = decode_record(text);
    auto fast = decode_record_fast(text);
    ASSERT_TRUE(slow && fast);
    EXPECT_EQ(to_envelope(*slow, kJourneySource), to_envelope(*fast, kJourneySource));
  }
  DecodeError err;
  EXPECT_FALSE(decode_record_fast("{", &err));
  EXPECT_FALSE(decode_record_fast("[]", &err));
  auto broken = chain(1)[0];
  broken["seq"] = 0;
  EXPECT_FALSE(decode_record_fast(broken.dump(), &err));
  broken = chain(1)[0];
  broken.erase("data");
  EXPECT_FALSE(decode_record_fast(broken.dump(), &err));
  EXPECT_EQ(err.what, "member 'data' missing or not an object");
  for (const char* member : {"specversion", "subject", "ruleset"}) {
    broken = chain(1)[0];
    broken[member] = 7;
    EXPECT_FALSE(decode_record_fast(broken.dump(), &err));
    EXPECT_EQ(err.what, std::string("member '") + member + "' missing or not a string");
  }
}

TEST(FastDecode, ARepeatedMemberIsReadFromItsFirstOccurrence) {
  nlohmann::json e = chain(1)[0];
  std::string text = e.dump();
  text.insert(text.size() - 1, R"(,"subject":"other","seq":99)");
  auto fast = decode_record_fast(text);
  ASSERT_TRUE(fast);
  EXPECT_EQ(fast->subject, e["subject"].get<std::string>());
  EXPECT_EQ(fast->seq, e["seq"].get<long>());
}

}  // namespace
}  // namespace parcours::events
