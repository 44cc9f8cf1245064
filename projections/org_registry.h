// The organisation registry read model (JOURNEY §2): every instance keeps all of it, in memory,
// as a replica of the org-events topic. Deciders, authorisation of reads and the API's token
// checks read it.
//
// sync() brings the replica up to the current end of the topic (read_committed); the processor
// calls it before deciding every batch, so a command sent after an organisation change was
// acknowledged always sees that change (ARCHITECTURE §3).
//
// Thread-safety: sync() may be called from several threads (serialised internally); get()
// and the accessors take a shared lock and return copies, never references into the replica.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <shared_mutex>
#include <string>

#include "domain/command.h"
#include "domain/organization.h"
#include "kafka/topic_reader.h"

namespace parcours::projections {

struct OrgChain {
  long version = 0;
  std::string last_hash;
  std::map<std::string, long> commands;  // command id -> version it produced (idempotency)
};

class OrgRegistry {
 public:
  OrgRegistry(kafka::KafkaSettings settings, std::string topic, int partitions);
  ~OrgRegistry();

  // Reads org-events up to the end offsets the broker reports now. Transient broker errors
  // (a leader moving, a new topic) are retried until timeout_ms.
  kafka::KafkaStatus sync(int timeout_ms = 15000);

  // Applies one org event read from the topic (sync() does it for each; the fuzzer of the
  // command path feeds a registry without a broker).
  void apply(const domain::RecordedEvent& ev);

  std::optional<domain::Organization> get(std::string_view org_id) const;
  std::optional<OrgChain> chain(std::string_view org_id) const;
  std::size_t size() const;
  long events_applied() const;

 private:
  kafka::KafkaStatus sync_once(int timeout_ms);

  kafka::KafkaSettings settings_;
  std::string topic_;
  int partitions_;
  std::mutex sync_mu_;  // one sync at a time; guards reader_
  std::unique_ptr<kafka::TopicReader> reader_;
  mutable std::shared_mutex mu_;  // guards orgs_, chains_, applied_
  domain::OrgMap orgs_;
  std::map<std::string, OrgChain, std::less<>> chains_;
  long applied_ = 0;
};

}  // namespace parcours::projections
