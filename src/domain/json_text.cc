#include "domain/json_text.h"

#include <charconv>
#include <cstdint>
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

namespace {

// True when one of the eight bytes of `x` is below 0x20, from 0x80 up, '"' or '\'. The
// tests are the "has a byte less than n" and "has a zero byte" words of bit-twiddling: each
// may flag a byte above a true one, never a byte when there is none, so "any" is exact.
bool any_to_escape(std::uint64_t x) {
  constexpr std::uint64_t ones = 0x0101010101010101, highs = 0x8080808080808080;
  const auto has_zero = [](std::uint64_t v) { return (v - ones) & ~v & highs; };
  const std::uint64_t below_space = (x - ones * 0x20) & ~x & highs;
  return ((x & highs) | below_space | has_zero(x ^ (ones * '"')) | has_zero(x ^ (ones * '\\'))) !=
         0;
}

template <class Word>
std::uint64_t load(const char* p) {
  Word w;
  std::memcpy(&w, p, sizeof w);  // one unaligned load
  return w;
}

// A string shorter than 16 bytes as one word of its own bytes, read in place: two loads that
// overlap when the length is not a power of two (the bytes read twice change nothing). Copying
// it into a padded block instead costs a stalled store-to-load forward on every call.
bool short_plain(const char* p, std::size_t n) {
  if (n >= 8)
    return !any_to_escape(load<std::uint64_t>(p)) && !any_to_escape(load<std::uint64_t>(p + n - 8));
  if (n >= 4) return !any_to_escape(load<std::uint32_t>(p) | load<std::uint32_t>(p + n - 4) << 32);
  if (n == 0) return true;
  const auto byte = [](char c) {
    return static_cast<std::uint64_t>(static_cast<unsigned char>(c));
  };
  constexpr std::uint64_t plain_filler = 0x7878787878000000;  // five 'x'
  return !any_to_escape(byte(p[0]) | byte(p[n / 2]) << 8 | byte(p[n - 1]) << 16 | plain_filler);
}

}  // namespace

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
  if (s.size() < 16) return short_plain(s.data(), s.size());  // most: ids, dates, codes, names
  const std::size_t last = s.size() - 16;
  for (std::size_t i = 0; i < last; i += 16) {
    if (any_to_escape(s.data() + i)) return false;
  }
  return !any_to_escape(s.data() + last);  // the last 16 bytes, overlapping the blocks before
}
#else
bool json_plain(std::string_view s) {
  std::size_t i = 0;
  for (; i + 16 <= s.size(); i += 16) {
    if (!short_plain(s.data() + i, 8) || !short_plain(s.data() + i + 8, 8)) return false;
  }
  return short_plain(s.data() + i, s.size() - i);
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
