// `parcours serve`: API + command processor + projector + metrics in one process.
#pragma once

#include "common/config.h"

namespace parcours::cli {

// Runs until SIGTERM or SIGINT; returns the process exit code.
int serve(common::Config config);

}  // namespace parcours::cli
