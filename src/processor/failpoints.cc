#include "processor/failpoints.h"

#include <atomic>
#include <csignal>
#include <cstdlib>
#include <memory>
#include <string>

namespace parcours::processor {

std::string arm_test_failpoints(ProcessorPool& pool) {
  const char* fp = std::getenv("PARCOURS_FAILPOINT");
  if (!fp || !*fp) return {};
  const std::string spec(fp);
  if (spec.rfind("crash_after_commit:", 0) == 0) {
    const long after = std::stol(spec.substr(19));
    auto commits = std::make_shared<std::atomic<long>>(0);
    for (std::size_t i = 0; i < pool.size(); ++i) {
      pool.processor(i).after_commit_hook = [after, commits] {
        if (++*commits >= after) std::_Exit(137);
      };
    }
    return spec;
  }
  if (spec.rfind("crash_on_command:", 0) == 0 && spec.size() > 17) {
    for (std::size_t i = 0; i < pool.size(); ++i) {
      pool.processor(i).before_decide_hook = [marker = spec.substr(17)](std::string_view record) {
        if (record.find(marker) == std::string_view::npos) return;
        std::signal(SIGSEGV, SIG_DFL);
        std::raise(SIGSEGV);
      };
    }
    return spec;
  }
  return {};
}

}  // namespace parcours::processor
