// Deciding one batch of commands (ARCHITECTURE §3, step 1).
//
// A journey command goes through one straight line of stages (decide_journey):
//   1. idempotency gate   a key seen before answers its first outcome (replay_if_seen)
//   2. load state         the batch's overlay, else the cache, else the store (journey)
//   3. open               what the rules need, for this command alone (open_for_rules.h)
//   4. decide             domain::decide, pure
//   5. seal and encode    events, keys record and reply body, on copies (seal_events.h)
//   6. adopt              the outcome joins the batch's overlay and records (adopt)
// then, for the whole batch, the transaction and the WriteBatch (processor_batches.cc).
// Organisation commands take the same line without stage 3.
//
// Commands are decided in order against an overlay of the states the batch has already
// changed, so two commands of one batch see each other. The decider turns every outcome into
// records for the transaction (events, keys, reply) and keeps the store changes to write once
// the transaction has committed. If the transaction fails, the BatchDecider is dropped whole
// and nothing it computed survives.
//
// Thread-safety: processor thread only.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "crypto/identity_cipher.h"
#include "domain/command.h"
#include "domain/journey_state.h"
#include "events/envelope.h"
#include "processor/batch_records.h"
#include "processor/command_record.h"
#include "processor/processor_probe.h"
#include "processor/processor_store.h"
#include "processor/seal_events.h"
#include "processor/state_cache.h"
#include "projections/org_registry.h"

namespace parcours::processor {

class BatchDecider {
 public:
  BatchDecider(const Topics& topics, ProcessorStore& store, StateCache& cache,
               projections::OrgRegistry& registry, const crypto::MasterKeyRing& keys,
               ProcessorProbe* probe, std::string recorded_time);

  // Decides one command read from commands partition `partition` (at `offset`, for the logs)
  // and appends its records: the events, keys and reply of an accepted command, or the reply
  // of a rejected one. Never throws: a command whose processing throws is answered 500
  // internal, counted and logged, and appends nothing else (KIP-1033).
  void decide(const CommandRecord& cmd, int32_t partition, std::vector<OutRecord>& out,
              int64_t offset = -1);

  // After commit: the store changes (states, idempotency, keys, PASS counters).
  void write_to(ProcessorStore::Batch& batch) const;
  // After the store write: committed states and keys enter the cache. The states are moved
  // there: the decider decides nothing more after this.
  void publish(StateCache& cache);
  std::size_t events() const { return events_; }

 private:
  class Orgs;  // overlay of the registry (orgs changed by this batch first)
  void decide_journey(const CommandRecord& cmd, int32_t partition, std::vector<OutRecord>& out);
  void failed(const CommandRecord& cmd, int32_t partition, int64_t offset, const std::string& what,
              std::vector<OutRecord>& out);
  // Answers a command whose Idempotency-Key was seen before; false if it was not.
  bool replay_if_seen(const CommandRecord& cmd, const std::string& label,
                      std::vector<OutRecord>& out);
  int64_t pass_counter(int32_t partition);
  void reject(const CommandRecord& cmd, const domain::Rejection& rejection, bool remember,
              std::vector<OutRecord>& out);
  // Stage 6: the command's sealed outcome joins the batch (overlay, records, reply).
  void adopt(const CommandRecord& cmd, SealedJourney sealed, Opened opened, int32_t partition,
             std::vector<OutRecord>& out);
  void decide_org(const CommandRecord& cmd, std::vector<OutRecord>& out);
  domain::JourneyState& journey(const std::string& id);
  std::optional<crypto::DataKey> data_key(const std::string& journey_id);
  std::optional<IdempotencyEntry> seen(const std::string& stream_id, const std::string& command_id);
  // `canonical_body`: the body as events::canonical writes it, for the reply and the
  // idempotency entry alike.
  void reply(const CommandRecord& cmd, int status, std::string canonical_body,
             std::vector<OutRecord>& out, bool remember);
  void reply(const CommandRecord& cmd, int status, const nlohmann::json& body,
             std::vector<OutRecord>& out, bool remember) {
    reply(cmd, status, events::canonical(body), out, remember);
  }
  domain::DecisionContext context(const CommandRecord& cmd, const domain::OrgLookup& orgs) const;
  std::string pass_number(int32_t partition);

  const Topics& topics_;
  ProcessorStore& store_;
  StateCache& cache_;
  projections::OrgRegistry& registry_;
  const crypto::MasterKeyRing& master_;
  ProcessorProbe* probe_;
  std::string recorded_time_;

  std::unordered_map<std::string, domain::JourneyState> journeys_;  // overlay
  std::set<std::string> dirty_;
  std::map<std::string, IdempotencyEntry> idem_;  // idem key -> entry
  std::map<std::string, std::string> new_keys_;   // journey -> wrapped key, canonical JSON
  std::map<std::string, crypto::DataKey> unwrapped_;
  std::set<std::string> erased_keys_;
  std::map<int32_t, int64_t> pass_counters_;         // changed by this batch
  std::map<int32_t, int64_t> stored_pass_counters_;  // as the store has them
  domain::OrgMap org_overlay_;
  domain::OrgMap org_copies_;  // registry entries read by this batch
  std::map<std::string, projections::OrgChain> org_chains_;
  std::size_t events_ = 0;
};

}  // namespace parcours::processor
