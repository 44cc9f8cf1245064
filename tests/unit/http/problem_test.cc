#include "http/problem.h"

#include <gtest/gtest.h>

#include "http/request.h"

namespace parcours::http {
namespace {

TEST(Problem, BodyHasTheDocumentedMembersInOrder) {
  EXPECT_EQ(problem_body(413, "too_large", "Content too large", "Over 10 bytes."),
            R"({"type":"urn:parcours:problem:too_large","title":"Content too large",)"
            R"("status":413,"code":"too_large","detail":"Over 10 bytes."})");
}

TEST(Problem, EscapesTextAndReplacesInvalidUtf8) {
  EXPECT_EQ(problem_body(400, "malformed", "T", "quote \" and \xff"),
            R"({"type":"urn:parcours:problem:malformed","title":"T","status":400,)"
            R"("code":"malformed","detail":"quote \" and )"
            "\xEF\xBF\xBD\"}");
}

TEST(Problem, ResponseCarriesProblemContentType) {
  const Response r = problem_response(503, "unavailable", "Service unavailable", "Later.");
  EXPECT_EQ(r.status, 503);
  EXPECT_EQ(r.content_type, "application/problem+json");
  EXPECT_EQ(r.body, problem_body(503, "unavailable", "Service unavailable", "Later."));
}

TEST(Request, HeaderLookupIgnoresCase) {
  Request r;
  r.headers = {{"content-type", "application/json"}, {"x-a", "1, 2"}};
  EXPECT_EQ(r.header("Content-Type"), "application/json");
  EXPECT_EQ(r.header("X-A"), "1, 2");
  EXPECT_EQ(r.header("absent"), "");
  r.query = {{"k", "v"}};
  EXPECT_EQ(r.query_param("k"), "v");
  EXPECT_EQ(r.query_param("K"), "");
}

}  // namespace
}  // namespace parcours::http
