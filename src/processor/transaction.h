// One batch, one Kafka transaction (ARCHITECTURE §3, step 2), and what to do when it fails.
//
// A batch's transaction is opened before its commands are decided (OpenTransaction): begin(),
// then the consumed command offsets, on a thread of their own, so that the two coordinators'
// round trips, and after a broker's death the group coordinator's failover, overlap the
// registry's sync and the decisions instead of adding to them. begin() is there too: librdkafka
// runs it on the producer's main thread and waits for it, a wake-up of another thread (about
// 0.4 ms on average at 500 commands/s on two busy cores); the first record waits for it, the
// sync does not. Once
// decided, the batch's records are produced and the transaction committed, waiting at most
// commit_timeout_ms for the commit (librdkafka would otherwise retry it for as long as the
// coordinator does not answer). A commit is never retried on the same producer: a commit that
// fails other than abortably, a timeout included, has an unknown outcome (kafka/errors.h,
// indeterminate). On failure the caller drops everything the batch decided and recovers as
// recovery_for() says, then rewinds to the committed offsets and catches up from the log:
// whatever the broker did or did not commit, the log is the truth.
#pragma once

#include <chrono>
#include <functional>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "kafka/transactional_producer.h"
#include "processor/batch_decider.h"
#include "processor/quarantine.h"

namespace parcours::processor {

// The bound of send_offsets and commit. librdkafka 2.0 keeps a request to a coordinator whose
// broker is down queued until that broker comes back, so a transaction whose coordinator died
// waits this long, then the producer is re-created and finds the new coordinator. Leaders
// move within seconds (decision 23), so a healthy commit never nears it.
inline constexpr int kCommitTimeoutMs = 5000;

// The bound of send_offsets alone: two requests to the coordinators, which do not wait for the
// batch's records to be acknowledged, so a healthy call takes milliseconds even under load. A
// call that runs past it is one whose coordinator died and that librdkafka 2.0 has not yet
// sent to the new one (it asks again at most once a second). Nothing was asked to commit yet,
// so the batch is then decided again on a new producer, with no catch-up. The bound is long
// enough for a new group coordinator to finish loading after a broker's death: librdkafka
// retries COORDINATOR_LOAD_IN_PROGRESS every 500 ms within it, while a call given up costs a
// new producer, which waits for the coordinator to abort the old transaction (1 to 3.5 s).
// Broker kills (decision 23): at 2 s, calls given up at 2.5 s made a batch wait 5.5 s; at
// 3.5 s, the slow calls committed within 2.1 to 4.5 s, but one given up at 3.6 s made 5.7 s.
inline constexpr int kSendOffsetsTimeoutMs = 4000;

// Where a transaction's time went, in seconds, for the logs of slow and failed batches.
struct TransactionPhases {
  double send_offsets = 0;        // AddOffsetsToTxn and TxnOffsetCommit (both coordinators), on
                                  // their own thread while the batch was decided
  double offsets_wait = 0;        // how long the decided batch then waited for them still
  double produce = 0;             // enqueue every record (waits only on a full queue)
  double commit = 0;              // every record acknowledged, then EndTxn
  bool commit_requested = false;  // commit() was called: the outcome may be a commit
};

// True when the transaction cannot have committed: commit() was never called, so no EndTxn
// asked the coordinator to commit it, and the next producer's init_transactions aborts it.
inline bool never_committed(const TransactionPhases& phases) {
  return !phases.commit_requested;
}

// A batch's consumed command offsets (the next offset to read per partition), as librdkafka
// takes them; destroyed with this.
class ConsumedOffsets {
 public:
  ConsumedOffsets(const std::string& topic, const std::map<int32_t, int64_t>& next);
  ~ConsumedOffsets();
  ConsumedOffsets(const ConsumedOffsets&) = delete;
  ConsumedOffsets& operator=(const ConsumedOffsets&) = delete;
  const std::vector<RdKafka::TopicPartition*>& list() const { return list_; }

 private:
  std::vector<RdKafka::TopicPartition*> list_;
};

// The consumer group's metadata a processor's transactions send their offsets with (KIP-447:
// member id, generation, group instance id). librdkafka answers groupMetadata() from the
// consumer's main thread, a wake-up of another thread (0.8 ms on average at 500 commands/s on
// two busy cores), and it changes only when the group does: it is asked once and kept until
// forget(), which the processor calls on every assignment, revocation, new consumer and failed
// transaction. Kept too long, it is refused by the group coordinator (the broker fences an
// old generation whatever the client believes), the transaction fails and is redone with the
// metadata asked again.
//
// Thread-safety: every member from any thread.
class GroupMetadata {
 public:
  // The kept metadata, or the consumer's now (then kept). Null if the consumer gave none.
  std::shared_ptr<const RdKafka::ConsumerGroupMetadata> get(RdKafka::KafkaConsumer& consumer);
  void forget();
  // How many times the consumer was asked.
  long asked() const;

 private:
  mutable std::mutex mu_;
  std::shared_ptr<const RdKafka::ConsumerGroupMetadata> kept_;
  long asked_ = 0;
};

// A batch's transaction from begin() to its end. The producer, `offsets` and `group` must
// outlive it. Exactly one of commit(), abandon() or drop() ends it; the destructor abandons
// a transaction that none ended (a path that forgot would otherwise leave it open, and the
// next begin() would fail).
class OpenTransaction {
 public:
  // Begins the transaction and sends `offsets` on a thread of its own (with no offsets, begins
  // it here).
  OpenTransaction(kafka::TransactionalProducer& producer,
                  const std::vector<RdKafka::TopicPartition*>& offsets,
                  const RdKafka::ConsumerGroupMetadata* group,
                  int send_offsets_timeout_ms = kSendOffsetsTimeoutMs);
  // The same, with the group's metadata from `group`, called on that thread too, so that
  // asking the consumer for it (GroupMetadata) never comes before the batch is decided.
  using GroupSource = std::function<std::shared_ptr<const RdKafka::ConsumerGroupMetadata>()>;
  OpenTransaction(kafka::TransactionalProducer& producer,
                  const std::vector<RdKafka::TopicPartition*>& offsets, GroupSource group,
                  int send_offsets_timeout_ms = kSendOffsetsTimeoutMs);
  ~OpenTransaction();
  OpenTransaction(const OpenTransaction&) = delete;
  OpenTransaction& operator=(const OpenTransaction&) = delete;

  // Enqueues records while the batch is still being decided, so that librdkafka sends them
  // meanwhile and the commit waits only for the last ones. The offsets may still be on their
  // way: records and offsets are one transaction in whatever order they reach the broker.
  kafka::KafkaStatus produce(const std::vector<OutRecord>& records);
  // True once a record was enqueued: the transaction can then no longer be aborted on this
  // producer (recovery_for), only dropped with it.
  bool produced() const { return produced_; }

  // Produces the records, waits for the offsets and commits. *phases says where the time went
  // and whether commit() was asked for.
  kafka::KafkaStatus commit(const std::vector<OutRecord>& records,
                            const std::vector<HeadedRecord>& headed, int commit_timeout_ms,
                            TransactionPhases* phases);
  // Waits for the offsets, then aborts: a batch given up before any record was produced.
  // Unlike an abort after records (recovery_for), this leaves the producer usable. A failure
  // (the offsets' own included) means the producer must be re-created.
  kafka::KafkaStatus abandon(int timeout_ms = kCommitTimeoutMs);
  // Ends a transaction whose records were produced without committing it: waits for the
  // offsets' thread, which uses the producer, and returns the failure that has the caller
  // re-create the producer; the new one's init_transactions aborts the transaction.
  kafka::KafkaStatus drop();

 private:
  void open(const std::vector<RdKafka::TopicPartition*>& offsets,
            std::function<const RdKafka::ConsumerGroupMetadata*()> group,
            int send_offsets_timeout_ms);
  kafka::KafkaStatus wait_for_offsets(TransactionPhases* phases);
  // begin()'s outcome, once it is known (waits for the offsets' thread to have begun).
  const kafka::KafkaStatus& begun();

  kafka::TransactionalProducer& producer_;
  // Before offsets_, which uses it.
  std::shared_ptr<const RdKafka::ConsumerGroupMetadata> owned_group_;
  kafka::KafkaStatus begun_;
  bool begun_known_ = false;
  std::future<kafka::KafkaStatus> begun_future_;  // set by the offsets' thread
  std::future<kafka::KafkaStatus> offsets_;
  double send_offsets_seconds_ = 0;  // written by the offsets' thread, read after get()
  double produce_seconds_ = 0;       // enqueuing, before commit() and in it
  bool produced_ = false;
  bool ended_ = false;
};

// The whole transaction at once (quarantine, tests): open, then commit.
kafka::KafkaStatus write_batch(kafka::TransactionalProducer& producer,
                               const std::vector<OutRecord>& records,
                               const std::vector<RdKafka::TopicPartition*>& offsets,
                               const RdKafka::ConsumerGroupMetadata* group,
                               const std::vector<HeadedRecord>& headed = {},
                               int commit_timeout_ms = kCommitTimeoutMs,
                               TransactionPhases* phases = nullptr,
                               int send_offsets_timeout_ms = kSendOffsetsTimeoutMs);

enum class Recovery {
  abort_and_rewind,     // abort_transaction(), the producer stays usable: not used (see
                        // recovery_for), kept for the tests of recover_producer
  recreate_and_rewind,  // every failure: a new producer, whose init_transactions fences the
                        // old one and settles its last transaction
};

Recovery recovery_for(const kafka::KafkaStatus& failed);

// Aborts or re-creates as `recovery_for` says; returns the producer to use next (the same one,
// a new one, or nullptr if a new one could not be made now; *error says why: the caller tries
// again later, the old producer is gone either way). *aborted is true only when the same
// producer aborted the transaction itself: then, and only then, nothing of it committed and
// the batch may be decided again without reading the log. (Comparing the producers' addresses
// cannot tell: a new producer may be allocated where the old one was.)
std::unique_ptr<kafka::TransactionalProducer> recover_producer(
    std::unique_ptr<kafka::TransactionalProducer> producer, const kafka::KafkaStatus& failed,
    const std::function<std::unique_ptr<kafka::TransactionalProducer>(std::string*)>& make,
    std::string* error, bool* aborted);

}  // namespace parcours::processor
