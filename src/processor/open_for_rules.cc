#include "processor/open_for_rules.h"

#include <string>
#include <string_view>
#include <vector>

#include "crypto/free_text_cipher.h"
#include "domain/identity.h"
#include "domain/proof.h"

namespace parcours::processor {

namespace {

// The keys topic's record of a new journey: its wrapped key with the keyed hashes of the
// person's proofs, which the read models index for POST /v1/journeys/lookup and the erasure's
// tombstone takes away.
nlohmann::json with_lookup_hashes(const nlohmann::json& wrapped,
                                  const std::vector<std::string>& proof_texts,
                                  const crypto::MasterKeyRing& master) {
  nlohmann::json record = wrapped;
  nlohmann::json hashes = nlohmann::json::array();
  for (const auto& text : proof_texts) {
    hashes.push_back(crypto::lookup_hash_hex(text, *master.lookup_keys().front()));
  }
  record["lookup"] = std::move(hashes);
  return record;
}

// OpenJourney: the API sealed the person with a fresh key; the processor opens it to decide and
// adopts the key as the journey's. What the rules read of the person is kept in `identities`
// under the sealed text: the journey records that very text when the rules keep the person as
// it came (seal_events.cc), so its next commands need not open it again; when they do not, the
// recorded identity differs and give_identity_to_rules opens it.
domain::Result<Opened> open_new_person(const CommandRecord& cmd,
                                       const crypto::MasterKeyRing& master, domain::Command& dc,
                                       common::Lru<RulesIdentity>* identities) {
  Opened opened;
  opened.key = crypto::unwrap_data_key(cmd.wrapped_key, cmd.stream_id, master);
  std::optional<nlohmann::json> person;
  if (opened.key && dc.data.is_object() && dc.data.contains("person")) {
    person = crypto::open_identity(dc.data["person"], *opened.key, cmd.stream_id);
  }
  if (!person) return domain::malformed("the person's identity could not be opened");
  const auto parsed = domain::person_from_json(*person);
  std::vector<std::string> proof_texts;
  if (parsed) proof_texts = domain::proof_texts(*parsed);
  opened.wrapped_record = with_lookup_hashes(cmd.wrapped_key, proof_texts, master);
  if (identities && parsed) {
    identities->put(cmd.stream_id,
                    RulesIdentity{dc.data["person"], parsed->birth_date, std::move(proof_texts)});
  }
  opened.sealed_person = dc.data["person"];
  opened.clear_person = *person;
  dc.data["person"] = std::move(*person);
  return opened;
}

// The age rules read the birth date; JoinJourney compares its proof with the person's, as keyed
// hashes in constant time. An erased journey has no identity: neither is set. The person is
// opened once per journey while its sealed identity stays the same (state_cache.h).
void give_identity_to_rules(const domain::JourneyState& state, std::string_view journey_id,
                            const crypto::DataKey& key, const crypto::MasterKeyRing& master,
                            domain::DecisionContext& ctx, common::Lru<RulesIdentity>* identities) {
  const std::string id(journey_id);
  const RulesIdentity* known = identities ? identities->get(id) : nullptr;
  if (!known || known->sealed != state.identity) {
    auto clear = crypto::open_identity(state.identity, key, journey_id);
    if (!clear) return;
    auto person = domain::person_from_json(*clear);
    if (!person) return;
    RulesIdentity opened{state.identity, person->birth_date, domain::proof_texts(*person)};
    if (!identities) {
      ctx.birth_date = opened.birth_date;
      ctx.proof_matches = [texts = std::move(opened.proof_texts),
                           lookup = master.lookup_keys().front()](const domain::Proof& proof) {
        return crypto::proof_matches(proof.text, texts, *lookup);
      };
      return;
    }
    identities->put(id, std::move(opened));
    known = identities->get(id);
  }
  ctx.birth_date = known->birth_date;
  ctx.proof_matches = [texts = known->proof_texts,
                       lookup = master.lookup_keys().front()](const domain::Proof& proof) {
    return crypto::proof_matches(proof.text, texts, *lookup);
  };
}

}  // namespace

domain::Result<Opened> open_for_rules(
    const CommandRecord& cmd, const domain::JourneyState& state,
    const crypto::MasterKeyRing& master,
    const std::function<std::optional<crypto::DataKey>()>& journey_key, domain::Command& dc,
    domain::DecisionContext& ctx, common::Lru<RulesIdentity>* identities) {
  if (cmd.type == "OpenJourney") return open_new_person(cmd, master, dc, identities);
  if (!crypto::open_command_free_text(cmd.type, dc.data, cmd.wrapped_key, cmd.stream_id, master)) {
    return domain::malformed("the command's free text could not be opened");
  }
  Opened opened;
  if (state.exists() && !state.identity.is_null()) opened.key = journey_key();
  if (opened.key) {
    give_identity_to_rules(state, cmd.stream_id, *opened.key, master, ctx, identities);
  }
  return opened;
}

}  // namespace parcours::processor
