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
  // One id, two keys: which wrapped a stored key could not be told.
  const auto a = MasterKeyRing::generate("m1");
  const auto b = MasterKeyRing::generate("m1");
  EXPECT_FALSE(MasterKeyRing::parse(a.spec() + "," + b.spec(), &err));
  EXPECT_NE(err.find("twice"), std::string::npos);
}

TEST(MasterKeys, SubkeysPerUseNeverTheMasterItself) {
  const auto ring = MasterKeyRing::generate("m1");
  const DataKey& master = *ring.find("m1");
  const DataKey& wrap = *ring.wrap_key("m1");
  const DataKey& fingerprint = ring.fingerprint_key();
  const DataKey& lookup = *ring.lookup_keys().front();
  EXPECT_NE(wrap, master);
  EXPECT_NE(fingerprint, master);
  EXPECT_NE(lookup, master);
  EXPECT_NE(wrap, fingerprint);
  EXPECT_NE(wrap, lookup);
  EXPECT_NE(fingerprint, lookup);
  // Deterministic: the same master gives the same subkeys in another process.
  std::string err;
  auto again = MasterKeyRing::parse(ring.spec(), &err);
  ASSERT_TRUE(again) << err;
  EXPECT_EQ(*again->wrap_key("m1"), wrap);
  EXPECT_EQ(keyed_hash_hex("x", *again), keyed_hash_hex("x", ring));
}

TEST(MasterKeys, KeysWrappedBeforeSubkeysStillUnwrap) {
  // A record without "v" was wrapped with the master key itself.
  const auto ring = MasterKeyRing::generate("m1");
  const DataKey k = new_data_key();
  auto wrapped = wrap_data_key(k, "j-1", ring);
  EXPECT_EQ(wrapped["v"], 2);
  EXPECT_EQ(unwrap_data_key(wrapped, "j-1", ring), k);
  wrapped.erase("v");  // now claims the old scheme: the master key cannot open it
  EXPECT_FALSE(unwrap_data_key(wrapped, "j-1", ring));
}

TEST(ProofHashes, MatchOnlyTheSameTextUnderTheSameKey) {
  const auto ring = MasterKeyRing::generate("m1");
  const DataKey& key = *ring.lookup_keys().front();
  const std::vector<std::string> texts = {"nir:190047512345623",
                                          "name:martin\x1f"
                                          "camille\x1f"
                                          "1990-04-02"};
  EXPECT_TRUE(proof_matches("nir:190047512345623", texts, key));
  EXPECT_TRUE(proof_matches(texts[1], texts, key));
  EXPECT_FALSE(proof_matches("nir:190047512345624", texts, key));
  EXPECT_FALSE(proof_matches("", texts, key));
  EXPECT_EQ(lookup_hash_hex(texts[0], key), lookup_hash_hex(texts[0], key));
  EXPECT_NE(lookup_hash_hex(texts[0], key),
            lookup_hash_hex(texts[0], *MasterKeyRing::generate("m2").lookup_keys().front()));
  EXPECT_EQ(lookup_hash_hex(texts[0], key).find("1900475"), std::string::npos);
}

}  // namespace
}  // namespace parcours::crypto
