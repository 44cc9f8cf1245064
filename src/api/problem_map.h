// The one mapping from rejection codes to HTTP problems (JOURNEY §5, STYLE habit 2).
//
// Generic codes have fixed statuses: malformed 400, unauthenticated 401, forbidden and
// not_habilitated 403, not_found 404, journey_exists / version_conflict / id_taken 409,
// too_large 413, business rules and idempotency_key_reused 422, rate_limited 429,
// internal 500, unavailable 503, timeout 504. Every dotted code (e.g. "contract.too_short")
// is a business rule: 422 unless the decider said otherwise.
#pragma once

#include <string>
#include <string_view>

#include "domain/result.h"
#include "http/request.h"

namespace parcours::api {

// The HTTP status of a code; `fallback` for codes this table does not know.
int status_of(std::string_view code, int fallback = 422);
// A short human title for the problem family of a code.
std::string_view title_of(std::string_view code);

http::Response problem(std::string_view code, std::string_view detail, int status = 0);
http::Response problem(const domain::Rejection& r);

}  // namespace parcours::api
