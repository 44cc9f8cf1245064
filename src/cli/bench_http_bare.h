// `parcours bench http`: the reference the HTTP latencies are read against, the cost of one bare
// librdkafka transaction cycle on the same broker, with the shape of the processor's smallest:
// begin, an event-sized record, a reply-sized record on another topic, the consumed offsets,
// commit.
#pragma once

#include <string>
#include <vector>

#include "common/config.h"

namespace parcours::cli {

// The pause before each spaced cycle: long enough for the broker to finish the previous
// transaction (its markers), short beside the time between two batches of an idle server.
constexpr int kBarePauseMs = 20;

// The milliseconds of each timed cycle, one after another on one producer.
struct BareFigures {
  // Each after a short untimed pause, as a transaction that follows an idle moment: the cost
  // of the transaction itself.
  std::vector<double> spaced;
  // Each begun as soon as the previous one is committed. The broker may still be writing the
  // previous one's markers and answer CONCURRENT_TRANSACTIONS, which librdkafka retries after
  // retry.backoff.ms: what back-to-back transactions (a busy processor's) may pay on top.
  std::vector<double> back_to_back;
};

// Times `spaced` then `back_to_back` cycles (after a few untimed ones) on topics and a consumer
// group of their own, deleted at the end. *error on failure.
BareFigures bare_commit_cycles(const common::Config& config, int spaced, int back_to_back,
                               std::string* error);

}  // namespace parcours::cli
