// Opening what the rules need (processor/open_for_rules.h) and sealing it again
// (processor/seal_events.h): OpenJourney records the person as the API sealed it when the rules
// keep it, and a journey's person is opened once while its sealed identity stays the same.
#include "processor/open_for_rules.h"

#include <gtest/gtest.h>

#include "domain/identity.h"
#include "events/envelope.h"
#include "processor/seal_events.h"

namespace parcours::processor {
namespace {

const std::string kId = "j-open-1";

nlohmann::json person() {
  return {{"first_name", "Camille"}, {"last_name", "Martin"}, {"birth_date", "1990-04-02"}};
}

class OpenForRulesTest : public ::testing::Test {
 protected:
  OpenForRulesTest() : ring_(crypto::MasterKeyRing::generate("t")), key_(crypto::new_data_key()) {}

  // OpenJourney as the API writes it: the person sealed with a fresh key, the key wrapped.
  CommandRecord open_journey() const {
    CommandRecord c;
    c.command_id = "k-1";
    c.stream = "journey";
    c.stream_id = kId;
    c.type = "OpenJourney";
    c.data = {{"person", crypto::seal_identity(person(), key_, kId)}, {"department", "74"}};
    c.wrapped_key = crypto::wrap_data_key(key_, kId, ring_);
    return c;
  }

  // The identity recorded by sealing a journey.opened event whose identity is `identity`.
  nlohmann::json recorded_identity(const CommandRecord& cmd, const Opened& opened,
                                   const nlohmann::json& identity) const {
    domain::Decision d{{{"journey.opened",
                         {{"identity", identity},
                          {"department", "74"},
                          {"opened_on", "2026-12-05"},
                          {"opened_by_kind", "admin"}}}},
                       "iae-2021-09-03"};
    domain::JourneyState state;
    state.journey_id = kId;
    const std::string topic = "events";
    const std::string time = "2026-12-05T10:00:00Z";
    auto sealed = seal_journey(cmd, d, state, opened, 0, {topic, time}, "keys");
    auto record = nlohmann::json::parse(*sealed.records.front().value);
    return record.at("data").at("identity");
  }

  crypto::MasterKeyRing ring_;
  crypto::DataKey key_;
};

TEST_F(OpenForRulesTest, APersonTheRulesKeepIsRecordedAsTheApiSealedIt) {
  const CommandRecord cmd = open_journey();
  domain::Command dc{cmd.type, cmd.data, cmd.command_id, cmd.stream_id, std::nullopt};
  domain::DecisionContext ctx;
  auto opened = open_for_rules(
      cmd, {}, ring_, [] { return std::nullopt; }, dc, ctx);
  ASSERT_TRUE(opened.ok());
  EXPECT_EQ(dc.data.at("person"), person());  // the rules see it in clear
  // The opening rules record the person as domain::to_json writes it: the person the API
  // sealed, unchanged.
  const auto as_decided = domain::to_json(*domain::person_from_json(person()));
  EXPECT_EQ(as_decided, person());
  EXPECT_EQ(recorded_identity(cmd, *opened, as_decided), cmd.data.at("person"));
  // A person the rules changed is sealed anew, and opens to what they decided.
  nlohmann::json changed = person();
  changed["last_name"] = "MARTIN";
  const auto resealed = recorded_identity(cmd, *opened, changed);
  EXPECT_NE(resealed, cmd.data.at("person"));
  EXPECT_EQ(crypto::open_identity(resealed, key_, kId), changed);
}

TEST_F(OpenForRulesTest, APersonIsOpenedOnceWhileItsSealedIdentityStays) {
  domain::JourneyState state;
  state.journey_id = kId;
  state.version = 1;
  state.identity = crypto::seal_identity(person(), key_, kId);
  CommandRecord cmd;
  cmd.command_id = "k-2";
  cmd.stream = "journey";
  cmd.stream_id = kId;
  cmd.type = "RecordFollowUp";
  cmd.data = {{"followup_id", "f1"}, {"date", "2026-12-05"}, {"kind", "interview"}};
  common::Lru<RulesIdentity> identities(10);
  auto decide_context = [&] {
    domain::Command dc{cmd.type, cmd.data, cmd.command_id, cmd.stream_id, std::nullopt};
    domain::DecisionContext ctx;
    auto opened = open_for_rules(
        cmd, state, ring_, [&] { return key_; }, dc, ctx, &identities);
    EXPECT_TRUE(opened.ok());
    return ctx;
  };
  auto ctx = decide_context();
  ASSERT_TRUE(ctx.birth_date);
  EXPECT_EQ(ctx.birth_date->str(), "1990-04-02");
  ASSERT_TRUE(identities.get(kId));
  // The entry is what the rules read while the sealed identity is the same text: one made up
  // here shows it is read rather than the identity opened again.
  identities.get(kId)->birth_date = *domain::Date::parse("2001-01-01");
  EXPECT_EQ(decide_context().birth_date->str(), "2001-01-01");
  // Another sealed identity (the same person sealed again) is opened anew.
  state.identity = crypto::seal_identity(person(), key_, kId);
  EXPECT_EQ(decide_context().birth_date->str(), "1990-04-02");
  // An erased journey has no identity: the rules get none, whatever the cache holds.
  state.identity = nullptr;
  EXPECT_FALSE(decide_context().birth_date);
}

TEST_F(OpenForRulesTest, OpeningAJourneyKeepsWhatTheRulesReadOfItsPerson) {
  const CommandRecord cmd = open_journey();
  common::Lru<RulesIdentity> identities(10);
  domain::Command dc{cmd.type, cmd.data, cmd.command_id, cmd.stream_id, std::nullopt};
  domain::DecisionContext ctx;
  auto opened = open_for_rules(
      cmd, {}, ring_, [] { return std::nullopt; }, dc, ctx, &identities);
  ASSERT_TRUE(opened.ok());
  // Kept under the text the API sealed, which the journey records when the rules keep the
  // person (the first test): the journey's next command reads it without opening it.
  const RulesIdentity* kept = identities.get(kId);
  ASSERT_TRUE(kept);
  EXPECT_EQ(kept->sealed, cmd.data.at("person"));
  EXPECT_EQ(kept->birth_date.str(), "1990-04-02");
  EXPECT_EQ(kept->proof_texts, domain::proof_texts(*domain::person_from_json(person())));
  // The keys topic's record carries one lookup hash per proof.
  EXPECT_EQ(opened->wrapped_record->at("lookup").size(), kept->proof_texts.size());

  domain::JourneyState state;
  state.journey_id = kId;
  state.version = 1;
  state.identity = cmd.data.at("person");
  CommandRecord next;
  next.command_id = "k-2";
  next.stream = "journey";
  next.stream_id = kId;
  next.type = "RecordFollowUp";
  next.data = {{"followup_id", "f1"}, {"date", "2026-12-05"}, {"kind", "interview"}};
  identities.get(kId)->birth_date = *domain::Date::parse("2001-01-01");  // read, not reopened
  domain::Command dc2{next.type, next.data, next.command_id, next.stream_id, std::nullopt};
  domain::DecisionContext ctx2;
  ASSERT_TRUE(open_for_rules(
                  next, state, ring_, [&] { return key_; }, dc2, ctx2, &identities)
                  .ok());
  EXPECT_EQ(ctx2.birth_date->str(), "2001-01-01");
  // Recorded as sealed anew (the rules changed the person): opened again, not read.
  state.identity = crypto::seal_identity(person(), key_, kId);
  domain::DecisionContext ctx3;
  domain::Command dc3{next.type, next.data, next.command_id, next.stream_id, std::nullopt};
  ASSERT_TRUE(open_for_rules(
                  next, state, ring_, [&] { return key_; }, dc3, ctx3, &identities)
                  .ok());
  EXPECT_EQ(ctx3.birth_date->str(), "1990-04-02");
}

TEST_F(OpenForRulesTest, TheReplyBodyIsCanonicalJsonOfTheAppendedEvents) {
  const CommandRecord cmd = open_journey();
  domain::Command dc{cmd.type, cmd.data, cmd.command_id, cmd.stream_id, std::nullopt};
  domain::DecisionContext ctx;
  auto opened = open_for_rules(
      cmd, {}, ring_, [] { return std::nullopt; }, dc, ctx);
  ASSERT_TRUE(opened.ok());
  domain::Decision d{{{"journey.opened",
                       {{"identity", person()},
                        {"department", "74"},
                        {"opened_on", "2026-12-05"},
                        {"opened_by_kind", "admin"}}},
                      {"followup.recorded",
                       {{"followup_id", "f\"1"}, {"date", "2026-12-05"}, {"kind", "interview"}}}},
                     "iae-2021-09-03"};
  domain::JourneyState state;
  state.journey_id = kId;
  const std::string topic = "events";
  const std::string time = "2026-12-05T10:00:00Z";
  auto sealed = seal_journey(cmd, d, state, *opened, 0, {topic, time}, "keys");
  const auto body = nlohmann::json::parse(sealed.body);
  EXPECT_EQ(events::canonical(body), sealed.body);  // written as canonical() writes it
  EXPECT_EQ(body.at("journey_id"), kId);
  EXPECT_EQ(body.at("version"), 2);
  ASSERT_EQ(body.at("events").size(), 2u);
  for (int i = 0; i < 2; ++i) {
    const auto event = nlohmann::json::parse(*sealed.records.at(i).value);
    EXPECT_EQ(body["events"][i],
              (nlohmann::json{{"seq", i + 1}, {"type", event.at("type")}, {"id", event.at("id")}}));
  }
}

}  // namespace
}  // namespace parcours::processor
