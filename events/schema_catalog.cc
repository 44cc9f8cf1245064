#include "events/schema_catalog.h"

#include <stdexcept>

#include <valijson/adapters/nlohmann_json_adapter.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validation_results.hpp>
#include <valijson/validator.hpp>

namespace parcours::events {

struct SchemaCatalog::Compiled {
  nlohmann::json document;
  valijson::Schema schema;
};

namespace {

constexpr std::string_view kEnvelopeFile = "cloudevent.v1.json";

// A calendar date of the years 1900-2199 (the years the domain reads: every date schema also
// says `"pattern": "^(19|20|21)[0-9]{2}-"`), leap days included, as one regular expression.
constexpr const char* kCalendarDate =
    "^(19|20|21)[0-9]{2}-((0[1-9]|1[0-2])-(0[1-9]|1[0-9]|2[0-8])|(0[13-9]|1[0-2])-(29|30)|"
    "(0[13578]|1[02])-31)$|"
    "^((19|21)(0[48]|[2468][048]|[13579][26])|20(0[048]|[2468][048]|[13579][26]))-02-29$";

// valijson compiles a std::regex on every check of `"format": "date"` (about a millisecond per
// event), while the regexes of `pattern` are compiled once per validator. The compiled form of
// a schema therefore checks a date with the equivalent pattern; the documents given to
// subscribers keep their `format`.
nlohmann::json with_calendar_patterns(nlohmann::json doc) {
  if (doc.is_object()) {
    if (doc.value("format", "") == "date") {
      doc.erase("format");
      doc["pattern"] = kCalendarDate;
    }
    for (auto& [key, value] : doc.items()) value = with_calendar_patterns(std::move(value));
  } else if (doc.is_array()) {
    for (auto& value : doc) value = with_calendar_patterns(std::move(value));
  }
  return doc;
}

std::unique_ptr<SchemaCatalog::Compiled> compile(const std::string& name, const std::string& text) {
  auto c = std::make_unique<SchemaCatalog::Compiled>();
  c->document = nlohmann::json::parse(text, nullptr, false);
  if (c->document.is_discarded()) throw std::invalid_argument("schema " + name + " is not JSON");
  const nlohmann::json compiled = with_calendar_patterns(c->document);
  valijson::SchemaParser parser;
  valijson::adapters::NlohmannJsonAdapter adapter(compiled);
  parser.populateSchema(adapter, c->schema);
  return c;
}

std::vector<std::string> run(const valijson::Schema& schema, const nlohmann::json& target) {
  // One validator per thread keeps its cache of compiled patterns.
  thread_local valijson::Validator validator;
  valijson::ValidationResults results;
  valijson::adapters::NlohmannJsonAdapter adapter(target);
  std::vector<std::string> problems;
  if (!validator.validate(schema, adapter, &results)) {
    valijson::ValidationResults::Error err;
    while (results.popError(err)) {
      std::string where;
      for (const auto& p : err.context) where += p;
      problems.push_back(where + ": " + err.description);
    }
  }
  return problems;
}

}  // namespace

SchemaCatalog::SchemaCatalog(const std::vector<std::pair<std::string, std::string>>& files) {
  for (const auto& [name, text] : files) {
    if (name == kEnvelopeFile) {
      envelope_ = compile(name, text);
      continue;
    }
    // "<type>.v<N>.json" -> "<type>"; only v1 exists so far, a v2 will need its upcaster.
    const auto pos = name.rfind(".v");
    if (pos == std::string::npos) throw std::invalid_argument("bad schema file name " + name);
    by_type_[name.substr(0, pos)] = compile(name, text);
  }
  if (!envelope_) throw std::invalid_argument("no envelope schema " + std::string(kEnvelopeFile));
}

SchemaCatalog::~SchemaCatalog() = default;

const SchemaCatalog& SchemaCatalog::standard() {
  static const SchemaCatalog catalog(embedded_schema_files());
  return catalog;
}

bool SchemaCatalog::has(std::string_view type) const {
  return by_type_.count(type) > 0;
}

std::vector<std::string> SchemaCatalog::types() const {
  std::vector<std::string> out;
  for (const auto& [t, _] : by_type_) out.push_back(t);
  return out;
}

const nlohmann::json* SchemaCatalog::document(std::string_view type) const {
  if (type == "cloudevent") return &envelope_->document;
  auto it = by_type_.find(type);
  return it == by_type_.end() ? nullptr : &it->second->document;
}

std::vector<std::string> SchemaCatalog::validate_data(std::string_view type,
                                                      const nlohmann::json& data) const {
  auto it = by_type_.find(type);
  if (it == by_type_.end()) return {"no schema for event type '" + std::string(type) + "'"};
  return run(it->second->schema, data);
}

std::vector<std::string> SchemaCatalog::validate(const nlohmann::json& envelope) const {
  auto problems = run(envelope_->schema, envelope);
  if (!problems.empty()) return problems;
  for (auto& p : validate_data(envelope.at("type").get<std::string>(), envelope.at("data"))) {
    problems.push_back("data" + p);
  }
  return problems;
}

}  // namespace parcours::events
