#include "projections/chain_link.h"

#include "events/envelope.h"

namespace parcours::projections {

Link link_of(const domain::JourneyState& state, const domain::RecordedEvent& event) {
  if (event.seq <= state.version) return Link::already_applied;
  if (event.seq != state.version + 1) return Link::seq_gap;
  if (state.version == 0) {
    return event.prevhash == events::kZeroHash ? Link::next : Link::hash_mismatch;
  }
  // A state stored before states kept their last hash cannot be checked.
  if (state.last_hash.empty()) return Link::next;
  return event.prevhash == state.last_hash ? Link::next : Link::hash_mismatch;
}

const char* to_string(Link l) {
  switch (l) {
    case Link::next:
      return "next";
    case Link::already_applied:
      return "already_applied";
    case Link::seq_gap:
      return "seq_gap";
    case Link::hash_mismatch:
      return "hash_mismatch";
  }
  return "unknown";
}

nlohmann::json BrokenInvariant::to_json() const {
  return {{"kind", kind},           {"topic", topic},     {"partition", partition},
          {"offset", offset},       {"journey", journey}, {"expected_seq", expected_seq},
          {"found_seq", found_seq}, {"detail", detail}};
}

}  // namespace parcours::projections
