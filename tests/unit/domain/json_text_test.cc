// append_json_text writes what dump(-1, ' ', false, replace) writes, on every kind of value:
// the events' canonical text and their hashes depend on it.
#include "domain/json_text.h"

#include <gtest/gtest.h>

#include <random>

namespace parcours::domain {
namespace {

using nlohmann::json;

std::string dumped(const json& v) {
  return v.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string written(const json& v) {
  std::string out = "prefix:";  // appends, never replaces
  append_json_text(out, v);
  return out;
}

TEST(JsonText, WritesWhatDumpWritesForEachKindOfValue) {
  const std::vector<json> values = {
      nullptr,
      true,
      false,
      0,
      -1,
      std::numeric_limits<std::int64_t>::min(),
      std::numeric_limits<std::uint64_t>::max(),
      1.5,
      -0.0,
      1e300,
      std::numeric_limits<double>::infinity(),
      "",
      "plain text 123 ~\x7f",
      "quote \" backslash \\ slash /",
      "controls \b\f\n\r\t \x01 \x1f",
      "accents: Évry, Annecy-le-Vieux, ŒUVRE, 日本",
      "invalid UTF-8: \xff\xfe and a cut \xc3",
      json::array(),
      json::object(),
      json::binary({1, 2, 3}),
      {{"b", 1}, {"a", {{"z", nullptr}, {"\xc3\xa9t\xc3\xa9", "x"}}}, {"c", json::array({1, "2"})}},
  };
  for (const auto& v : values) EXPECT_EQ(written(v), "prefix:" + dumped(v)) << dumped(v);
}

// Random trees of every kind, strings drawn from bytes that need no escape, need one, or are
// not UTF-8 at all.
json random_value(std::mt19937& rng, int depth) {
  auto pick = [&](int n) { return std::uniform_int_distribution<int>(0, n - 1)(rng); };
  auto random_string = [&] {
    static const std::string kBytes =
        "abcXYZ019 -_.:/@~\x7f\"\\\b\f\n\r\t\x01\x1f\xc3\xa9\xe2\x82\xac\xff\x80";
    std::string s;
    for (int i = pick(12); i > 0; --i)
      s.push_back(kBytes[static_cast<std::size_t>(pick(static_cast<int>(kBytes.size())))]);
    return s;
  };
  switch (depth > 3 ? pick(6) : pick(8)) {
    case 0:
      return nullptr;
    case 1:
      return pick(2) == 1;
    case 2:
      return std::uniform_int_distribution<std::int64_t>()(rng);
    case 3:
      return static_cast<double>(pick(1000000)) / 7.0;
    case 4:
    case 5:
      return random_string();
    case 6: {
      json a = json::array();
      for (int i = pick(5); i > 0; --i) a.push_back(random_value(rng, depth + 1));
      return a;
    }
    default: {
      json o = json::object();
      for (int i = pick(5); i > 0; --i) o[random_string()] = random_value(rng, depth + 1);
      return o;
    }
  }
}

TEST(JsonText, WritesWhatDumpWritesForRandomTrees) {
  std::mt19937 rng(20261206);
  for (int i = 0; i < 3000; ++i) {
    const json v = random_value(rng, 0);
    ASSERT_EQ(written(v), "prefix:" + dumped(v)) << i;
  }
}

// Every byte value at every place of every length up to 40: the short strings' words (one to
// three bytes, four to seven, eight to fifteen), the 16-byte blocks and the tail after them.
TEST(JsonText, APlainStringHasNoByteToEscapeOrCheck) {
  auto expected = [](unsigned char c) { return c >= 0x20 && c < 0x80 && c != '"' && c != '\\'; };
  EXPECT_TRUE(json_plain(""));
  EXPECT_TRUE(json_plain(std::string(100, 'A')));
  for (int c = 0; c < 256; ++c) {
    for (std::size_t length = 1; length <= 40; ++length) {
      for (std::size_t at = 0; at < length; ++at) {
        std::string s(length, 'x');
        s[at] = static_cast<char>(c);
        ASSERT_EQ(json_plain(s), expected(static_cast<unsigned char>(c)))
            << "byte " << c << " at " << at << " of " << length;
      }
    }
  }
}

}  // namespace
}  // namespace parcours::domain
