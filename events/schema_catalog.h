// JSON Schemas of the event catalogue (events/schemas/<type>.v<N>.json), compiled into the
// binary so that `parcours` and the tests validate against exactly the files in the repo.
//
// Thread-safety: SchemaCatalog::standard() is immutable once built; validate() is const and
// may be called from any thread.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace parcours::events {

class SchemaCatalog {
 public:
  // The catalogue built from events/schemas at compile time.
  static const SchemaCatalog& standard();
  // From explicit (file name, JSON text) pairs; throws std::invalid_argument on a bad schema.
  explicit SchemaCatalog(const std::vector<std::pair<std::string, std::string>>& files);
  ~SchemaCatalog();

  // Validates a whole envelope: the envelope schema, then `data` against the schema of its
  // type. Returns the problems found (empty = valid).
  std::vector<std::string> validate(const nlohmann::json& envelope) const;
  // Validates `data` of one event type. Unknown type: one problem.
  std::vector<std::string> validate_data(std::string_view type, const nlohmann::json& data) const;

  bool has(std::string_view type) const;
  std::vector<std::string> types() const;
  // The schema document of a type (for docs and the foreign-client test).
  const nlohmann::json* document(std::string_view type) const;

  struct Compiled;  // a parsed schema document and its compiled form

 private:
  std::map<std::string, std::unique_ptr<Compiled>, std::less<>> by_type_;
  std::unique_ptr<Compiled> envelope_;
};

// Embedded schema files: (file name, text). Generated from events/schemas by CMake.
const std::vector<std::pair<std::string, std::string>>& embedded_schema_files();

}  // namespace parcours::events
