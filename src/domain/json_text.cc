#include "domain/json_text.h"

#include <charconv>
#include <cstring>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#include <string_view>

namespace parcours::domain {

namespace {

std::string replaced(const nlohmann::json& value) {
  return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

template <class Integer>
void append_integer(std::string& out, Integer v) {
  char buf[24];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, r.ptr);
}

}  // namespace

void append_json_text_string(std::string& out, std::string_view s) {
  if (!json_plain(s)) {
    out += replaced(nlohmann::json(std::string(s)));
    return;
  }
  out.reserve(out.size() + s.size() + 2);
  out.push_back('"');
  out += s;
  out.push_back('"');
}

#if defined(__SSE2__)
namespace {
// True when one of the 16 bytes at `p` is below 0x20 or from 0x80 up (as signed bytes those
// are negative: one "less than" finds both), or is '"' or '\'.
bool any_to_escape(const char* p) {
  const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
  const __m128i bad = _mm_or_si128(
      _mm_cmplt_epi8(v, _mm_set1_epi8(0x20)),
      _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('"')), _mm_cmpeq_epi8(v, _mm_set1_epi8('\\'))));
  return _mm_movemask_epi8(bad) != 0;
}
}  // namespace

bool json_plain(std::string_view s) {
  if (s.size() < 16) {
    // Most strings are short (ids, dates, codes, member names): copied into one block filled
    // with a plain byte, so that they too are one check.
    char block[16];
    std::memset(block, 'x', sizeof block);
    std::memcpy(block, s.data(), s.size());
    return !any_to_escape(block);
  }
  const std::size_t last = s.size() - 16;
  for (std::size_t i = 0; i < last; i += 16) {
    if (any_to_escape(s.data() + i)) return false;
  }
  return !any_to_escape(s.data() + last);  // the last 16 bytes, overlapping the blocks before
}
#else
bool json_plain(std::string_view s) {
  for (const char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (c < 0x20 || c >= 0x80 || c == '"' || c == '\\') return false;
  }
  return true;
}
#endif

void append_json_text(std::string& out, const nlohmann::json& value) {
  using Type = nlohmann::json::value_t;
  switch (value.type()) {
    case Type::object: {
      out.push_back('{');
      bool first = true;
      for (const auto& [k, v] : value.get_ref<const nlohmann::json::object_t&>()) {
        if (!first) out.push_back(',');
        first = false;
        append_json_text_string(out, k);
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
      append_json_text_string(out, value.get_ref<const std::string&>());
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
