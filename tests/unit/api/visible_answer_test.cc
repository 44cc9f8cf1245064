#include "api/visible_answer.h"

#include <gtest/gtest.h>

#include <map>
#include <vector>

namespace parcours::api {
namespace {

using namespace std::chrono_literals;

http::Response accepted() {
  http::Response r;
  r.status = 201;
  r.body = R"({"journey_id":"j-1","version":3})";
  return r;
}

// The read models as the answer sees them, and what it was sent.
struct Fixture {
  VersionWaiters waiters;
  std::map<std::string, long> versions;
  bool store_fails = false;
  int reads = 0;
  std::vector<http::Response> answers;
  std::vector<std::pair<double, bool>> waits;
  std::function<void()> on_read;  // runs after a read (a projector racing the answer)

  VisibleAnswerWait wait(std::chrono::milliseconds bound = 200ms) {
    VisibleAnswerWait w;
    w.waiters = &waiters;
    w.bound = bound;
    w.shown = [this](const std::string& journey) -> std::optional<long> {
      ++reads;
      if (store_fails) return std::nullopt;
      auto it = versions.find(journey);
      const long v = it == versions.end() ? 0 : it->second;
      if (on_read) on_read();
      return v;
    };
    w.waited = [this](double s, bool reached) { waits.emplace_back(s, reached); };
    return w;
  }
  http::Responder responder() {
    return [this](http::Response r) { answers.push_back(std::move(r)); };
  }
};

TEST(VisibleAnswer, AnAnswerWhoseVersionIsShownGoesAtOnce) {
  Fixture f;
  f.versions["j-1"] = 3;
  answer_when_shown(f.wait(), "j-1", 3, accepted(), f.responder());
  ASSERT_EQ(f.answers.size(), 1u);
  EXPECT_EQ(f.answers[0].body, accepted().body);
  EXPECT_TRUE(f.waits.empty()) << "an answer that did not wait is not counted as waiting";
  EXPECT_EQ(f.waiters.size(), 0u);
}

TEST(VisibleAnswer, AnAnswerWaitsUntilTheReadModelsShowItsVersion) {
  Fixture f;
  f.versions["j-1"] = 2;
  answer_when_shown(f.wait(), "j-1", 3, accepted(), f.responder());
  EXPECT_TRUE(f.answers.empty()) << "answered before this instance shows the write";
  f.waiters.notify({{"j-1", 2}, {"j-2", 9}});
  EXPECT_TRUE(f.answers.empty()) << "another journey's or an older version woke it";
  f.waiters.notify({{"j-1", 3}});
  ASSERT_EQ(f.answers.size(), 1u);
  EXPECT_EQ(f.answers[0].status, 201);
  EXPECT_EQ(f.answers[0].body, accepted().body);
  ASSERT_EQ(f.waits.size(), 1u);
  EXPECT_TRUE(f.waits[0].second);
  f.waiters.notify({{"j-1", 4}});
  f.waiters.expire(std::chrono::steady_clock::now() + 1h);
  EXPECT_EQ(f.answers.size(), 1u) << "answered twice";
}

TEST(VisibleAnswer, PastItsBoundTheAnswerGoesAsItIs) {
  Fixture f;
  answer_when_shown(f.wait(50ms), "j-1", 3, accepted(), f.responder());
  f.waiters.expire(std::chrono::steady_clock::now() + 10ms);
  EXPECT_TRUE(f.answers.empty()) << "sent before its bound";
  f.waiters.expire(std::chrono::steady_clock::now() + 60ms);
  ASSERT_EQ(f.answers.size(), 1u);
  EXPECT_EQ(f.answers[0].body, accepted().body) << "a late read model changes the answer";
  ASSERT_EQ(f.waits.size(), 1u);
  EXPECT_FALSE(f.waits[0].second);
  EXPECT_EQ(f.waiters.size(), 0u);
}

TEST(VisibleAnswer, AFailingStoreDoesNotHoldTheAnswer) {
  Fixture f;
  f.store_fails = true;
  answer_when_shown(f.wait(), "j-1", 3, accepted(), f.responder());
  EXPECT_EQ(f.answers.size(), 1u);
  EXPECT_EQ(f.waiters.size(), 0u);
}

TEST(VisibleAnswer, AVersionAppliedWhileTheWaitIsRegisteredIsNotMissed) {
  Fixture f;
  f.versions["j-1"] = 2;
  // The projector applies version 3 (and notifies nobody yet waiting) right after the first
  // read: only the read after registering can see it.
  f.on_read = [&f] {
    if (f.reads == 1) f.versions["j-1"] = 3;
  };
  answer_when_shown(f.wait(), "j-1", 3, accepted(), f.responder());
  EXPECT_EQ(f.reads, 2);
  EXPECT_EQ(f.answers.size(), 1u) << "the answer waits for a notify that already happened";
  EXPECT_EQ(f.waiters.size(), 0u);
}

TEST(VisibleAnswer, NoWaitWithoutAJourneyAVersionOrABound) {
  Fixture f;
  answer_when_shown(f.wait(), "", 3, accepted(), f.responder());        // an organisation's
  answer_when_shown(f.wait(), "j-1", 0, accepted(), f.responder());     // no version in it
  answer_when_shown(f.wait(0ms), "j-1", 3, accepted(), f.responder());  // PARCOURS_..._MS=0
  EXPECT_EQ(f.answers.size(), 3u);
  EXPECT_EQ(f.reads, 0);
}

}  // namespace
}  // namespace parcours::api
