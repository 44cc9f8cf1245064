// Names the calling thread for `top -H -p <pid>`, `ps -L` and /proc/<pid>/task/*/comm, so that
// the CPU of each of serve's threads can be told apart (docs/operations.md). Linux keeps 15
// bytes of a name; longer ones are cut.
#pragma once

#include <pthread.h>

#include <string>
#include <string_view>

namespace parcours::common {

inline void name_this_thread(std::string_view name) {
  const std::string cut(name.substr(0, 15));
  (void)pthread_setname_np(pthread_self(), cut.c_str());
}

}  // namespace parcours::common
