// Free text sealed in transit and in events (JOURNEY §6; domain/free_text.h).
#include "crypto/free_text_cipher.h"

#include <gtest/gtest.h>

namespace parcours::crypto {
namespace {

TEST(FreeText, SealedForTheTripAndOpenedBack) {
  const auto ring = MasterKeyRing::generate("m1");
  nlohmann::json data = {{"followup_id", "f1"}, {"kind", "interview"}, {"notes", "Mme X. a peur"}};
  const nlohmann::json clear = data;
  const auto wrapped = seal_command_free_text("RecordFollowUp", data, "j-1", ring);
  ASSERT_FALSE(wrapped.is_null());
  EXPECT_EQ(data.dump().find("peur"), std::string::npos);
  EXPECT_EQ(data["kind"], "interview");  // codes stay in clear
  nlohmann::json opened = data;
  ASSERT_TRUE(open_command_free_text("RecordFollowUp", opened, wrapped, "j-1", ring));
  EXPECT_EQ(opened, clear);
  // Bound to its journey; refused without its key.
  nlohmann::json moved = data;
  EXPECT_FALSE(open_command_free_text("RecordFollowUp", moved, wrapped, "j-2", ring));
  nlohmann::json keyless = data;
  EXPECT_FALSE(open_command_free_text("RecordFollowUp", keyless, nullptr, "j-1", ring));
  // A command without free text needs no key.
  nlohmann::json plain = {{"candidature_id", "c1"}};
  EXPECT_TRUE(seal_command_free_text("ProcessCandidature", plain, "j-1", ring).is_null());
  EXPECT_TRUE(open_command_free_text("ProcessCandidature", plain, nullptr, "j-1", ring));
}

TEST(FreeText, EventFieldsSealedWithTheJourneyKey) {
  const DataKey k = new_data_key();
  nlohmann::json data = {{"candidature_id", "c1"}, {"reason", "other"}, {"detail", "casier"}};
  seal_event_free_text("candidature.refused", data, k, "j-1");
  EXPECT_EQ(data["reason"], "other");
  ASSERT_TRUE(is_sealed(data["detail"]));
  EXPECT_EQ(open_free_text(data["detail"], k, "j-1"), nlohmann::json("casier"));
  EXPECT_FALSE(open_free_text(data["detail"], new_data_key(), "j-1"));  // erased: gone
  // A clear string of an older event is read as it is.
  EXPECT_EQ(open_free_text("older", k, "j-1"), nlohmann::json("older"));
}

}  // namespace
}  // namespace parcours::crypto
