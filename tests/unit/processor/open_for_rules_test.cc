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

  // A journey's command after its opening (the rules read the person's birth date for it).
  static CommandRecord follow_up() {
    CommandRecord c;
    c.command_id = "k-2";
    c.stream = "journey";
    c.stream_id = kId;
    c.type = "RecordFollowUp";
    c.data = {{"followup_id", "f1"}, {"date", "2026-12-05"}, {"kind", "interview"}};
    return c;
  }

  // Opens what the rules need of `cmd` against `state`; `dc` and `ctx` are what the rules see.
  struct Opening {
    domain::Command dc;
    domain::DecisionContext ctx;
    domain::Result<Opened> opened;
  };
  Opening open(const CommandRecord& cmd, const domain::JourneyState& state = {},
               common::Lru<RulesIdentity>* identities = nullptr) const {
    Opening o{{cmd.type, cmd.data, cmd.command_id, cmd.stream_id, std::nullopt}, {}, Opened{}};
    o.opened = open_for_rules(
        cmd, state, ring_,
        [&]() -> std::optional<crypto::DataKey> {
          if (state.exists()) return key_;
          return std::nullopt;
        },
        o.dc, o.ctx, identities);
    return o;
  }

  // Seals a decision opening the journey with `identity`, then `more` events.
  SealedJourney seal_opening(const CommandRecord& cmd, const Opened& opened,
                             const nlohmann::json& identity,
                             std::vector<domain::NewEvent> more = {}) const {
    domain::Decision d{{{"journey.opened",
                         {{"identity", identity},
                          {"department", "74"},
                          {"opened_on", "2026-12-05"},
                          {"opened_by_kind", "admin"}}}},
                       "iae-2021-09-03"};
    for (auto& e : more) d.events.push_back(std::move(e));
    domain::JourneyState state;
    state.journey_id = kId;
    const std::string topic = "events";
    const std::string time = "2026-12-05T10:00:00Z";
    return seal_journey(cmd, d, state, opened, 0, {topic, time}, "keys");
  }

  // The identity recorded by sealing a journey.opened event whose identity is `identity`.
  nlohmann::json recorded_identity(const CommandRecord& cmd, const Opened& opened,
                                   const nlohmann::json& identity) const {
    auto sealed = seal_opening(cmd, opened, identity);
    return nlohmann::json::parse(*sealed.records.front().value).at("data").at("identity");
  }

  crypto::MasterKeyRing ring_;
  crypto::DataKey key_;
};

TEST_F(OpenForRulesTest, APersonTheRulesKeepIsRecordedAsTheApiSealedIt) {
  const CommandRecord cmd = open_journey();
  auto [dc, ctx, opened] = open(cmd);
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
  const CommandRecord cmd = follow_up();
  common::Lru<RulesIdentity> identities(10);
  auto decide_context = [&] {
    auto o = open(cmd, state, &identities);
    EXPECT_TRUE(o.opened.ok());
    return o.ctx;
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
  const auto opening = open(cmd, {}, &identities);
  const auto& opened = opening.opened;
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
  identities.get(kId)->birth_date = *domain::Date::parse("2001-01-01");  // read, not reopened
  const CommandRecord next = follow_up();
  auto read = open(next, state, &identities);
  ASSERT_TRUE(read.opened.ok());
  EXPECT_EQ(read.ctx.birth_date->str(), "2001-01-01");
  // Recorded as sealed anew (the rules changed the person): opened again, not read.
  state.identity = crypto::seal_identity(person(), key_, kId);
  auto reopened = open(next, state, &identities);
  ASSERT_TRUE(reopened.opened.ok());
  EXPECT_EQ(reopened.ctx.birth_date->str(), "1990-04-02");
}

TEST_F(OpenForRulesTest, TheReplyBodyIsCanonicalJsonOfTheAppendedEvents) {
  const CommandRecord cmd = open_journey();
  const auto opening = open(cmd);
  ASSERT_TRUE(opening.opened.ok());
  auto sealed =
      seal_opening(cmd, *opening.opened, person(),
                   {{"followup.recorded",
                     {{"followup_id", "f\"1"}, {"date", "2026-12-05"}, {"kind", "interview"}}}});
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
