// Decoding of request targets (RFC 9112 §3.2, RFC 3986 §2.1).
//
// Grammar accepted, after an optional "http://authority" or "https://authority" prefix
// (absolute-form, which HTTP/1.1 servers must accept):
//   target   = path [ "?" query ] [ "#" fragment ]     ; the fragment is ignored
//   path     = "/" *( any byte but "?" and "#" )
//   query    = param *( "&" param )                    ; empty params are skipped
//   param    = name [ "=" value ]                      ; a missing value is ""
// Each of path, name and value is then percent-decoded: "%" must be followed by two hex digits,
// and a decoded NUL byte is refused (no legitimate use, and C APIs would truncate at it). In
// the query only, "+" stands for a space (application/x-www-form-urlencoded). The path is not
// normalised: "." and ".." segments and "%2F" reach the router as they decode.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace parcours::http {

enum class PlusMeans { kPlus, kSpace };

// Decodes `in`; nullopt if a "%" is not followed by two hex digits or decodes to NUL.
std::optional<std::string> percent_decode(std::string_view in, PlusMeans plus = PlusMeans::kPlus);

struct Target {
  std::string path;                          // decoded, starts with "/"
  std::map<std::string, std::string> query;  // decoded; a repeated name: the last one wins
};

// Splits and decodes a request target; nullopt if it is not origin-form or absolute-form
// (e.g. "*", "", "v1/x") or if any part fails percent_decode.
std::optional<Target> parse_target(std::string_view target);

}  // namespace parcours::http
