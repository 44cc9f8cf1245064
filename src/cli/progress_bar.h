// A one-line progress bar on stderr, only when stderr is a terminal.
#pragma once

#include <chrono>
#include <string>

namespace parcours::cli {

class ProgressBar {
 public:
  explicit ProgressBar(std::string unit);
  // Redraws at most 10 times a second; total <= 0 means unknown.
  void update(long done, long total);
  void finish(long done);

 private:
  std::string unit_;
  bool tty_;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_draw_{};
};

}  // namespace parcours::cli
