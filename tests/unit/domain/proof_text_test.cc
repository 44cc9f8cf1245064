// Proofs of identity (JOURNEY §3.1): names compare without case, accents or punctuation; and
// client text is cut on UTF-8 boundaries only.
#include "domain/proof.h"
#include "domain/text.h"

#include <gtest/gtest.h>

namespace parcours::domain {
namespace {

TEST(ProofText, NamesFoldWithoutCaseAccentsOrPunctuation) {
  EXPECT_EQ(fold_name("Hélène"), "helene");
  EXPECT_EQ(fold_name("LE BŒUF-DÜRR"), "le boeuf durr");
  EXPECT_EQ(fold_name("  N'Diaye  "), "n diaye");
  EXPECT_EQ(fold_name("N’DIAYE"), "n diaye");
  EXPECT_EQ(fold_name("Straße"), "strasse");
  EXPECT_EQ(fold_name("Æsa Øberg"), "aesa oberg");
  EXPECT_EQ(fold_name("Jean--Pierre"), "jean pierre");
  EXPECT_EQ(fold_name("Çağla"), "cagla");
  EXPECT_EQ(fold_name("Иван"), "Иван");  // other scripts stay as they are
  EXPECT_EQ(fold_name("\xC3"), "\xC3");  // a cut character does not crash
}

TEST(ProofText, AProofMatchesThePersonItNames) {
  Person p;
  p.first_name = "Hélène";
  p.last_name = "Le Bœuf-Dürr";
  p.birth_date = *Date::parse("1977-03-14");
  p.nir = "277037512345692";
  const auto texts = proof_texts(p);
  ASSERT_EQ(texts.size(), 2u);
  auto read = [](const nlohmann::json& j) {
    FieldReader f(j);
    auto proof = read_proof(f);
    EXPECT_FALSE(f.finish());
    return proof;
  };
  auto by_name = read(
      {{"last_name", "LE BOEUF DURR"}, {"first_name", "helene"}, {"birth_date", "1977-03-14"}});
  ASSERT_TRUE(by_name);
  EXPECT_EQ(by_name->kind, ProofKind::name_and_birth_date);
  EXPECT_EQ(by_name->text, texts[1]);
  auto by_nir = read({{"nir", "277037512345692"}});
  ASSERT_TRUE(by_nir);
  EXPECT_EQ(by_nir->text, texts[0]);
  // Another birth date is another person.
  auto wrong = read(
      {{"last_name", "Le Boeuf Durr"}, {"first_name", "Helene"}, {"birth_date", "1977-03-15"}});
  ASSERT_TRUE(wrong);
  EXPECT_NE(wrong->text, texts[1]);
}

TEST(ProofText, MalformedProofsAreRefused) {
  for (const nlohmann::json& j :
       {nlohmann::json{{"nir", "12"}},
        nlohmann::json{{"nir", "277037512345692"}, {"last_name", "x"}},
        nlohmann::json{{"last_name", "-"}, {"first_name", "a"}, {"birth_date", "1977-03-14"}},
        nlohmann::json{{"last_name", "a"}, {"first_name", "b"}}}) {
    FieldReader f(j);
    auto proof = read_proof(f);
    EXPECT_TRUE(!proof || f.finish()) << j.dump();
  }
}

TEST(Utf8, CutsOnlyBetweenCharacters) {
  const std::string s = std::string(63, 'A') + "é";  // 65 bytes
  EXPECT_EQ(truncate_utf8(s, 64), std::string(63, 'A'));
  EXPECT_EQ(truncate_utf8(s, 65), s);
  EXPECT_EQ(truncate_utf8("€€", 4), "€");  // 3-byte characters
  EXPECT_EQ(truncate_utf8("😀", 3), "");    // a 4-byte character
  EXPECT_TRUE(is_utf8(truncate_utf8(s, 64)));
  EXPECT_TRUE(is_utf8("Hélène 😀"));
  EXPECT_FALSE(is_utf8("\xC3"));
  EXPECT_FALSE(is_utf8("\xC0\xAF"));      // overlong
  EXPECT_FALSE(is_utf8("\xED\xA0\x80"));  // a surrogate
}

}  // namespace
}  // namespace parcours::domain
