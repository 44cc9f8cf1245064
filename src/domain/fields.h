// Strict reading of a command's `data` object.
//
// Every command field is read through a FieldReader, so that a missing field, a wrong type,
// an unknown enum value, an impossible date, an over-long string or an unexpected field all
// give the same answer: 400 `malformed`, naming the field (JOURNEY §5). The first problem wins;
// later reads return defaults and are ignored.
#pragma once

#include <initializer_list>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "domain/date.h"
#include "domain/result.h"

namespace parcours::domain {

// Documented limits (README "Limits"): ids follow the journey id pattern of JOURNEY §1.
inline constexpr std::size_t kMaxIdLength = 64;
inline constexpr std::size_t kMaxShortText = 200;  // names, titles, reasons
inline constexpr std::size_t kMaxLongText = 4000;  // notes, messages, explanations

// [A-Za-z0-9_-]{1,64}
bool is_valid_id(std::string_view s);

class FieldReader {
 public:
  explicit FieldReader(const nlohmann::json& data, std::string prefix = "");
  // A reader of a nested object: it shares its parent's first-error slot.
  FieldReader(const nlohmann::json& data, std::string prefix,
              std::shared_ptr<std::optional<Rejection>> error);

  std::string id(const char* name);  // required, is_valid_id
  std::optional<std::string> opt_id(const char* name);
  std::string text(const char* name, std::size_t max_len = kMaxShortText);  // required, non-empty
  std::optional<std::string> opt_text(const char* name, std::size_t max_len = kMaxShortText);
  Date date(const char* name);
  std::optional<Date> opt_date(const char* name);
  bool boolean(const char* name);
  // Integer in [min, max]; JSON floats are refused (no floating point in the domain).
  long integer(const char* name, long min, long max);
  std::optional<long> opt_integer(const char* name, long min, long max);
  // A string from a closed list.
  std::string one_of(const char* name, std::initializer_list<std::string_view> allowed);
  std::optional<std::string> opt_one_of(const char* name,
                                        std::initializer_list<std::string_view> allowed);
  // Same, from a list held by a ruleset.
  std::string one_of(const char* name, const std::vector<std::string>& allowed);
  std::optional<std::string> opt_one_of(const char* name, const std::vector<std::string>& allowed);
  // A list of distinct strings, each from `allowed` (or any id when allowed is empty).
  std::vector<std::string> list_of(const char* name,
                                   std::initializer_list<std::string_view> allowed,
                                   bool required = true);
  std::vector<std::string> list_of(const char* name, const std::vector<std::string>& allowed,
                                   bool required = true);
  // A nested object, read by its own FieldReader (call its finish() too); nullopt if absent
  // and not required, or on error.
  std::optional<FieldReader> object(const char* name, bool required = true);
  // Was the field present (and not null)? Does not mark it as read.
  bool has(const char* name) const;

  // Marks the end of reading: any field not read is an error (typos do not pass silently).
  // Returns the first problem met by this reader or any reader sharing its slot.
  std::optional<Rejection> finish();
  bool ok() const { return !*error_; }
  // Records a problem found by the caller (e.g. end before start), as malformed.
  void fail(const char* name, const std::string& why);
  const nlohmann::json& raw() const { return *data_; }

 private:
  const nlohmann::json* field(const char* name, bool required);
  template <class Range>
  std::optional<std::string> opt_one_of_range(const char* name, const Range& allowed);
  template <class Range>
  std::vector<std::string> list_of_range(const char* name, const Range& allowed, bool required);
  std::string path(const char* name) const;

  const nlohmann::json* data_;
  std::string prefix_;
  // The names read so far (the callers' literals), in the order read, a name maybe more than
  // once: a handful per command, where a set cost an allocation per field.
  std::vector<std::string_view> read_;
  std::shared_ptr<std::optional<Rejection>> error_;
};

}  // namespace parcours::domain
