#include "cli/topic_specs.h"

namespace parcours::cli {

std::vector<kafka::TopicSpec> topic_specs(const common::Config& c) {
  const int rf = c.replication_factor;
  const std::string min_isr = rf >= 3 ? "2" : "1";
  return {
      // Commands are consumed within seconds; a day leaves room for an outage while bounding
      // how long a sealed identity and its wrapped key stay there after an erasure.
      {c.commands_topic(),
       c.partitions,
       rf,
       {{"cleanup.policy", "delete"},
        {"retention.ms", "86400000"},
        {"min.insync.replicas", min_isr}}},
      // The source of truth: kept forever.
      {c.events_topic(),
       c.partitions,
       rf,
       {{"cleanup.policy", "delete"},
        {"retention.ms", "-1"},
        {"retention.bytes", "-1"},
        {"min.insync.replicas", min_isr}}},
      {c.org_events_topic(),
       c.small_partitions,
       rf,
       {{"cleanup.policy", "delete"},
        {"retention.ms", "-1"},
        {"retention.bytes", "-1"},
        {"min.insync.replicas", min_isr}}},
      // Replies matter only while an API instance waits for them.
      {c.replies_topic(),
       c.small_partitions,
       rf,
       {{"cleanup.policy", "delete"},
        {"retention.ms", "3600000"},
        {"min.insync.replicas", min_isr}}},
      // Wrapped data keys, compacted: an erasure's tombstone removes the key for good once the
      // cleaner has passed (segments roll every 10 minutes, tombstones kept a day for readers).
      {c.keys_topic(),
       c.small_partitions,
       rf,
       {{"cleanup.policy", "compact"},
        {"segment.ms", "600000"},
        {"min.cleanable.dirty.ratio", "0.01"},
        {"delete.retention.ms", "86400000"},
        {"min.insync.replicas", min_isr}}},
      // Commands set aside after crashing the processor (quarantine), for an operator: kept
      // as long as the commands topic keeps them, since they hold the same sealed identities
      // and wrapped keys, whose life after an erasure that retention bounds.
      {c.dead_letters_topic(),
       c.small_partitions,
       rf,
       {{"cleanup.policy", "delete"},
        {"retention.ms", "86400000"},
        {"min.insync.replicas", min_isr}}},
      // Who read what: kept six years (the State's audit horizon).
      {c.access_log_topic(),
       c.partitions,
       rf,
       {{"cleanup.policy", "delete"},
        {"retention.ms", "189216000000"},
        {"min.insync.replicas", min_isr}}},
  };
}

}  // namespace parcours::cli
