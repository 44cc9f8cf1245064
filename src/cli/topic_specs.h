// The topics of ARCHITECTURE §2 with their settings, from the configuration.
#pragma once

#include <vector>

#include "common/config.h"
#include "kafka/topics.h"

namespace parcours::cli {

std::vector<kafka::TopicSpec> topic_specs(const common::Config& c);

}  // namespace parcours::cli
