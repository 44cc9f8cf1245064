// Problem details (RFC 9457), the body of every error the HTTP edge returns.
//
// Layout, members always in this order:
//   {"type":"urn:parcours:problem:<code>","title":<title>,"status":<status>,"code":<code>,
//    "detail":<detail>}
// `code` is the stable, machine-readable name clients switch on (JOURNEY.md §5); `type` is
// derived from it so that each code is its own problem type.
#pragma once

#include <string>
#include <string_view>

#include "http/request.h"

namespace parcours::http {

inline constexpr std::string_view kProblemContentType = "application/problem+json";

// "urn:parcours:problem:" + code.
std::string problem_type(std::string_view code);

// The problem JSON, compact, nothing before or after. Text that is not valid UTF-8 is replaced
// (U+FFFD) rather than failing, since `detail` may quote client input.
std::string problem_body(int status, std::string_view code, std::string_view title,
                         std::string_view detail);

// A Response carrying problem_body with Content-Type application/problem+json.
Response problem_response(int status, std::string_view code, std::string_view title,
                          std::string_view detail);

}  // namespace parcours::http
