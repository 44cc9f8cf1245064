#include "cli/bench_http_load.h"

#include <optional>
#include <random>
#include <thread>

#include <nlohmann/json.hpp>

#include "cli/bench_http_client.h"
#include "common/clock.h"

namespace parcours::cli {

void LoadStats::merge(const LoadStats& other) {
  auto append = [](std::vector<double>& to, const std::vector<double>& from) {
    to.insert(to.end(), from.begin(), from.end());
  };
  append(command_ms, other.command_ms);
  append(late_ms, other.late_ms);
  append(ryw_ms, other.ryw_ms);
  answered += other.answered;
  behind += other.behind;
  retries += other.retries;
  for (const auto& [k, n] : other.sent) sent[k] += n;
  for (const auto& [k, n] : other.command_errors) command_errors[k] += n;
  for (const auto& [k, n] : other.ryw_errors) ryw_errors[k] += n;
  for (const auto& [k, body] : other.error_sample) error_sample.emplace(k, body);
}

namespace {

double ms_between(BenchClock::time_point a, BenchClock::time_point b) {
  return std::chrono::duration<double, std::milli>(b - a).count();
}

struct Command {
  std::string type;
  std::string journey;
  std::string body;
};

// One client's commands: OpenJourney at plan.open_share (and while it has no journey yet),
// else a command on one of its own journeys picked at random. Among those: follow-ups mostly,
// some accompaniment diagnoses and consents, all valid on a journey just opened by the sender.
class Mix {
 public:
  Mix(const LoadPlan& plan, int index)
      : open_share_(plan.open_share),
        prefix_("bh-" + plan.run + "-c" + std::to_string(index) + "-"),
        today_(common::now_rfc3339().substr(0, 10)),
        rng_(static_cast<std::mt19937::result_type>(index + 1)) {}

  Command next() {
    std::uniform_real_distribution<double> u(0, 1);
    if (journeys_.empty() || u(rng_) < open_share_) {
      const std::string id = prefix_ + "j" + std::to_string(++opened_);
      return {"OpenJourney", id, command_body("OpenJourney", open_journey_data())};
    }
    std::uniform_int_distribution<std::size_t> pick(0, journeys_.size() - 1);
    const std::string& journey = journeys_[pick(rng_)];
    const std::string n = std::to_string(++ids_);
    const double x = u(rng_);
    if (x < 0.10) {
      return {"RecordAccompanimentDiagnosis", journey,
              command_body("RecordAccompanimentDiagnosis", {{"diagnosis_id", "d" + n},
                                                            {"date", today_},
                                                            {"barriers", {"mobility", "digital"}},
                                                            {"recommended_path", "iae"}})};
    }
    if (x < 0.15) {
      return {"RecordConsent", journey,
              command_body(
                  "RecordConsent",
                  {{"scope", "share_identity"}, {"org", "*"}, {"given", true}, {"date", today_}})};
    }
    return {"RecordFollowUp", journey,
            command_body("RecordFollowUp",
                         {{"followup_id", "f" + n}, {"date", today_}, {"kind", "interview"}})};
  }

  void accepted(const Command& c) {
    if (c.type == "OpenJourney") journeys_.push_back(c.journey);
  }

  std::string idempotency_key() { return prefix_ + "k" + std::to_string(++keys_); }

 private:
  double open_share_;
  std::string prefix_;
  std::string today_;
  std::mt19937 rng_;
  std::vector<std::string> journeys_;
  long opened_ = 0;
  long ids_ = 0;
  long keys_ = 0;
};

// When each command leaves. Open loop (a rate): client i's k-th slot is
// start + (i + k * clients) / rate, fixed in advance whatever the replies do, so a slow reply
// delays the next commands instead of hiding them (coordinated omission). Closed loop: now.
class Pacer {
 public:
  Pacer(const LoadPlan& plan, int index) : plan_(plan), index_(index) {}

  // The next command's scheduled time, after waiting for it; nullopt once the run is over.
  std::optional<BenchClock::time_point> next(LoadStats* stats) {
    const auto now = BenchClock::now();
    if (plan_.rate <= 0) {
      if (now >= plan_.to) return std::nullopt;
      return now;
    }
    if (now >= plan_.to) {
      // Slots of the measured time this client had no time to send: reported, not dropped.
      for (; slot(k_) < plan_.to; ++k_) {
        if (slot(k_) >= plan_.from) ++stats->behind;
      }
      return std::nullopt;
    }
    const auto s = slot(k_++);
    if (s >= plan_.to) return std::nullopt;
    std::this_thread::sleep_until(s);
    return s;
  }

 private:
  BenchClock::time_point slot(long k) const {
    const double seconds =
        (static_cast<double>(index_) + static_cast<double>(k) * plan_.clients) / plan_.rate;
    return plan_.start +
           std::chrono::duration_cast<BenchClock::duration>(std::chrono::duration<double>(seconds));
  }

  const LoadPlan& plan_;
  int index_;
  long k_ = 0;
};

void count_error(std::map<std::string, long>* counts, LoadStats* stats, const std::string& key,
                 const std::string& body) {
  ++(*counts)[key];
  stats->error_sample.emplace(key, body.substr(0, 300));
}

// GET the journey at the version the reply gave, on the same connection.
void read_your_write(HttpClient& http, const std::string& token, const std::string& journey,
                     long version, bool measured, LoadStats* stats) {
  const auto t0 = BenchClock::now();
  const auto r =
      http.get("/v1/journeys/" + journey + "?min_version=" + std::to_string(version), token);
  if (measured) stats->ryw_ms.push_back(ms_between(t0, BenchClock::now()));
  if (r.status != 200) count_error(&stats->ryw_errors, stats, std::to_string(r.status), r.body);
}

}  // namespace

void run_client(const LoadPlan& plan, int index, const std::string& token, LoadStats* stats) {
  std::optional<HttpClient> http;
  try {
    http.emplace(plan.addr);
  } catch (const std::exception& e) {
    count_error(&stats->command_errors, stats, "connect 0", e.what());
    return;
  }
  Mix mix(plan, index);
  Pacer pacer(plan, index);
  long replies = 0;
  while (const auto scheduled = pacer.next(stats)) {
    const Command c = mix.next();
    const auto sent = BenchClock::now();
    const auto r =
        http->post("/v1/journeys/" + c.journey + "/commands", token, c.body, mix.idempotency_key());
    const auto done = BenchClock::now();
    const bool measured = *scheduled >= plan.from;
    if (done >= plan.from && done <= plan.to) ++stats->answered;
    if (measured) {
      stats->command_ms.push_back(ms_between(*scheduled, done));
      if (plan.rate > 0) stats->late_ms.push_back(ms_between(*scheduled, sent));
      ++stats->sent[c.type];
    }
    if (r.status < 200 || r.status >= 300) {
      count_error(&stats->command_errors, stats, c.type + " " + std::to_string(r.status), r.body);
      // No reply at all: the server is gone or restarting; do not spin on it.
      if (r.status == 0) std::this_thread::sleep_for(std::chrono::milliseconds(100));
      continue;
    }
    mix.accepted(c);
    const auto reply = nlohmann::json::parse(r.body, nullptr, false);
    const long version = reply.is_object() ? reply.value("version", 0L) : 0L;
    if (plan.ryw_every <= 0 || ++replies % plan.ryw_every != 0) continue;
    if (version <= 0) {
      count_error(&stats->ryw_errors, stats, "no version in the command's reply", r.body);
      continue;
    }
    read_your_write(*http, token, c.journey, version, measured, stats);
  }
  stats->retries = http->retries();
}

}  // namespace parcours::cli
