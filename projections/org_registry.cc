#include "projections/org_registry.h"

#include <algorithm>
#include <chrono>
#include <thread>

#include "common/log.h"
#include "domain/decide.h"
#include "events/envelope.h"

namespace parcours::projections {

OrgRegistry::OrgRegistry(kafka::KafkaSettings settings, std::string topic, int partitions)
    : settings_(std::move(settings)), topic_(std::move(topic)), partitions_(partitions) {}

OrgRegistry::~OrgRegistry() = default;

kafka::KafkaStatus OrgRegistry::sync(int timeout_ms) {
  using Clock = std::chrono::steady_clock;
  const auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
  for (;;) {
    // A query stuck on a dead leader is asked again with fresh handles while it waits
    // (kafka::WatermarkQuery), which find the new leaders as soon as they are elected. A broker
    // that answers with an error is asked again here.
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    auto s = sync_once(static_cast<int>(std::max<long>(left, 1)));
    if (s.failure != kafka::Failure::retriable || Clock::now() >= deadline) {
      return s;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}

kafka::KafkaStatus OrgRegistry::sync_once(int timeout_ms) {
  std::lock_guard lock(sync_mu_);
  if (!reader_) {
    std::vector<kafka::PartitionStart> starts;
    for (int p = 0; p < partitions_; ++p) starts.push_back({topic_, p, kafka::kFromBeginning});
    std::string error;
    // Unnamed, so without statistics: the reader is polled only when organisation events
    // arrive, and librdkafka would keep every document until then (kafka_settings.h).
    reader_ = kafka::TopicReader::create(
        settings_, starts, &error,
        {{"group.id", "parcours-registry"},
         {"fetch.wait.max.ms", std::to_string(kafka::kFetchWaitRegistryMs)}});
    if (!reader_) return {kafka::Failure::fatal, error};
  }
  std::map<std::pair<std::string, int32_t>, int64_t> ends;
  if (auto s = reader_->end_offsets(&ends, timeout_ms); !s.ok()) return s;
  return reader_->read_until(
      ends,
      [&](const RdKafka::Message& m) {
        auto ev =
            events::decode_record(std::string_view(static_cast<const char*>(m.payload()), m.len()));
        if (!ev) {
          common::log_error("undecodable org event",
                            {{"partition", m.partition()}, {"offset", m.offset()}});
          return;
        }
        apply(*ev);
      },
      timeout_ms);
}

std::optional<domain::Organization> OrgRegistry::get(std::string_view org_id) const {
  std::shared_lock r(mu_);
  const auto* o = orgs_.find(org_id);
  if (!o) return std::nullopt;
  return *o;
}

std::optional<OrgChain> OrgRegistry::chain(std::string_view org_id) const {
  std::shared_lock r(mu_);
  auto it = chains_.find(org_id);
  if (it == chains_.end()) return std::nullopt;
  return it->second;
}

std::size_t OrgRegistry::size() const {
  std::shared_lock r(mu_);
  return orgs_.size();
}

void OrgRegistry::apply(const domain::RecordedEvent& ev) {
  std::unique_lock w(mu_);
  domain::evolve_org(orgs_, ev);
  auto& c = chains_[ev.subject];
  c.version = ev.seq;
  c.last_hash = ev.hash;
  c.commands[ev.command_id] = ev.seq;
  ++applied_;
}

long OrgRegistry::events_applied() const {
  std::shared_lock r(mu_);
  return applied_;
}

}  // namespace parcours::projections
