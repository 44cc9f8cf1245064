#include "processor/batch_decider.h"

#include <cstdio>

#include "common/clock.h"
#include "common/log.h"
#include "domain/decide.h"
#include "domain/identity.h"
#include "domain/ruleset.h"
#include "events/envelope.h"

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
  return store_.idempotency(stream_id, command_id);
}

void BatchDecider::reply(const CommandRecord& cmd, int status, nlohmann::json body,
                         std::vector<OutRecord>& out, bool remember) {
  if (remember) {
    idem_[ProcessorStore::idem_key(cmd.stream + ":" + cmd.stream_id, cmd.command_id)] =
        IdempotencyEntry{cmd.payload_hash, status, body};
  }
  if (cmd.reply_to.empty()) return;  // system commands: nobody waits
  ReplyRecord r{cmd.command_id, cmd.reply_to, cmd.request_id, status, std::move(body)};
  const int partition = cmd.reply_partition >= 0 && cmd.reply_partition < topics_.reply_partitions
                            ? cmd.reply_partition
                            : 0;
  out.push_back({topics_.replies, partition, cmd.command_id, encode(r)});
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

std::string BatchDecider::pass_number(int32_t partition) {
  auto it = pass_counters_.find(partition);
  const int64_t next = it != pass_counters_.end() ? it->second : store_.pass_counter(partition);
  char buf[16];
  std::snprintf(buf, sizeof buf, "99%02d%08lld", static_cast<int>(partition % 100),
                static_cast<long long>(next % 100000000));
  return buf;
}

void BatchDecider::decide(const CommandRecord& cmd, int32_t partition,
                          std::vector<OutRecord>& out) {
  if (cmd.stream == "org") {
    decide_org(cmd, out);
  } else {
    decide_journey(cmd, partition, out);
  }
}

void BatchDecider::decide_journey(const CommandRecord& cmd, int32_t partition,
                                  std::vector<OutRecord>& out) {
  const std::string& id = cmd.stream_id;
  const std::string label = type_label(cmd);
  if (auto prior = seen(cmd.stream + ":" + id, cmd.command_id)) {
    if (!prior->hash.empty() && prior->hash != cmd.payload_hash) {
      reply(cmd, 422,
            rejection_body(domain::rule("idempotency_key_reused",
                                        "this Idempotency-Key was used for another command")),
            out, false);
      if (probe_) probe_->command(label, "idempotency_key_reused");
      return;
    }
    reply(cmd, prior->status == 201 ? 200 : prior->status, prior->body, out, false);
    if (probe_) probe_->command(label, "replayed");
    return;
  }

  domain::JourneyState& state = journey(id);
  Orgs orgs(org_overlay_, registry_, org_copies_);
  domain::DecisionContext ctx = context(cmd, orgs);
  domain::Command dc{cmd.type, cmd.data, cmd.command_id, id, cmd.expected_version};

  std::optional<crypto::DataKey> key;
  if (cmd.type == "OpenJourney") {
    // The API sealed the person with a fresh key; open it to decide, adopt the key.
    key = crypto::unwrap_data_key(cmd.wrapped_key, id, master_);
    std::optional<nlohmann::json> person;
    if (key && dc.data.is_object() && dc.data.contains("person")) {
      person = crypto::open_identity(dc.data["person"], *key, id);
    }
    if (!person) {
      reply(cmd, 400,
            rejection_body(domain::malformed("the person's identity could not be opened")), out,
            true);
      if (probe_) probe_->command(label, "malformed");
      return;
    }
    dc.data["person"] = *person;
  } else if (state.exists() && !state.identity.is_null()) {
    if (auto k = data_key(id)) {
      if (auto clear = crypto::open_identity(state.identity, *k, id)) {
        if (auto p = domain::person_from_json(*clear)) ctx.birth_date = p->birth_date;
      }
    }
  }
  ctx.next_pass_number = pass_number(partition);

  std::optional<domain::Result<domain::Decision>> result;
  try {
    result.emplace(domain::decide(state, dc, ctx));
  } catch (const std::exception& e) {
    common::log_error("decider failed", {{"journey", id}, {"type", label}, {"error", e.what()}});
    reply(cmd, 500, rejection_body({"internal", "the command could not be decided", 500}), out,
          false);
    if (probe_) probe_->command(label, "internal");
    return;
  }
  if (!result->ok()) {
    const auto& rej = result->rejection();
    reply(cmd, rej.status, rejection_body(rej), out, true);
    if (probe_) probe_->command(label, rej.code);
    return;
  }

  nlohmann::json appended = nlohmann::json::array();
  for (const auto& ev : result->value().events) {
    domain::RecordedEvent rec;
    rec.type = ev.type;
    rec.subject = id;
    rec.seq = state.version + 1;
    rec.prevhash = state.version == 0 ? std::string(events::kZeroHash) : state.last_hash;
    rec.time = recorded_time_;
    rec.command_id = cmd.command_id;
    rec.actor = cmd.actor.sub;
    rec.actor_org = cmd.actor.org;
    rec.ruleset = result->value().ruleset;
    rec.data = ev.data;
    if (ev.type == "journey.opened") {
      rec.data["identity"] = crypto::seal_identity(ev.data.at("identity"), *key, id);
    }
    const nlohmann::json env = events::seal(rec, events::kJourneySource);
    out.push_back({topics_.events, partition, id, env.dump()});
    domain::evolve(state, rec);
    ++events_;
    appended.push_back({{"seq", rec.seq}, {"type", rec.type}, {"id", rec.id}});
    if (ev.type == "pass.issued") {
      auto it = pass_counters_.find(partition);
      const int64_t next = it != pass_counters_.end() ? it->second : store_.pass_counter(partition);
      pass_counters_[partition] = next + 1;
      ctx.next_pass_number = pass_number(partition);
    }
    if (ev.type == "journey.identity_erased") {
      // Crypto-shredding: the tombstone compacts the wrapped key away for good.
      out.push_back({topics_.keys, -1, id, std::nullopt});
      erased_keys_.insert(id);
      new_keys_.erase(id);
      unwrapped_.erase(id);
    }
  }
  if (cmd.type == "OpenJourney") {
    new_keys_[id] = cmd.wrapped_key;
    unwrapped_[id] = *key;
    out.push_back({topics_.keys, -1, id, cmd.wrapped_key.dump()});
  }
  dirty_.insert(id);
  reply(cmd, 201, {{"journey_id", id}, {"version", state.version}, {"events", appended}}, out,
        true);
  if (probe_) probe_->command(label, "accepted");
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
  if (auto prior = seen(cmd.stream + ":" + id, cmd.command_id)) {
    if (!prior->hash.empty() && prior->hash != cmd.payload_hash) {
      reply(cmd, 422,
            rejection_body(domain::rule("idempotency_key_reused",
                                        "this Idempotency-Key was used for another command")),
            out, false);
      if (probe_) probe_->command(label, "idempotency_key_reused");
      return;
    }
    reply(cmd, prior->status == 201 ? 200 : prior->status, prior->body, out, false);
    if (probe_) probe_->command(label, "replayed");
    return;
  }
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
  if (current && !org_overlay_.find(id)) org_overlay_.upsert(id) = *current;
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
    const nlohmann::json env = events::seal(rec, events::kOrgSource);
    out.push_back({topics_.org_events, -1, id, env.dump()});
    domain::evolve_org(org_overlay_, rec);
    chain.version = rec.seq;
    chain.last_hash = rec.hash;
    chain.commands[cmd.command_id] = rec.seq;
    ++events_;
    appended.push_back({{"seq", rec.seq}, {"type", rec.type}, {"id", rec.id}});
  }
  org_chains_[id] = chain;
  reply(cmd, 201, {{"org_id", id}, {"version", chain.version}, {"events", appended}}, out, true);
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
