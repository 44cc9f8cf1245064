// The topics a producer will write, learnt when it is made rather than at its first record.
//
// librdkafka 2.0 learns a topic it has never seen at its periodic scan of topics (once a
// second): a new producer's first record to such a topic waits up to 1 s before it leaves.
// Every start of an instance and every producer re-created after a fault would pay it on its
// first command. Asking for the topics' metadata at once puts them in the client's metadata
// cache; the topic handles kept here keep them in the client's periodic refresh afterwards.
//
// Thread-safety: learn() from one thread at a time. Destroyed before the client it was given.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <librdkafka/rdkafkacpp.h>

#include "kafka/errors.h"

namespace parcours::kafka {

class KnownTopics {
 public:
  // Asks the brokers, through `client`, where each topic's partitions are (empty names are
  // skipped), within `timeout_ms` for all of them. A failure is no error for the caller: the
  // periodic scan still comes.
  KafkaStatus learn(RdKafka::Handle& client, const std::vector<std::string>& topics,
                    int timeout_ms);

 private:
  std::vector<std::unique_ptr<RdKafka::Topic>> topics_;
};

}  // namespace parcours::kafka
