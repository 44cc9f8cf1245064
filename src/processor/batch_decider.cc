#include "processor/batch_decider.h"

#include <cstdio>
#include <cstdlib>
#include <stdexcept>

#include "common/clock.h"
#include "common/exceptions.h"
#include "common/log.h"
#include "domain/decide.h"
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
    wrapped = nlohmann::json::parse(it->second, nullptr, false);
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

void BatchDecider::reply(const CommandRecord& cmd, int status, std::string text,
                         std::vector<OutRecord>& out, bool remember) {
  const bool answered = !cmd.reply_to.empty();  // system commands: nobody waits
  if (!answered && !remember) return;
  if (answered) {
    const ReplyRecord r{cmd.command_id, cmd.reply_to, cmd.request_id, status, nullptr};
    const int partition = cmd.reply_partition >= 0 && cmd.reply_partition < topics_.reply_partitions
                              ? cmd.reply_partition
                              : 0;
    out.push_back({topics_.replies, partition, cmd.command_id, encode(r, text)});
  }
  if (remember) {
    idem_[ProcessorStore::idem_key(cmd.stream + ":" + cmd.stream_id, cmd.command_id)] =
        IdempotencyEntry{cmd.payload_hash, status, nullptr, recorded_time_.substr(0, 10),
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
  // The stages of batch_decider.h, in order.
  if (replay_if_seen(cmd, type_label(cmd), out)) return;
  domain::JourneyState& state = journey(cmd.stream_id);
  Orgs orgs(org_overlay_, registry_, org_copies_);
  domain::DecisionContext ctx = context(cmd, orgs);
  domain::Command dc{cmd.type, cmd.data, cmd.command_id, cmd.stream_id, cmd.expected_version};
  const auto journey_key = [&] { return data_key(cmd.stream_id); };
  auto opened = open_for_rules(cmd, state, master_, journey_key, dc, ctx, &cache_.identities);
  if (!opened.ok()) return reject(cmd, opened.rejection(), true, out);
  ctx.next_pass_number = pass_number(partition);
  auto decision = domain::decide(state, dc, ctx);
  if (!decision.ok()) return reject(cmd, decision.rejection(), true, out);
  throw_if_failpoint(cmd);
  const StreamStamp stamp{topics_.events, recorded_time_};
  auto sealed =
      seal_journey(cmd, std::move(*decision), state, *opened, partition, stamp, topics_.keys);
  adopt(cmd, std::move(sealed), std::move(*opened), partition, out);
}

void BatchDecider::adopt(const CommandRecord& cmd, SealedJourney sealed, Opened opened,
                         int32_t partition, std::vector<OutRecord>& out) {
  // Nothing here throws (but for memory): the overlay changes only now.
  const std::string& id = cmd.stream_id;
  events_ += sealed.events;
  journey(id) = std::move(sealed.next);
  if (sealed.passes_issued > 0) {
    pass_counters_[partition] = pass_counter(partition) + sealed.passes_issued;
  }
  if (sealed.erased) {
    erased_keys_.insert(id);
    new_keys_.erase(id);
    unwrapped_.erase(id);
  }
  if (opened.wrapped_record) {
    new_keys_[id] = std::move(sealed.wrapped_key);
    unwrapped_[id] = *opened.key;
  }
  dirty_.insert(id);
  for (auto& r : sealed.records) out.push_back(std::move(r));
  reply(cmd, 201, std::move(sealed.body), out, true);
  if (probe_) probe_->command(type_label(cmd), "accepted");
}

void BatchDecider::reject(const CommandRecord& cmd, const domain::Rejection& rejection,
                          bool remember, std::vector<OutRecord>& out) {
  reply(cmd, rejection.status, rejection_body(rejection), out, remember);
  if (probe_) probe_->command(type_label(cmd), rejection.code);
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
  // An entry of this batch has its body as text only; one read from the store, as a tree.
  std::string body =
      prior->canonical_body.empty() ? events::canonical(prior->body) : prior->canonical_body;
  reply(cmd, prior->status == 201 ? 200 : prior->status, std::move(body), out, false);
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
  auto decision = domain::decide_org(current, dc, ctx);
  if (!decision.ok()) return reject(cmd, decision.rejection(), true, out);
  SealedOrg sealed = seal_org(cmd, *decision, current, chain, {topics_.org_events, recorded_time_});

  // Nothing below throws (but for memory): the outcome joins the batch.
  events_ += decision->events.size();
  if (sealed.next) org_overlay_.upsert(id) = std::move(*sealed.next);
  org_chains_[id] = std::move(sealed.chain);
  for (auto& r : sealed.records) out.push_back(std::move(r));
  reply(cmd, 201, std::move(sealed.body), out, true);
  if (probe_) probe_->command(label, "accepted");
}

void BatchDecider::write_to(ProcessorStore::Batch& batch) const {
  for (const auto& id : dirty_) batch.put_state(journeys_.at(id));
  for (const auto& [key, entry] : idem_) {
    const auto nul = key.find('\0');
    batch.put_idempotency(key.substr(0, nul), key.substr(nul + 1), entry);
  }
  for (const auto& [id, wrapped] : new_keys_) batch.put_key_text(id, wrapped);
  for (const auto& id : erased_keys_) batch.delete_key(id);
  for (const auto& [p, next] : pass_counters_) batch.put_pass_counter(p, next);
}

void BatchDecider::publish(StateCache& cache) {
  for (const auto& id : dirty_) cache.journeys.put(id, std::move(journeys_.at(id)));
  for (const auto& [id, key] : unwrapped_) cache.data_keys.put(id, key);
  for (const auto& id : erased_keys_) {
    cache.data_keys.erase(id);
    cache.identities.erase(id);
  }
}

}  // namespace parcours::processor
