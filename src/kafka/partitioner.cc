#include "kafka/partitioner.h"

#include <librdkafka/rdkafka.h>

namespace parcours::kafka {

int32_t partition_of(std::string_view key, int32_t partitions) {
  // librdkafka's own partitioner function: it does not use the topic handle.
  return rd_kafka_msg_partitioner_murmur2(nullptr, key.data(), key.size(), partitions, nullptr,
                                          nullptr);
}

}  // namespace parcours::kafka
