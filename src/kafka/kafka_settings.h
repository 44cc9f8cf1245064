// librdkafka configuration for every Parcours client, in one place (ARCHITECTURE §3).
//
// Every client gets the bootstrap servers, Nagle off (librdkafka leaves it on by default,
// which cost ~45 ms per transaction), statistics and the client.id "parcours-<name>" if it is
// named (client_stats.h; an unnamed client is "parcours"), and the
// operator's pass-through properties
// (TLS, SASL for real clusters), which are applied last and may override anything but the
// settings exactly-once depends on; those are asserted after the pass-through.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include <librdkafka/rdkafkacpp.h>

namespace parcours::kafka {

class ClientStats;

struct KafkaSettings {
  std::string brokers = "127.0.0.1:9092";
  // "key=value" pairs from the operator (PARCOURS_KAFKA_PROPS, --kafka-prop).
  std::vector<std::string> passthrough;
  int statistics_interval_ms = 5000;
  // Where a client reports librdkafka's statistics, and under which name (named()). A client
  // without both emits none: librdkafka keeps every document in the client's queue until the
  // client is polled, and some clients are polled rarely or never (watermark queries, the daily
  // deadline producer), whose memory would grow by the document size every interval.
  ClientStats* stats = nullptr;
  std::string client = {};
};

// `s` for the client named `client`: its statistics are reported under that name. Names read
// "<user>-<producer|consumer|reader>" (processor-consumer, access-log-producer ...), so that a
// dashboard tells producers from consumers. One live client per name.
KafkaSettings named(KafkaSettings s, std::string client);

enum class ClientRole {
  transactional_producer,  // processor: idempotent, transactional
  idempotent_producer,     // API gateway: commands, access log
  group_consumer,          // processor: commands, consumer group, read_committed
  reader,                  // projector, catch-up, audit: manual assignment, read_committed
};

// fetch.wait.max.ms of a consumer that never waits for a partition's end (the commands
// consumer, the replies reader): the broker holds an empty fetch this long, and answers it as
// soon as there is something to read. A reader that stops at a partition's end keeps 10 ms:
// librdkafka 2.0 reports the end only after an empty fetch, which the broker holds this long.
inline constexpr int kFetchWaitNoEndMs = 500;
// fetch.wait.max.ms of a long-lived reader that looks for the end once, when it starts (the
// projector, whose readiness waits for it): 100 ms more to start, ten times fewer empty
// fetches for good.
inline constexpr int kFetchWaitLiveReaderMs = 100;
// fetch.wait.max.ms of the organisation registry's reader (projections/org_registry.h): it is
// fetched from all the time and looks for the end before every batch, which is at once while no
// organisation changes (its end is already known). The first batch after a change waits up to
// this long for the end to be reported.
inline constexpr int kFetchWaitRegistryMs = 100;

// Builds the configuration of a client. `extra` is applied before the pass-through.
// Returns nullptr and sets *error if a property is unknown or invalid, or if the
// pass-through tries to change a setting exactly-once depends on.
std::unique_ptr<RdKafka::Conf> make_conf(const KafkaSettings& s, ClientRole role,
                                         const std::map<std::string, std::string>& extra,
                                         std::string* error);

}  // namespace parcours::kafka
