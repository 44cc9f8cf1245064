#include "crypto/identity_cipher.h"

#include <gtest/gtest.h>

namespace parcours::crypto {
namespace {

const nlohmann::json kPerson = {
    {"first_name", "Camille"}, {"last_name", "Martin"}, {"birth_date", "1990-04-02"}};

TEST(IdentityCipher, SealsAndOpensWithTheJourneyKey) {
  const DataKey k = new_data_key();
  auto sealed = seal_identity(kPerson, k, "j-1");
  EXPECT_EQ(sealed.dump().find("Camille"), std::string::npos);
  auto opened = open_identity(sealed, k, "j-1");
  ASSERT_TRUE(opened);
  EXPECT_EQ(*opened, kPerson);
}

TEST(IdentityCipher, AnotherKeyOrAnotherJourneyCannotOpen) {
  const DataKey k = new_data_key();
  auto sealed = seal_identity(kPerson, k, "j-1");
  EXPECT_FALSE(open_identity(sealed, new_data_key(), "j-1"));
  EXPECT_FALSE(open_identity(sealed, k, "j-2"));  // moved to another journey
  sealed["ciphertext"] = "AAAA" + sealed["ciphertext"].get<std::string>().substr(4);
  EXPECT_FALSE(open_identity(sealed, k, "j-1"));
}

TEST(MasterKeys, WrapUnwrapAndRotate) {
  auto old_ring = MasterKeyRing::generate("m1");
  const DataKey k = new_data_key();
  auto wrapped = wrap_data_key(k, "j-1", old_ring);
  EXPECT_EQ(wrapped["kid"], "m1");
  EXPECT_EQ(unwrap_data_key(wrapped, "j-1", old_ring), k);
  EXPECT_FALSE(unwrap_data_key(wrapped, "j-2", old_ring));

  // Rotation: a new current key, the old one kept to unwrap what it wrapped.
  auto fresh = MasterKeyRing::generate("m2");
  std::string err;
  auto ring = MasterKeyRing::parse(fresh.spec() + "," + old_ring.spec(), &err);
  ASSERT_TRUE(ring) << err;
  EXPECT_EQ(ring->current_kid(), "m2");
  EXPECT_EQ(unwrap_data_key(wrapped, "j-1", *ring), k);
  EXPECT_EQ(wrap_data_key(k, "j-1", *ring)["kid"], "m2");
  // Without the old key, the old wrapping is unreadable.
  EXPECT_FALSE(unwrap_data_key(wrapped, "j-1", fresh));
}

TEST(MasterKeys, ParseRefusesBadSpecs) {
  std::string err;
  EXPECT_FALSE(MasterKeyRing::parse("", &err));
  EXPECT_FALSE(MasterKeyRing::parse("m1", &err));
  EXPECT_FALSE(MasterKeyRing::parse("m1:c2hvcnQ=", &err));  // "short"
  EXPECT_NE(err.find("32 bytes"), std::string::npos);
}

}  // namespace
}  // namespace parcours::crypto
