// Text that came from a client: cut it without breaking a UTF-8 character.
//
// A string cut inside a multi-byte character is no longer UTF-8, and a JSON encoder refuses it
// (nlohmann throws type_error 316). Every cut of client text goes through truncate_utf8.
#pragma once

#include <string>
#include <string_view>

namespace parcours::domain {

// The longest prefix of `s` of at most `max_bytes` bytes that does not end inside a UTF-8
// character. Bytes that are not UTF-8 at all are kept as they are (the encoders replace them).
std::string truncate_utf8(std::string_view s, std::size_t max_bytes);

// Is `s` well-formed UTF-8 (RFC 3629: no overlong forms, no surrogates, at most U+10FFFF)?
bool is_utf8(std::string_view s);

}  // namespace parcours::domain
