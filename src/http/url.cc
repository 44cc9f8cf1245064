#include "http/url.h"

#include <optional>

#include "http/detail/ascii.h"

namespace parcours::http {
namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// What follows "http://" or "https://" (any case) in an absolute-form target; nullopt when the
// target is not absolute-form.
std::optional<std::string_view> after_scheme(std::string_view target) {
  for (const std::string_view scheme :
       {std::string_view("http://"), std::string_view("https://")}) {
    if (target.size() >= scheme.size() &&
        detail::iequals(target.substr(0, scheme.size()), scheme)) {
      return target.substr(scheme.size());
    }
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::string> percent_decode(std::string_view in, PlusMeans plus) {
  std::string out;
  out.reserve(in.size());
  for (std::size_t i = 0; i < in.size(); ++i) {
    const char c = in[i];
    if (c == '%') {
      if (in.size() - i < 3) return std::nullopt;
      const int hi = hex_value(in[i + 1]);
      const int lo = hex_value(in[i + 2]);
      if (hi < 0 || lo < 0) return std::nullopt;
      const int byte = hi * 16 + lo;
      if (byte == 0) return std::nullopt;
      out.push_back(static_cast<char>(byte));
      i += 2;
    } else if (c == '\0') {
      return std::nullopt;
    } else if (c == '+' && plus == PlusMeans::kSpace) {
      out.push_back(' ');
    } else {
      out.push_back(c);
    }
  }
  return out;
}

std::optional<Target> parse_target(std::string_view target) {
  std::string rebuilt;  // owns the target when absolute-form has an empty path
  std::string_view t = target;
  if (const auto rest = after_scheme(target)) {
    const std::size_t end = rest->find_first_of("/?#");
    if (end == std::string_view::npos) {
      t = "/";
    } else if ((*rest)[end] == '/') {
      t = rest->substr(end);
    } else {
      // "http://host?x": an empty path means "/" (RFC 9112 §3.2.2).
      rebuilt = "/" + std::string(rest->substr(end));
      t = rebuilt;
    }
  }
  if (t.empty() || t.front() != '/') return std::nullopt;
  t = t.substr(0, t.find('#'));

  const std::size_t q = t.find('?');
  auto path = percent_decode(t.substr(0, q));
  if (!path) return std::nullopt;
  Target out;
  out.path = std::move(*path);
  if (q == std::string_view::npos) return out;

  std::string_view query = t.substr(q + 1);
  while (!query.empty()) {
    const std::size_t amp = query.find('&');
    const std::string_view param = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (param.empty()) continue;
    const std::size_t eq = param.find('=');
    auto name = percent_decode(param.substr(0, eq), PlusMeans::kSpace);
    auto value =
        percent_decode(eq == std::string_view::npos ? std::string_view() : param.substr(eq + 1),
                       PlusMeans::kSpace);
    if (!name || !value) return std::nullopt;
    out.query[std::move(*name)] = std::move(*value);  // last one wins
  }
  return out;
}

}  // namespace parcours::http
