// `parcours bench http`: the clients. Each is one thread with its own keep-alive connection and
// its own journeys, so that no two clients ever write the same journey.
#pragma once

#include <chrono>
#include <map>
#include <string>
#include <vector>

#include "common/config.h"

namespace parcours::cli {

using BenchClock = std::chrono::steady_clock;

// What every client shares.
struct LoadPlan {
  std::string addr;  // serve's HTTP address
  std::string org;   // the bench's prescriber organisation
  std::string run;   // unique per run: in journey ids and idempotency keys
  int clients = 1;
  double rate = 0;  // commands/s of all clients together; 0: flat out (closed loop)
  double open_share = 0.1;
  int ryw_every = 1;             // 0: no reads
  BenchClock::time_point start;  // the warm-up begins
  BenchClock::time_point from;   // the measured time begins (samples before are dropped)
  BenchClock::time_point to;     // the measured time ends: no command is sent after it
};

// What one client saw; merged over the clients at the end.
struct LoadStats {
  std::vector<double> command_ms;    // measured: from the scheduled (open loop) or send time
  std::vector<double> late_ms;       // open loop: how late each command left its scheduled time
  std::vector<double> ryw_ms;        // read-your-writes GETs, from their send
  long answered = 0;                 // command replies received within [from, to]
  long behind = 0;                   // open loop: scheduled within [from, to), not sent by `to`
  long retries = 0;                  // requests sent again on a new connection (whole run)
  std::map<std::string, long> sent;  // measured commands by type
  std::map<std::string, long> command_errors;       // "type status" -> count (status 0: no reply)
  std::map<std::string, long> ryw_errors;           // "status" -> count
  std::map<std::string, std::string> error_sample;  // a body per error key, to show one

  void merge(const LoadStats& other);
};

// Runs one client (`index` of plan.clients) until plan.to; `token` is its own.
void run_client(const LoadPlan& plan, int index, const std::string& token, LoadStats* stats);

}  // namespace parcours::cli
