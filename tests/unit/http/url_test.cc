#include "http/url.h"

#include <gtest/gtest.h>

namespace parcours::http {
namespace {

TEST(PercentDecode, DecodesHexPairsInEitherCase) {
  EXPECT_EQ(percent_decode("a%20b%2fc%2Fd"), "a b/c/d");
  EXPECT_EQ(percent_decode("%C3%A9t%c3%a9"), "\xC3\xA9t\xC3\xA9");
  EXPECT_EQ(percent_decode(""), "");
}

TEST(PercentDecode, PlusIsASpaceOnlyWhenAsked) {
  EXPECT_EQ(percent_decode("a+b"), "a+b");
  EXPECT_EQ(percent_decode("a+b%2B", PlusMeans::kSpace), "a b+");
}

TEST(PercentDecode, RefusesTruncatedOrNonHexEscapesAndNul) {
  EXPECT_EQ(percent_decode("%"), std::nullopt);
  EXPECT_EQ(percent_decode("abc%4"), std::nullopt);
  EXPECT_EQ(percent_decode("%zz"), std::nullopt);
  EXPECT_EQ(percent_decode("%4g"), std::nullopt);
  EXPECT_EQ(percent_decode("a%00b"), std::nullopt);
  EXPECT_EQ(percent_decode(std::string_view("a\0b", 3)), std::nullopt);
}

TEST(ParseTarget, SplitsAndDecodesPathAndQuery) {
  const auto t = parse_target("/v1/journeys/j%2D1?as_of=2024-01-01&q=a+b%26c&flag&&x=1&x=2");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->path, "/v1/journeys/j-1");
  const std::map<std::string, std::string> expected = {
      {"as_of", "2024-01-01"}, {"q", "a b&c"}, {"flag", ""}, {"x", "2"}};
  EXPECT_EQ(t->query, expected);
}

TEST(ParseTarget, KeepsPlusInPathAndIgnoresFragment) {
  const auto t = parse_target("/a+b?k=v#frag");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->path, "/a+b");
  EXPECT_EQ(t->query.at("k"), "v");
}

TEST(ParseTarget, DecodesQueryNamesAndEmptyValues) {
  const auto t = parse_target("/?na%6De=&=v");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->path, "/");
  EXPECT_EQ(t->query.at("name"), "");
  EXPECT_EQ(t->query.at(""), "v");
}

TEST(ParseTarget, AcceptsAbsoluteForm) {
  auto t = parse_target("http://example.org:8080/v1/x?y=1");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->path, "/v1/x");
  EXPECT_EQ(t->query.at("y"), "1");
  t = parse_target("HTTPS://example.org");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->path, "/");
  t = parse_target("http://example.org?y=2");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->path, "/");
  EXPECT_EQ(t->query.at("y"), "2");
}

TEST(ParseTarget, RefusesOtherFormsAndBadEscapes) {
  EXPECT_EQ(parse_target(""), std::nullopt);
  EXPECT_EQ(parse_target("*"), std::nullopt);
  EXPECT_EQ(parse_target("v1/x"), std::nullopt);
  EXPECT_EQ(parse_target("/a%2"), std::nullopt);
  EXPECT_EQ(parse_target("/a?b=%G1"), std::nullopt);
  EXPECT_EQ(parse_target("/a?%zz=1"), std::nullopt);
  EXPECT_EQ(parse_target("/a%00"), std::nullopt);
}

}  // namespace
}  // namespace parcours::http
