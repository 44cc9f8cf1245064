#include "processor/seal_events.h"

#include <stdexcept>
#include <utility>

#include "crypto/free_text_cipher.h"
#include "domain/decide.h"
#include "domain/free_text.h"
#include "events/envelope.h"
#include "events/envelope_writer.h"

namespace parcours::processor {

namespace {

// The envelope of the stream's next event: everything but its id and hash, which sealing gives.
// The event's data moves into it.
domain::RecordedEvent next_in_stream(const CommandRecord& cmd, domain::NewEvent& ev, long version,
                                     const std::string& last_hash, const std::string& ruleset,
                                     const StreamStamp& stamp) {
  domain::RecordedEvent rec;
  rec.type = ev.type;
  rec.subject = cmd.stream_id;
  rec.seq = version + 1;
  rec.prevhash = version == 0 ? std::string(events::kZeroHash) : last_hash;
  rec.time = stamp.recorded_time;
  rec.command_id = cmd.command_id;
  rec.actor = cmd.actor.sub;
  rec.actor_org = cmd.actor.org;
  rec.ruleset = ruleset;
  rec.data = std::move(ev.data);
  return rec;
}

// The reply's body, written as canonical() would write it (keys in byte order) without a tree:
// {"events":[{"id":…,"seq":…,"type":…},…],"<stream>_id":…,"version":…}.
class ReplyBody {
 public:
  void appended(const domain::RecordedEvent& rec) {
    events_ += events_.size() > 1 ? "," : "";
    events::CanonicalObject(events_)
        .string("id", rec.id)
        .number("seq", rec.seq)
        .string("type", rec.type)
        .close();
  }
  std::string finish(std::string_view id_key, std::string_view id, int64_t version) {
    events_ += ']';
    std::string out;
    out.reserve(events_.size() + id.size() + 48);
    events::CanonicalObject(out)
        .raw("events", events_)
        .string(id_key, id)
        .number("version", version)
        .close();
    return out;
  }

 private:
  std::string events_ = "[";
};

}  // namespace

SealedJourney seal_journey(const CommandRecord& cmd, domain::Decision decision,
                           const domain::JourneyState& state, const Opened& opened,
                           int32_t partition, const StreamStamp& stamp,
                           const std::string& keys_topic) {
  const std::string& id = cmd.stream_id;
  // Free text is sealed with the journey's data key; once the erasure has destroyed it, with a
  // key destroyed at once (nothing can read that text again).
  const crypto::DataKey text_key = opened.key ? *opened.key : crypto::new_data_key();
  const bool key_missing = !opened.key && state.exists() && !state.erased;
  SealedJourney sealed{state, {}, {}, decision.events.size(), 0, false, {}};
  ReplyBody body;
  for (auto& ev : decision.events) {
    domain::RecordedEvent rec = next_in_stream(cmd, ev, sealed.next.version, sealed.next.last_hash,
                                               decision.ruleset, stamp);
    if (rec.type == "journey.opened") {
      if (!opened.key) throw std::runtime_error("a journey opened with no data key");
      // The person as the API sealed it, with this journey's key and id, when the rules kept
      // it as it was: sealing it again would cost as much and say the same.
      nlohmann::json& identity = rec.data.at("identity");
      identity = opened.sealed_person && opened.clear_person == identity
                     ? *opened.sealed_person
                     : crypto::seal_identity(identity, *opened.key, id);
    }
    if (key_missing && !domain::free_text_fields_of_event(rec.type).empty()) {
      throw std::runtime_error("the journey's data key is missing");
    }
    crypto::seal_event_free_text(rec.type, rec.data, text_key, id);
    sealed.records.push_back(
        {stamp.events_topic, partition, id, events::seal_to_text(rec, events::kJourneySource)});
    domain::evolve(sealed.next, rec);
    body.appended(rec);
    if (rec.type == "pass.issued") ++sealed.passes_issued;
    if (rec.type == "journey.identity_erased") sealed.erased = true;
  }
  // Crypto-shredding: the tombstone compacts the wrapped key away for good.
  if (sealed.erased) sealed.records.push_back({keys_topic, -1, id, std::nullopt});
  if (opened.wrapped_record) {
    sealed.wrapped_key = events::canonical(*opened.wrapped_record);
    sealed.records.push_back({keys_topic, -1, id, sealed.wrapped_key});
  }
  sealed.body = body.finish("journey_id", id, sealed.next.version);
  return sealed;
}

SealedOrg seal_org(const CommandRecord& cmd, const domain::Decision& decision,
                   const domain::Organization* current, const projections::OrgChain& chain,
                   const StreamStamp& stamp) {
  const std::string& id = cmd.stream_id;
  // Events are folded into a scratch registry holding this organisation only.
  domain::OrgMap scratch;
  if (current) scratch.upsert(id) = *current;
  SealedOrg sealed{std::nullopt, chain, {}, {}};
  ReplyBody body;
  for (domain::NewEvent ev : decision.events) {  // a copy: organisations' commands are rare
    domain::RecordedEvent rec = next_in_stream(cmd, ev, sealed.chain.version,
                                               sealed.chain.last_hash, decision.ruleset, stamp);
    sealed.records.push_back(
        {stamp.events_topic, -1, id, events::seal_to_text(rec, events::kOrgSource)});
    domain::evolve_org(scratch, rec);
    sealed.chain.version = rec.seq;
    sealed.chain.last_hash = rec.hash;
    sealed.chain.commands[cmd.command_id] = rec.seq;
    body.appended(rec);
  }
  if (const auto* o = scratch.find(id)) sealed.next = *o;
  sealed.body = body.finish("org_id", id, sealed.chain.version);
  return sealed;
}

}  // namespace parcours::processor
