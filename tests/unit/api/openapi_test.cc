// docs/openapi.json documents exactly the routes the server answers.
#include <gtest/gtest.h>

#include <fstream>
#include <set>

#include <nlohmann/json.hpp>

#include "api/api.h"

namespace parcours::api {
namespace {

TEST(OpenApi, DocumentsExactlyTheServedRoutes) {
  std::ifstream in(std::string(PARCOURS_SOURCE_DIR) + "/docs/openapi.json");
  ASSERT_TRUE(in.good());
  const auto doc = nlohmann::json::parse(in);
  EXPECT_EQ(doc.at("openapi").get<std::string>().substr(0, 2), "3.");
  std::set<std::pair<std::string, std::string>> documented;
  for (const auto& [path, item] : doc.at("paths").items()) {
    for (const auto& [method, op] : item.items()) {
      std::string m = method;
      for (auto& c : m) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      documented.emplace(m, path);
    }
  }
  std::set<std::pair<std::string, std::string>> served;
  for (const auto& r : Api::routes()) served.insert(r);
  EXPECT_EQ(documented, served);
}

}  // namespace
}  // namespace parcours::api
