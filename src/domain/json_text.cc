#include "domain/json_text.h"

#include <charconv>
#include <string_view>

namespace parcours::domain {

namespace {

std::string replaced(const nlohmann::json& value) {
  return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// True when every byte is written as it is: printable ASCII (DEL included, as dump() writes
// it without ensure_ascii) other than '"' and '\'.
bool plain(std::string_view s) {
  for (const unsigned char c : s) {
    if (c < 0x20 || c >= 0x80 || c == '"' || c == '\\') return false;
  }
  return true;
}

template <class Integer>
void append_integer(std::string& out, Integer v) {
  char buf[24];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, r.ptr);
}

void append_string(std::string& out, const std::string& s) {
  if (!plain(s)) {
    out += replaced(nlohmann::json(s));
    return;
  }
  out.reserve(out.size() + s.size() + 2);
  out.push_back('"');
  out += s;
  out.push_back('"');
}

}  // namespace

void append_json_text(std::string& out, const nlohmann::json& value) {
  using Type = nlohmann::json::value_t;
  switch (value.type()) {
    case Type::object: {
      out.push_back('{');
      bool first = true;
      for (const auto& [k, v] : value.get_ref<const nlohmann::json::object_t&>()) {
        if (!first) out.push_back(',');
        first = false;
        append_string(out, k);
        out.push_back(':');
        append_json_text(out, v);
      }
      out.push_back('}');
      return;
    }
    case Type::array: {
      out.push_back('[');
      bool first = true;
      for (const auto& v : value.get_ref<const nlohmann::json::array_t&>()) {
        if (!first) out.push_back(',');
        first = false;
        append_json_text(out, v);
      }
      out.push_back(']');
      return;
    }
    case Type::string:
      append_string(out, value.get_ref<const std::string&>());
      return;
    case Type::boolean:
      out += value.get<bool>() ? "true" : "false";
      return;
    case Type::null:
      out += "null";
      return;
    case Type::number_integer:
      append_integer(out, value.get<nlohmann::json::number_integer_t>());
      return;
    case Type::number_unsigned:
      append_integer(out, value.get<nlohmann::json::number_unsigned_t>());
      return;
    case Type::number_float:
    case Type::binary:
    case Type::discarded:
      out += replaced(value);
      return;
  }
  out += replaced(value);
}

}  // namespace parcours::domain
