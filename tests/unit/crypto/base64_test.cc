// unbase64_public against libsodium's decoder: the same bytes for every text sodium accepts,
// and a refusal for every text it refuses (bad characters, bad length, misplaced padding,
// padding that drops bits which are not zero).
#include <gtest/gtest.h>

#include <random>

#include "crypto/identity_cipher.h"

namespace parcours::crypto {
namespace {

void expect_as_sodium(std::string_view text) {
  ensure_sodium();
  const auto reference = unbase64(text);
  const auto fast = unbase64_public(text);
  ASSERT_EQ(fast.has_value(), reference.has_value()) << "'" << text << "'";
  if (reference) {
    ASSERT_EQ(*fast, *reference) << "'" << text << "'";
  }
}

TEST(Base64, DecodesWhatEncodingGivesForEveryLength) {
  std::mt19937 rng(7);
  for (std::size_t size = 0; size < 80; ++size) {
    std::string bytes(size, '\0');
    for (auto& b : bytes) b = static_cast<char>(rng());
    const std::string text = base64(reinterpret_cast<const unsigned char*>(bytes.data()), size);
    const auto decoded = unbase64_public(text);
    ASSERT_TRUE(decoded.has_value()) << text;
    EXPECT_EQ(*decoded, bytes);
    expect_as_sodium(text);
  }
}

TEST(Base64, RefusesWhatSodiumRefuses) {
  for (const char* text :
       {"",     "=",        "==",   "===",   "====", "A",    "AA",       "AAA",
        "AA=",  "A===",     "AB==", "AQ==",  "AAB=", "AAE=", "AA==AA==", "AA=A",
        "A=AA", "AAAA====", " AAA", "AAA\n", "AA-_", "QUJD", "QUI=",     "QQ=="}) {
    expect_as_sodium(text);
  }
}

TEST(Base64, AgreesWithSodiumOnRandomTexts) {
  std::mt19937 rng(11);
  const std::string chars =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=== -_\n.";
  for (int i = 0; i < 20000; ++i) {
    std::string text(std::uniform_int_distribution<std::size_t>(0, 13)(rng), 'A');
    for (auto& c : text)
      c = chars[std::uniform_int_distribution<std::size_t>(0, chars.size() - 1)(rng)];
    expect_as_sodium(text);
  }
}

// libsodium 1.0.18 reads some bytes above 0x7f as '/' (its constant-time mapping is made for
// ASCII); no base64 text holds one, and they are refused here.
TEST(Base64, RefusesBytesOutsideAscii) {
  for (int c = 0x80; c < 0x100; ++c) {
    std::string text = "AAAA";
    text[1] = static_cast<char>(c);
    EXPECT_FALSE(unbase64_public(text).has_value()) << c;
  }
}

}  // namespace
}  // namespace parcours::crypto
