#include "crypto/sha256.h"

#include <gtest/gtest.h>

#include <string>

namespace parcours::crypto {
namespace {

// FIPS 180-2 test vectors: the hash chain's values must not depend on the library computing them.
TEST(Sha256, KnownVectors) {
  EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  EXPECT_EQ(sha256_hex(std::string(1000000, 'a')),
            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST(Sha256, PiecesHashLikeTheirConcatenation) {
  const std::string text = "Parcours: une étape après l'autre, " + std::string(300, 'x');
  Sha256 h;
  for (std::size_t at = 0; at < text.size(); at += 7)
    h.update(std::string_view(text).substr(at, 7));
  EXPECT_EQ(h.hex(), sha256_hex(text));
  Sha256 empty;
  EXPECT_EQ(empty.hex(), sha256_hex(""));
}

}  // namespace
}  // namespace parcours::crypto
