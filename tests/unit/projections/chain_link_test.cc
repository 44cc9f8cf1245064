// Where an event stands against its journey's state (projections/chain_link.h).
#include "projections/chain_link.h"

#include <gtest/gtest.h>

#include "events/envelope.h"

namespace parcours::projections {
namespace {

domain::RecordedEvent event(long seq, std::string prevhash) {
  domain::RecordedEvent e;
  e.subject = "j";
  e.seq = seq;
  e.prevhash = std::move(prevhash);
  return e;
}

TEST(ChainLink, TheFirstEventFollowsTheZeroHash) {
  domain::JourneyState s;
  EXPECT_EQ(link_of(s, event(1, std::string(events::kZeroHash))), Link::next);
  EXPECT_EQ(link_of(s, event(1, "ab")), Link::hash_mismatch);
  EXPECT_EQ(link_of(s, event(2, std::string(events::kZeroHash))), Link::seq_gap);
}

TEST(ChainLink, ALaterEventFollowsTheLastHash) {
  domain::JourneyState s;
  s.version = 4;
  s.last_hash = "h4";
  EXPECT_EQ(link_of(s, event(5, "h4")), Link::next);
  EXPECT_EQ(link_of(s, event(5, "h3")), Link::hash_mismatch);
  EXPECT_EQ(link_of(s, event(4, "h3")), Link::already_applied);
  EXPECT_EQ(link_of(s, event(1, std::string(events::kZeroHash))), Link::already_applied);
  EXPECT_EQ(link_of(s, event(7, "h6")), Link::seq_gap);
}

TEST(ChainLink, AStateWithoutItsLastHashCannotBeChecked) {
  domain::JourneyState s;
  s.version = 2;
  EXPECT_EQ(link_of(s, event(3, "anything")), Link::next);
}

}  // namespace
}  // namespace parcours::projections
