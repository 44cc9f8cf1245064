// The direct writer of sealed envelopes gives byte for byte what seal() and canonical() give.
#include "events/envelope_writer.h"

#include <gtest/gtest.h>

#include <random>

#include "events/envelope.h"

namespace parcours::events {
namespace {

domain::RecordedEvent event() {
  domain::RecordedEvent e;
  e.type = "followup.recorded";
  e.subject = "j-42";
  e.seq = 7;
  e.prevhash = std::string(kZeroHash);
  e.time = "2026-11-23T10:00:00.000Z";
  e.command_id = "k7";
  e.actor = "alice";
  e.actor_org = "ft-annecy";
  e.ruleset = "iae-2021-01-01";
  e.data = {{"followup_id", "f7"}, {"date", "2026-11-23"}, {"kind", "interview"}};
  return e;
}

void expect_same_as_seal(domain::RecordedEvent e, std::string_view source) {
  domain::RecordedEvent by_tree = e;
  const std::string expected = canonical(seal(by_tree, source));
  const std::string written = seal_to_text(e, source);
  EXPECT_EQ(written, expected);
  EXPECT_EQ(e.hash, by_tree.hash);
  EXPECT_EQ(e.id, by_tree.id);
  // And the hash is the one a reader recomputes from the record.
  EXPECT_EQ(compute_hash(nlohmann::json::parse(written)), e.hash);
}

TEST(EnvelopeWriter, WritesWhatSealWrites) {
  expect_same_as_seal(event(), kJourneySource);
  auto org = event();
  org.type = "org.registered";
  org.actor_org = "";
  expect_same_as_seal(org, kOrgSource);
}

TEST(EnvelopeWriter, EscapesAndNonAsciiAsCanonicalDoes) {
  auto e = event();
  e.actor = "Zoé \"le\" \\ chef\n\t\x01";
  e.command_id = "clé-😀";
  e.data["note"] = "ligne 1\r\nligne 2 \x1f é";
  expect_same_as_seal(e, kJourneySource);
}

TEST(EnvelopeWriter, InvalidUtf8IsReplacedAsCanonicalDoes) {
  auto e = event();
  e.actor = std::string("bad \xC3 byte \xFF\xFE end");
  e.command_id = std::string("\xE2\x82", 2);
  e.data["note"] = std::string("\xF0\x9F\x98", 3);
  expect_same_as_seal(e, kJourneySource);
}

TEST(EnvelopeWriter, RandomBytesInEveryTextField) {
  std::mt19937 rng(20261203);
  auto text = [&] {
    std::string s(rng() % 12, '\0');
    for (auto& c : s) c = static_cast<char>(rng() % 256);
    return s;
  };
  for (int i = 0; i < 500; ++i) {
    auto e = event();
    e.actor = text();
    e.actor_org = text();
    e.command_id = text();
    e.subject = text();
    e.prevhash = text();
    e.ruleset = text();
    e.time = text();
    e.type = text();
    e.seq = static_cast<long>(rng());
    e.data = {{text(), text()}};
    expect_same_as_seal(e, kJourneySource);
  }
}

TEST(EnvelopeWriter, AppendsPlainStringsAsTheyAre) {
  std::string out = "x";
  append_json_string(out, "abc-123_Z");
  EXPECT_EQ(out, "x\"abc-123_Z\"");
}

TEST(EnvelopeWriter, CanonicalObjectIsCanonicalOfTheSameTree) {
  std::string out;
  CanonicalObject(out)
      .raw("a", R"({"x":[1,2]})")
      .string("b", "é\n")
      .number("c", -42)
      .string("d", "")
      .close();
  EXPECT_EQ(out, canonical({{"a", {{"x", {1, 2}}}}, {"b", "é\n"}, {"c", -42}, {"d", ""}}));
  std::string empty;
  CanonicalObject(empty).close();
  EXPECT_EQ(empty, "{}");
}

}  // namespace
}  // namespace parcours::events
