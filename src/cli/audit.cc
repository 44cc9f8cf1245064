#include "cli/audit.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <map>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli/progress_bar.h"
#include "common/clock.h"
#include "domain/decide.h"
#include "events/envelope.h"
#include "events/hash_chain.h"
#include "events/schema_catalog.h"
#include "kafka/partitioner.h"
#include "kafka/topic_reader.h"
#include "kafka/topics.h"
#include "projections/journey_view.h"

namespace parcours::cli {

namespace {

kafka::KafkaSettings settings_of(const common::Config& c) {
  return {c.kafka_brokers, c.kafka_props, 0};
}

std::string_view payload(const RdKafka::Message& m) {
  return {static_cast<const char*>(m.payload()), m.payload() ? m.len() : 0};
}

}  // namespace

int audit_journey(const common::Config& config, const std::string& journey,
                  const std::string& as_of_text) {
  std::optional<std::chrono::system_clock::time_point> as_of;
  if (!as_of_text.empty()) {
    as_of = common::parse_rfc3339(as_of_text);
    if (!as_of) {
      std::cerr << "parcours audit: --as-of must be an RFC 3339 date-time\n";
      return 2;
    }
  }
  const auto k = settings_of(config);
  const int partitions = kafka::partition_count(k, config.events_topic());
  if (partitions <= 0) {
    std::cerr << "parcours audit: topic " << config.events_topic() << " not found\n";
    return 2;
  }
  const int32_t p = kafka::partition_of(journey, partitions);
  std::string error;
  auto reader = kafka::TopicReader::create(k, {{config.events_topic(), p, kafka::kFromBeginning}},
                                           &error, {{"group.id", "parcours-audit"}});
  if (!reader) {
    std::cerr << "parcours audit: " << error << "\n";
    return 1;
  }
  domain::JourneyState state;
  events::ChainVerifier chain;
  int breaks = 0;
  std::printf("journey %s (partition %d of %s)\n", journey.c_str(), p,
              config.events_topic().c_str());
  auto s = reader->read_to_end([&](const RdKafka::Message& m) {
    auto env = nlohmann::json::parse(payload(m), nullptr, false);
    if (env.is_discarded() || env.value("subject", "") != journey) return;
    if (auto b = chain.add(env)) {
      ++breaks;
      std::printf("  BREAK seq %ld at offset %lld: %s (%s)\n", b->seq,
                  static_cast<long long>(m.offset()), b->kind.c_str(), b->detail.c_str());
    }
    auto ev = events::decode(env);
    if (!ev) return;
    const auto t = common::parse_rfc3339(ev->time);
    const bool shown = !as_of || (t && *t <= *as_of);
    std::printf("  %s%4ld  %s  %-34s %s@%s  %s\n", shown ? "" : "(after) ", ev->seq,
                ev->time.c_str(), ev->type.c_str(), ev->actor.c_str(), ev->actor_org.c_str(),
                ev->ruleset.c_str());
    if (shown) domain::evolve(state, *ev);
  });
  if (!s.ok()) {
    std::cerr << "parcours audit: " << s.message << "\n";
    return 1;
  }
  if (!state.exists()) {
    std::printf("no events%s\n", as_of ? " recorded by then" : "");
    return breaks ? 1 : 0;
  }
  projections::RenderOptions o;
  o.today = as_of ? domain::Date::utc_date_of(*as_of)
                  : domain::Date::utc_date_of(std::chrono::system_clock::now());
  std::printf("chain: %s, %ld events, head %s\nstate%s:\n%s\n", breaks ? "BROKEN" : "intact",
              chain.events(), chain.head_hash().c_str(),
              as_of ? (" as of " + as_of_text).c_str() : "",
              projections::render_journey(state, o).dump(2).c_str());
  return breaks ? 1 : 0;
}

namespace {

struct Break {
  std::string topic, stream, kind, detail;
  long seq;
  int32_t partition;
  int64_t offset;
};

// What verifying one partition found. Every stream (a journey, an organisation) lives in one
// partition, so partitions are verified independently of each other.
struct PartitionVerdict {
  std::vector<Break> breaks;  // in offset order
  long streams = 0;
  std::string error;  // the partition could not be read to its end
};

PartitionVerdict verify_partition(const kafka::KafkaSettings& k, const std::string& topic,
                                  bool journeys, int32_t p, std::atomic<long>& events_read) {
  PartitionVerdict verdict;
  const auto& schemas = events::SchemaCatalog::standard();
  auto reader = kafka::TopicReader::create(k, {{topic, p, kafka::kFromBeginning}}, &verdict.error,
                                           {{"group.id", "parcours-audit"}});
  if (!reader) return verdict;
  std::map<std::string, events::ChainVerifier> chains;
  std::map<std::string, domain::JourneyState> states;
  domain::OrgMap orgs;
  auto s = reader->read_to_end([&](const RdKafka::Message& m) {
    events_read.fetch_add(1, std::memory_order_relaxed);
    auto env = nlohmann::json::parse(payload(m), nullptr, false);
    const std::string stream = env.is_object() ? env.value("subject", "?") : std::string("?");
    auto report = [&](long seq, std::string kind, std::string detail) {
      verdict.breaks.push_back(
          {topic, stream, std::move(kind), std::move(detail), seq, p, m.offset()});
    };
    if (env.is_discarded()) return report(0, "undecodable", "not JSON");
    if (auto b = chains[stream].add(env)) report(b->seq, b->kind, b->detail);
    if (auto problems = schemas.validate(env); !problems.empty()) {
      report(env.value("seq", 0L), "schema", problems.front());
    }
    auto ev = events::decode(env);
    if (!ev) return;
    try {
      if (journeys) {
        auto& st = states[stream];
        domain::evolve(st, *ev);
        if (st.version != ev->seq) report(ev->seq, "replay", "replayed version differs");
      } else {
        domain::evolve_org(orgs, *ev);
      }
    } catch (const std::exception& e) {
      report(ev->seq, "replay", std::string("evolve failed: ") + e.what());
    }
  });
  if (!s.ok()) verdict.error = s.message;
  verdict.streams = static_cast<long>(chains.size());
  return verdict;
}

}  // namespace

int audit_verify(const common::Config& config) {
  const auto k = settings_of(config);
  struct Work {
    std::string topic;
    bool journeys;
    int32_t partition;
  };
  std::vector<Work> work;
  for (const auto& topic : {config.org_events_topic(), config.events_topic()}) {
    const int partitions = kafka::partition_count(k, topic);
    if (partitions <= 0) {
      std::cerr << "parcours audit: topic " << topic << " not found\n";
      return 2;
    }
    for (int32_t p = 0; p < partitions; ++p) {
      work.push_back({topic, topic == config.events_topic(), p});
    }
  }
  // One thread per core, each taking the next partition in line: verifying is CPU-bound
  // (parsing, schemas, hashing, replay), and a thread holds one partition's streams at a time.
  std::vector<PartitionVerdict> verdicts(work.size());
  std::atomic<std::size_t> next{0};
  std::atomic<long> events_read{0};
  std::atomic<int> running{0};
  const std::size_t threads =
      std::clamp<std::size_t>(std::thread::hardware_concurrency(), 1, work.size());
  std::vector<std::thread> pool;
  running = static_cast<int>(threads);
  for (std::size_t t = 0; t < threads; ++t) {
    pool.emplace_back([&] {
      for (std::size_t i; (i = next.fetch_add(1)) < work.size();) {
        verdicts[i] =
            verify_partition(k, work[i].topic, work[i].journeys, work[i].partition, events_read);
      }
      --running;
    });
  }
  ProgressBar bar("events");
  while (running > 0) {
    bar.update(events_read, 0);
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  for (auto& t : pool) t.join();
  bar.finish(events_read);

  long streams = 0;
  std::vector<Break> breaks;
  for (auto& v : verdicts) {
    if (!v.error.empty()) {
      std::cerr << "parcours audit: " << v.error << "\n";
      return 1;
    }
    streams += v.streams;
    for (auto& b : v.breaks) breaks.push_back(std::move(b));
  }
  nlohmann::json out = {{"events", events_read.load()},
                        {"streams", streams},
                        {"ok", breaks.empty()},
                        {"breaks", nlohmann::json::array()}};
  for (const auto& b : breaks) {
    out["breaks"].push_back({{"topic", b.topic},
                             {"stream", b.stream},
                             {"seq", b.seq},
                             {"partition", b.partition},
                             {"offset", b.offset},
                             {"kind", b.kind},
                             {"detail", b.detail}});
  }
  std::cout << out.dump(2) << "\n";
  return breaks.empty() ? 0 : 1;
}

}  // namespace parcours::cli
