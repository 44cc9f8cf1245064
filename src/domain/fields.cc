#include "domain/fields.h"

#include <algorithm>

namespace parcours::domain {

bool is_valid_id(std::string_view s) {
  if (s.empty() || s.size() > kMaxIdLength) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-';
  });
}

FieldReader::FieldReader(const nlohmann::json& data, std::string prefix)
    : FieldReader(data, std::move(prefix), std::make_shared<std::optional<Rejection>>()) {}

FieldReader::FieldReader(const nlohmann::json& data, std::string prefix,
                         std::shared_ptr<std::optional<Rejection>> error)
    : data_(&data), prefix_(std::move(prefix)), error_(std::move(error)) {
  if (!data_->is_object()) {
    *error_ = malformed(prefix_.empty() ? "data must be a JSON object"
                                        : prefix_ + " must be a JSON object");
  }
}

std::string FieldReader::path(const char* name) const {
  return prefix_.empty() ? std::string(name) : prefix_ + "." + name;
}

void FieldReader::fail(const char* name, const std::string& why) {
  if (!*error_) *error_ = malformed("field '" + path(name) + "' " + why);
}

bool FieldReader::has(const char* name) const {
  if (!data_->is_object()) return false;
  auto it = data_->find(name);
  return it != data_->end() && !it->is_null();
}

const nlohmann::json* FieldReader::field(const char* name, bool required) {
  read_.emplace_back(name);
  if (*error_ || !data_->is_object()) return nullptr;
  auto it = data_->find(name);
  if (it == data_->end() || it->is_null()) {
    if (required) fail(name, "is required");
    return nullptr;
  }
  return &*it;
}

std::optional<std::string> FieldReader::opt_id(const char* name) {
  const auto* f = field(name, false);
  if (!f) return std::nullopt;
  if (!f->is_string() || !is_valid_id(f->get_ref<const std::string&>())) {
    fail(name, "must match [A-Za-z0-9_-]{1,64}");
    return std::nullopt;
  }
  return f->get<std::string>();
}

std::string FieldReader::id(const char* name) {
  if (!field(name, true)) return {};
  return opt_id(name).value_or("");
}

std::optional<std::string> FieldReader::opt_text(const char* name, std::size_t max_len) {
  const auto* f = field(name, false);
  if (!f) return std::nullopt;
  if (!f->is_string()) {
    fail(name, "must be a string");
    return std::nullopt;
  }
  const auto& s = f->get_ref<const std::string&>();
  if (s.size() > max_len) {
    fail(name, "is longer than " + std::to_string(max_len) + " bytes");
    return std::nullopt;
  }
  return s;
}

std::string FieldReader::text(const char* name, std::size_t max_len) {
  if (!field(name, true)) return {};
  auto v = opt_text(name, max_len);
  if (v && v->empty()) fail(name, "must not be empty");
  return v.value_or("");
}

std::optional<Date> FieldReader::opt_date(const char* name) {
  const auto* f = field(name, false);
  if (!f) return std::nullopt;
  std::optional<Date> d;
  if (f->is_string()) d = Date::parse(f->get_ref<const std::string&>());
  if (!d) fail(name, "must be an existing date YYYY-MM-DD");
  return d;
}

Date FieldReader::date(const char* name) {
  if (!field(name, true)) return {};
  return opt_date(name).value_or(Date{});
}

bool FieldReader::boolean(const char* name) {
  const auto* f = field(name, true);
  if (!f) return false;
  if (!f->is_boolean()) {
    fail(name, "must be true or false");
    return false;
  }
  return f->get<bool>();
}

std::optional<long> FieldReader::opt_integer(const char* name, long min, long max) {
  const auto* f = field(name, false);
  if (!f) return std::nullopt;
  if (!f->is_number_integer()) {
    fail(name, "must be an integer");
    return std::nullopt;
  }
  // Read as the widest type first so that huge values are refused, not wrapped.
  const auto v = f->is_number_unsigned() ? static_cast<long double>(f->get<std::uint64_t>())
                                         : static_cast<long double>(f->get<std::int64_t>());
  if (v < min || v > max) {
    fail(name, "must be between " + std::to_string(min) + " and " + std::to_string(max));
    return std::nullopt;
  }
  return static_cast<long>(v);
}

long FieldReader::integer(const char* name, long min, long max) {
  if (!field(name, true)) return 0;
  return opt_integer(name, min, max).value_or(0);
}

template <class Range>
std::optional<std::string> FieldReader::opt_one_of_range(const char* name, const Range& allowed) {
  const auto* f = field(name, false);
  if (!f) return std::nullopt;
  if (f->is_string()) {
    const auto& s = f->get_ref<const std::string&>();
    for (const auto& a : allowed) {
      if (s == a) return s;
    }
  }
  std::string list;
  for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
  fail(name, "must be one of: " + list);
  return std::nullopt;
}

std::optional<std::string> FieldReader::opt_one_of(
    const char* name, std::initializer_list<std::string_view> allowed) {
  return opt_one_of_range(name, allowed);
}

std::optional<std::string> FieldReader::opt_one_of(const char* name,
                                                   const std::vector<std::string>& allowed) {
  return opt_one_of_range(name, allowed);
}

std::string FieldReader::one_of(const char* name, std::initializer_list<std::string_view> allowed) {
  if (!field(name, true)) return {};
  return opt_one_of(name, allowed).value_or("");
}

std::string FieldReader::one_of(const char* name, const std::vector<std::string>& allowed) {
  if (!field(name, true)) return {};
  return opt_one_of(name, allowed).value_or("");
}

template <class Range>
std::vector<std::string> FieldReader::list_of_range(const char* name, const Range& allowed,
                                                    bool required) {
  std::vector<std::string> out;
  const auto* f = field(name, required);
  if (!f) return out;
  if (!f->is_array()) {
    fail(name, "must be an array of strings");
    return out;
  }
  if (f->size() > 64) {
    fail(name, "has more than 64 items");
    return out;
  }
  const bool any_id = std::begin(allowed) == std::end(allowed);
  for (const auto& item : *f) {
    if (!item.is_string()) {
      fail(name, "must be an array of strings");
      return {};
    }
    const auto& s = item.get_ref<const std::string&>();
    bool known = any_id && is_valid_id(s);
    for (const auto& a : allowed) known = known || s == a;
    // Values are never echoed: a client may put anything in a field, and a detail travels
    // on the replies topic and into logs. The item's position is enough to find it.
    const std::string item_no = std::to_string(out.size() + 1);
    if (!known) {
      fail(name, "has an unknown value (item " + item_no + ")");
      return {};
    }
    if (std::find(out.begin(), out.end(), s) != out.end()) {
      fail(name, "repeats a value (item " + item_no + ")");
      return {};
    }
    out.push_back(s);
  }
  return out;
}

std::vector<std::string> FieldReader::list_of(const char* name,
                                              std::initializer_list<std::string_view> allowed,
                                              bool required) {
  return list_of_range(name, allowed, required);
}

std::vector<std::string> FieldReader::list_of(const char* name,
                                              const std::vector<std::string>& allowed,
                                              bool required) {
  return list_of_range(name, allowed, required);
}

std::optional<FieldReader> FieldReader::object(const char* name, bool required) {
  const auto* f = field(name, required);
  if (!f) return std::nullopt;
  if (!f->is_object()) {
    fail(name, "must be an object");
    return std::nullopt;
  }
  return FieldReader(*f, path(name), error_);
}

std::optional<Rejection> FieldReader::finish() {
  if (!*error_ && data_->is_object()) {
    for (const auto& [key, value] : data_->items()) {
      if (std::find(read_.begin(), read_.end(), key) != read_.end()) continue;
      // The unknown name is not echoed (it is the client's text); the known ones are ours.
      std::vector<std::string_view> names = read_;
      std::sort(names.begin(), names.end());
      names.erase(std::unique(names.begin(), names.end()), names.end());
      std::string known;
      for (const auto& k : names) {
        if (!known.empty()) known += ", ";
        known += k;
      }
      *error_ = malformed((prefix_.empty() ? std::string("data") : prefix_) +
                          " holds a field this command does not take (it takes: " + known + ")");
      break;
    }
  }
  return *error_;
}

}  // namespace parcours::domain
