// `parcours audit`: read a journey's history or verify every hash chain straight from Kafka,
// with no server (ARCHITECTURE §1).
//   audit journey ID [--as-of T]   the timeline and the state (as of T)
//   audit verify                   every chain, seq continuity, schemas, replay through evolve;
//                                  exit status 1 on any break, reported with journey, seq, offset
#pragma once

#include <string>

#include "common/config.h"

namespace parcours::cli {

int audit_journey(const common::Config& config, const std::string& journey,
                  const std::string& as_of);
int audit_verify(const common::Config& config);

}  // namespace parcours::cli
