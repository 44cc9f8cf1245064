#include "processor/batch_decider.h"

#include <cstdio>
#include <cstdlib>
#include <stdexcept>

#include "common/clock.h"
#include "common/exceptions.h"
#include "common/log.h"
#include "crypto/free_text_cipher.h"
#include "domain/decide.h"
#include "domain/free_text.h"
#include "domain/identity.h"
#include "domain/proof.h"
#include "domain/ruleset.h"
#include "events/envelope.h"
#include "events/envelope_writer.h"

namespace parcours::processor {

// The registry as the batch sees it: organisations changed by earlier commands of the batch
// first, then copies taken from the replica (which other threads may be syncing meanwhile).
class BatchDecider::Orgs final : public domain::OrgLookup {
 public:
  Orgs(const domain::OrgMap& overlay, const projections::OrgRegistry& registry,
       domain::OrgMap& copies)
      : overlay_(overlay), registry_(registry), copies_(copies) {}
  const domain::Organization* find(std::string_view id) const override {
    if (const auto* o = overlay_.find(id)) return o;
    if (const auto* o = copies_.find(id)) return o;
    auto org = registry_.get(id);
    if (!org) return nullptr;
    return &(copies_.upsert(std::string(id)) = std::move(*org));
  }

 private:
  const domain::OrgMap& overlay_;
  const projections::OrgRegistry& registry_;
  domain::OrgMap& copies_;
};

namespace {

nlohmann::json rejection_body(const domain::Rejection& r) {
  return {{"code", r.code}, {"detail", r.detail}, {"status", r.status}};
}

std::string type_label(const CommandRecord& cmd) {
  return domain::is_journey_command(cmd.type) || domain::is_org_command(cmd.type) ||
                 cmd.type == "ApplyDeadlines"
             ? cmd.type
             : "unknown";
}

}  // namespace

BatchDecider::BatchDecider(const Topics& topics, ProcessorStore& store, StateCache& cache,
                           projections::OrgRegistry& registry, const crypto::MasterKeyRing& keys,
                           ProcessorProbe* probe, std::string recorded_time)
    : topics_(topics),
      store_(store),
      cache_(cache),
      registry_(registry),
      master_(keys),
      probe_(probe),
      recorded_time_(std::move(recorded_time)) {}

domain::JourneyState& BatchDecider::journey(const std::string& id) {
  auto it = journeys_.find(id);
  if (it != journeys_.end()) return it->second;
  domain::JourneyState s;
  if (auto* cached = cache_.journeys.get(id)) {
    s = *cached;
  } else if (auto stored = store_.state(id)) {
    s = std::move(*stored);
  } else {
    s.journey_id = id;
  }
  return journeys_.emplace(id, std::move(s)).first->second;
}

std::optional<crypto::DataKey> BatchDecider::data_key(const std::string& journey_id) {
  if (erased_keys_.count(journey_id)) return std::nullopt;
  if (auto it = unwrapped_.find(journey_id); it != unwrapped_.end()) return it->second;
  if (auto* k = cache_.data_keys.get(journey_id)) return *k;
  std::optional<nlohmann::json> wrapped;
  if (auto it = new_keys_.find(journey_id); it != new_keys_.end()) {
    wrapped = it->second;
  } else {
    wrapped = store_.wrapped_key(journey_id);
  }
  if (!wrapped) return std::nullopt;
  auto key = crypto::unwrap_data_key(*wrapped, journey_id, master_);
  if (key) unwrapped_[journey_id] = *key;
  return key;
}

std::optional<IdempotencyEntry> BatchDecider::seen(const std::string& stream_id,
                                                   const std::string& command_id) {
  auto it = idem_.find(ProcessorStore::idem_key(stream_id, command_id));
  if (it != idem_.end()) return it->second;
  auto entry = store_.idempotency(stream_id, command_id);
  // A rejection older than its retention is forgotten, even before the daily sweep deletes it.
  if (entry && entry->status != 201 && entry->status != 200 && !entry->day.empty()) {
    const auto day = domain::Date::parse(entry->day);
    const auto today = domain::Date::parse(recorded_time_.substr(0, 10));
    if (day && today && day->plus_days(kRejectionRetentionDays) < *today) return std::nullopt;
  }
  return entry;
}

void BatchDecider::reply(const CommandRecord& cmd, int status, nlohmann::json body,
                         std::vector<OutRecord>& out, bool remember) {
  const bool answered = !cmd.reply_to.empty();  // system commands: nobody waits
  if (!answered && !remember) return;
  // Written once, for the reply and the idempotency entry.
  std::string text = events::canonical(body);
  if (answered) {
    const ReplyRecord r{cmd.command_id, cmd.reply_to, cmd.request_id, status, nullptr};
    const int partition = cmd.reply_partition >= 0 && cmd.reply_partition < topics_.reply_partitions
                              ? cmd.reply_partition
                              : 0;
    out.push_back({topics_.replies, partition, cmd.command_id, encode(r, text)});
  }
  if (remember) {
    idem_[ProcessorStore::idem_key(cmd.stream + ":" + cmd.stream_id, cmd.command_id)] =
        IdempotencyEntry{cmd.payload_hash, status, std::move(body), recorded_time_.substr(0, 10),
                         std::move(text)};
  }
}

domain::DecisionContext BatchDecider::context(const CommandRecord& cmd,
                                              const domain::OrgLookup& orgs) const {
  domain::DecisionContext ctx;
  ctx.actor.user = cmd.actor.sub;
  ctx.actor.org_id = cmd.actor.org;
  ctx.actor.admin = cmd.actor.has_role("admin");
  ctx.actor.system = cmd.actor.has_role("system");
  ctx.actor.org = cmd.actor.org.empty() ? nullptr : orgs.find(cmd.actor.org);
  const auto intake = common::parse_rfc3339(cmd.intake_time);
  ctx.today = domain::Date::utc_date_of(intake.value_or(std::chrono::system_clock::now()));
  ctx.intake_time = cmd.intake_time;
  ctx.orgs = &orgs;
  ctx.rules = &domain::RulesetBook::standard();
  return ctx;
}

int64_t BatchDecider::pass_counter(int32_t partition) {
  if (auto it = pass_counters_.find(partition); it != pass_counters_.end()) return it->second;
  // Read once per batch and partition: every command of the batch asks.
  auto [it, read] = stored_pass_counters_.try_emplace(partition, 0);
  if (read) it->second = store_.pass_counter(partition);
  return it->second;
}

std::string BatchDecider::pass_number(int32_t partition) {
  const int64_t next = pass_counter(partition);
  char buf[16];
  std::snprintf(buf, sizeof buf, "99%02d%08lld", static_cast<int>(partition % 100),
                static_cast<long long>(next % 100000000));
  return buf;
}

void BatchDecider::decide(const CommandRecord& cmd, int32_t partition, std::vector<OutRecord>& out,
                          int64_t offset) {
  // KIP-1033's processing-exception handler, for one command: whatever it holds, an exception
  // while deciding, sealing or encoding it becomes its rejection (500 internal), and the batch
  // goes on. The stages below change the overlay only once nothing can throw any more, so
  // dropping the command's records is all a failure needs.
  const std::size_t mark = out.size();
  try {
    if (cmd.stream == "org") {
      decide_org(cmd, out);
    } else {
      decide_journey(cmd, partition, out);
    }
    return;
  } catch (const std::exception& e) {
    out.resize(mark);
    failed(cmd, partition, offset, common::describe_exception(e), out);
  } catch (...) {
    out.resize(mark);
    failed(cmd, partition, offset, "non-standard exception", out);
  }
}

void BatchDecider::failed(const CommandRecord& cmd, int32_t partition, int64_t offset,
                          const std::string& what, std::vector<OutRecord>& out) {
  const std::string label = type_label(cmd);
  // Ids and the exception's class only: never the command's data (it may hold personal data).
  common::log_error("command failed", {{"command_id", cmd.command_id},
                                       {"type", label},
                                       {"partition", partition},
                                       {"offset", offset},
                                       {"error", what}});
  if (probe_) probe_->command_failed(label);
  // Not remembered: a retry with the same key is decided again (by a fixed build, say).
  reply(
      cmd, 500,
      rejection_body({"internal", "the command could not be processed; nothing was appended", 500}),
      out, false);
}

namespace {
// Test failpoint, never set in production: PARCOURS_TEST_THROW_ON_KEY=<text> makes the
// processing of every command whose Idempotency-Key contains <text> throw after it is decided,
// as a defect would, so that the integration tests show such a command answered 500 while the
// partition goes on.
void throw_if_failpoint(const CommandRecord& cmd) {
  static const std::string marker = [] {
    const char* v = std::getenv("PARCOURS_TEST_THROW_ON_KEY");
    return std::string(v ? v : "");
  }();
  if (!marker.empty() && cmd.command_id.find(marker) != std::string::npos) {
    throw std::logic_error("failpoint PARCOURS_TEST_THROW_ON_KEY");
  }
}
}  // namespace

void BatchDecider::decide_journey(const CommandRecord& cmd, int32_t partition,
                                  std::vector<OutRecord>& out) {
  const std::string& id = cmd.stream_id;
  const std::string label = type_label(cmd);
  // 1. Idempotency gate: a key seen before answers its first outcome.
  if (replay_if_seen(cmd, label, out)) return;

  // 2. The journey's state (batch overlay, cache, store) and the decision context.
  domain::JourneyState& state = journey(id);
  Orgs orgs(org_overlay_, registry_, org_copies_);
  domain::DecisionContext ctx = context(cmd, orgs);
  domain::Command dc{cmd.type, cmd.data, cmd.command_id, id, cmd.expected_version};

  // 3. Open what the rules need: the person of OpenJourney, the free text sealed for the trip,
  // the identity for age rules and proofs.
  std::optional<crypto::DataKey> key;
  std::optional<nlohmann::json> wrapped_record;  // OpenJourney: the keys topic's record
  if (cmd.type == "OpenJourney") {
    // The API sealed the person with a fresh key; open it to decide, adopt the key.
    key = crypto::unwrap_data_key(cmd.wrapped_key, id, master_);
    std::optional<nlohmann::json> person;
    if (key && dc.data.is_object() && dc.data.contains("person")) {
      person = crypto::open_identity(dc.data["person"], *key, id);
    }
    if (!person)
      return reject(cmd, domain::malformed("the person's identity could not be opened"), true, out);
    dc.data["person"] = *person;
    wrapped_record = with_lookup_hashes(cmd.wrapped_key, *person);
  } else {
    if (!crypto::open_command_free_text(cmd.type, dc.data, cmd.wrapped_key, id, master_)) {
      return reject(cmd, domain::malformed("the command's free text could not be opened"), true,
                    out);
    }
    if (state.exists() && !state.identity.is_null()) key = data_key(id);
    if (key) {
      if (auto clear = crypto::open_identity(state.identity, *key, id)) {
        if (auto p = domain::person_from_json(*clear)) {
          ctx.birth_date = p->birth_date;
          ctx.proof_matches = [texts = domain::proof_texts(*p),
                               lookup = master_.lookup_keys().front()](const domain::Proof& proof) {
            return crypto::proof_matches(proof.text, texts, *lookup);
          };
        }
      }
    }
  }
  ctx.next_pass_number = pass_number(partition);

  // 4. Decide (pure).
  domain::Result<domain::Decision> result = domain::decide(state, dc, ctx);
  if (!result.ok()) return reject(cmd, result.rejection(), true, out);
  throw_if_failpoint(cmd);

  // 5. Seal and encode the events into a copy of the state: if anything throws here, neither
  // the overlay nor `out` has changed. Free text is sealed with the journey's data key; once
  // the erasure has destroyed it, with a key destroyed at once (nothing can read it again).
  const crypto::DataKey text_key = key ? *key : crypto::new_data_key();
  // A live journey whose key is not here (yet): better a 500 the client retries than free text
  // sealed with a key nobody keeps.
  const bool key_missing = !key && state.exists() && !state.erased;
  domain::JourneyState next = state;
  std::vector<OutRecord> records;
  nlohmann::json appended = nlohmann::json::array();
  int64_t pass_next = pass_counter(partition);
  bool erased = false;
  for (const auto& ev : result->events) {
    domain::RecordedEvent rec;
    rec.type = ev.type;
    rec.subject = id;
    rec.seq = next.version + 1;
    rec.prevhash = next.version == 0 ? std::string(events::kZeroHash) : next.last_hash;
    rec.time = recorded_time_;
    rec.command_id = cmd.command_id;
    rec.actor = cmd.actor.sub;
    rec.actor_org = cmd.actor.org;
    rec.ruleset = result->ruleset;
    rec.data = ev.data;
    if (ev.type == "journey.opened") {
      rec.data["identity"] = crypto::seal_identity(ev.data.at("identity"), *key, id);
    }
    if (key_missing && !domain::free_text_fields_of_event(ev.type).empty()) {
      throw std::runtime_error("the journey's data key is missing");
    }
    crypto::seal_event_free_text(ev.type, rec.data, text_key, id);
    records.push_back(
        {topics_.events, partition, id, events::seal_to_text(rec, events::kJourneySource)});
    domain::evolve(next, rec);
    appended.push_back({{"seq", rec.seq}, {"type", rec.type}, {"id", rec.id}});
    if (ev.type == "pass.issued") ++pass_next;
    // Crypto-shredding: the tombstone compacts the wrapped key away for good.
    if (ev.type == "journey.identity_erased") erased = true;
  }
  if (erased) records.push_back({topics_.keys, -1, id, std::nullopt});
  if (wrapped_record) records.push_back({topics_.keys, -1, id, events::canonical(*wrapped_record)});
  nlohmann::json body = {{"journey_id", id}, {"version", next.version}, {"events", appended}};

  // 6. Nothing below throws (but for memory): the command's outcome joins the batch.
  events_ += result->events.size();
  state = std::move(next);
  if (pass_next != pass_counter(partition)) pass_counters_[partition] = pass_next;
  if (erased) {
    erased_keys_.insert(id);
    new_keys_.erase(id);
    unwrapped_.erase(id);
  }
  if (wrapped_record) {
    new_keys_[id] = std::move(*wrapped_record);
    unwrapped_[id] = *key;
  }
  dirty_.insert(id);
  for (auto& r : records) out.push_back(std::move(r));
  reply(cmd, 201, std::move(body), out, true);
  if (probe_) probe_->command(label, "accepted");
}

void BatchDecider::reject(const CommandRecord& cmd, const domain::Rejection& rejection,
                          bool remember, std::vector<OutRecord>& out) {
  reply(cmd, rejection.status, rejection_body(rejection), out, remember);
  if (probe_) probe_->command(type_label(cmd), rejection.code);
}

nlohmann::json BatchDecider::with_lookup_hashes(const nlohmann::json& wrapped,
                                                const nlohmann::json& person) const {
  // The keyed hashes of the person's proofs go with the key: the read models index them for
  // POST /v1/journeys/lookup, and the erasure's tombstone takes them away.
  nlohmann::json record = wrapped;
  nlohmann::json hashes = nlohmann::json::array();
  if (auto p = domain::person_from_json(person)) {
    for (const auto& text : domain::proof_texts(*p)) {
      hashes.push_back(crypto::lookup_hash_hex(text, *master_.lookup_keys().front()));
    }
  }
  record["lookup"] = std::move(hashes);
  return record;
}

bool BatchDecider::replay_if_seen(const CommandRecord& cmd, const std::string& label,
                                  std::vector<OutRecord>& out) {
  auto prior = seen(cmd.stream + ":" + cmd.stream_id, cmd.command_id);
  if (!prior) return false;
  if (!prior->hash.empty() && prior->hash != cmd.payload_hash) {
    reply(cmd, 422,
          rejection_body(domain::rule("idempotency_key_reused",
                                      "this Idempotency-Key was used for another command")),
          out, false);
    if (probe_) probe_->command(label, "idempotency_key_reused");
    return true;
  }
  reply(cmd, prior->status == 201 ? 200 : prior->status, prior->body, out, false);
  if (probe_) probe_->command(label, "replayed");
  return true;
}

void BatchDecider::decide_org(const CommandRecord& cmd, std::vector<OutRecord>& out) {
  const std::string& id = cmd.stream_id;
  const std::string label = type_label(cmd);
  projections::OrgChain chain;
  if (auto it = org_chains_.find(id); it != org_chains_.end()) {
    chain = it->second;
  } else if (auto c = registry_.chain(id)) {
    chain = *c;
  }
  if (auto it = chain.commands.find(cmd.command_id); it != chain.commands.end()) {
    reply(cmd, 200, {{"org_id", id}, {"version", it->second}, {"events", nlohmann::json::array()}},
          out, false);
    if (probe_) probe_->command(label, "replayed");
    return;
  }
  if (replay_if_seen(cmd, label, out)) return;
  Orgs orgs(org_overlay_, registry_, org_copies_);
  const domain::DecisionContext ctx = context(cmd, orgs);
  const domain::Organization* current = orgs.find(id);
  domain::Command dc{cmd.type, cmd.data, cmd.command_id, id, cmd.expected_version};
  auto result = domain::decide_org(current, dc, ctx);
  if (!result.ok()) {
    reply(cmd, result.rejection().status, rejection_body(result.rejection()), out, true);
    if (probe_) probe_->command(label, result.rejection().code);
    return;
  }
  // Events are folded into a scratch registry holding this organisation only, so that an
  // exception leaves the overlay as it was (see decide()).
  domain::OrgMap scratch;
  if (current) scratch.upsert(id) = *current;
  std::vector<OutRecord> records;
  nlohmann::json appended = nlohmann::json::array();
  for (const auto& ev : result.value().events) {
    domain::RecordedEvent rec;
    rec.type = ev.type;
    rec.subject = id;
    rec.seq = chain.version + 1;
    rec.prevhash = chain.version == 0 ? std::string(events::kZeroHash) : chain.last_hash;
    rec.time = recorded_time_;
    rec.command_id = cmd.command_id;
    rec.actor = cmd.actor.sub;
    rec.actor_org = cmd.actor.org;
    rec.ruleset = result.value().ruleset;
    rec.data = ev.data;
    records.push_back({topics_.org_events, -1, id, events::seal_to_text(rec, events::kOrgSource)});
    domain::evolve_org(scratch, rec);
    chain.version = rec.seq;
    chain.last_hash = rec.hash;
    chain.commands[cmd.command_id] = rec.seq;
    appended.push_back({{"seq", rec.seq}, {"type", rec.type}, {"id", rec.id}});
  }
  nlohmann::json body = {{"org_id", id}, {"version", chain.version}, {"events", appended}};

  events_ += result.value().events.size();
  if (const auto* o = scratch.find(id)) org_overlay_.upsert(id) = *o;
  org_chains_[id] = std::move(chain);
  for (auto& r : records) out.push_back(std::move(r));
  reply(cmd, 201, std::move(body), out, true);
  if (probe_) probe_->command(label, "accepted");
}

void BatchDecider::write_to(ProcessorStore::Batch& batch) const {
  for (const auto& id : dirty_) batch.put_state(journeys_.at(id));
  for (const auto& [key, entry] : idem_) {
    const auto nul = key.find('\0');
    batch.put_idempotency(key.substr(0, nul), key.substr(nul + 1), entry);
  }
  for (const auto& [id, wrapped] : new_keys_) batch.put_key(id, wrapped);
  for (const auto& id : erased_keys_) batch.delete_key(id);
  for (const auto& [p, next] : pass_counters_) batch.put_pass_counter(p, next);
}

void BatchDecider::publish(StateCache& cache) {
  for (const auto& id : dirty_) cache.journeys.put(id, journeys_.at(id));
  for (const auto& [id, key] : unwrapped_) cache.data_keys.put(id, key);
  for (const auto& id : erased_keys_) cache.data_keys.erase(id);
}

}  // namespace parcours::processor
