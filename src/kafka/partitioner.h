// Which partition a key goes to: murmur2, as the Java client and librdkafka's murmur2_random
// partitioner compute it, so every writer and reader of a journey agrees on its partition.
#pragma once

#include <cstdint>
#include <string_view>

namespace parcours::kafka {

int32_t partition_of(std::string_view key, int32_t partitions);

}  // namespace parcours::kafka
