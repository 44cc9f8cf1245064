#include "api/logged_answer.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

namespace parcours::api {
namespace {

http::Response shown() {
  http::Response r;
  r.status = 200;
  r.body = R"({"person":"Jeanne Martin"})";
  return r;
}

struct Sent {
  std::vector<http::Response> answers;
  http::Responder responder() {
    return [this](http::Response r) { answers.push_back(std::move(r)); };
  }
};

TEST(LoggedAnswer, RenderedThenAcknowledgedSendsTheAnswerOnceAcknowledged) {
  Sent sent;
  LoggedAnswer a(sent.responder());
  a.rendered(shown());
  EXPECT_TRUE(sent.answers.empty()) << "shown before its read was on the access log";
  a.acknowledged(true);
  ASSERT_EQ(sent.answers.size(), 1u);
  EXPECT_EQ(sent.answers[0].status, 200);
  EXPECT_EQ(sent.answers[0].body, shown().body);
}

TEST(LoggedAnswer, AcknowledgedThenRenderedSendsTheAnswerOnceRendered) {
  Sent sent;
  LoggedAnswer a(sent.responder());
  a.acknowledged(true);
  EXPECT_TRUE(sent.answers.empty());
  a.rendered(shown());
  ASSERT_EQ(sent.answers.size(), 1u);
  EXPECT_EQ(sent.answers[0].status, 200);
}

TEST(LoggedAnswer, ARefusedEntryAnswers503AndNeverTheIdentity) {
  for (const bool refused_first : {true, false}) {
    Sent sent;
    LoggedAnswer a(sent.responder());
    if (refused_first) {
      a.acknowledged(false);
      a.rendered(shown());
    } else {
      a.rendered(shown());
      a.acknowledged(false);
    }
    ASSERT_EQ(sent.answers.size(), 1u) << "refused first: " << refused_first;
    EXPECT_EQ(sent.answers[0].status, 503);
    EXPECT_EQ(sent.answers[0].body.find("Jeanne"), std::string::npos);
    EXPECT_NE(sent.answers[0].body.find("unavailable"), std::string::npos);
  }
}

TEST(LoggedAnswer, FromTwoThreadsTheAnswerIsSentExactlyOnce) {
  for (int i = 0; i < 500; ++i) {
    std::atomic<int> calls{0};
    std::atomic<int> status{0};
    LoggedAnswer a([&](http::Response r) {
      status = r.status;
      ++calls;
    });
    std::thread log([&] { a.acknowledged(true); });
    a.rendered(shown());
    log.join();
    ASSERT_EQ(calls.load(), 1) << "round " << i;
    ASSERT_EQ(status.load(), 200);
  }
}

}  // namespace
}  // namespace parcours::api
