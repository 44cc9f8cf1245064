#include "cli/progress_bar.h"

#include <unistd.h>

#include <cstdio>

namespace parcours::cli {

ProgressBar::ProgressBar(std::string unit)
    : unit_(std::move(unit)),
      tty_(isatty(STDERR_FILENO) != 0),
      start_(std::chrono::steady_clock::now()) {}

void ProgressBar::update(long done, long total) {
  if (!tty_) return;
  const auto now = std::chrono::steady_clock::now();
  if (now - last_draw_ < std::chrono::milliseconds(100)) return;
  last_draw_ = now;
  const double secs = std::chrono::duration<double>(now - start_).count();
  const double rate = secs > 0 ? static_cast<double>(done) / secs : 0;
  const double frac =
      total > 0 ? std::min(1.0, static_cast<double>(done) / static_cast<double>(total)) : 0;
  char bar[31];
  const int filled = static_cast<int>(frac * 30);
  for (int i = 0; i < 30; ++i) bar[i] = i < filled ? '#' : '.';
  bar[30] = '\0';
  const double eta = rate > 0 && total > done ? static_cast<double>(total - done) / rate : 0;
  std::fprintf(stderr, "\r[%s] %3.0f%%  %ld/%ld %s  %.0f %s/s  ETA %.0fs   ", bar, frac * 100, done,
               total, unit_.c_str(), rate, unit_.c_str(), eta);
  std::fflush(stderr);
}

void ProgressBar::finish(long done) {
  if (!tty_) return;
  last_draw_ = {};
  update(done, done);
  std::fprintf(stderr, "\n");
}

}  // namespace parcours::cli
