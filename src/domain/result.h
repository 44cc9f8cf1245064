// Business outcomes are values, not exceptions (STYLE habit 2).
//
// A Rejection carries a stable rule code from JOURNEY.md (e.g. "contract.too_short"), the HTTP
// status the API maps it to, and a sentence for a human. The one mapping from codes to
// problem+json lives at the HTTP edge (src/api/problem.h); the status here is the contract's.
#pragma once

#include <string>
#include <utility>
#include <variant>

namespace parcours::domain {

struct Rejection {
  std::string code;    // stable, e.g. "contract.too_short"
  std::string detail;  // a sentence for a human; never contains personal data
  int status = 422;

  bool operator==(const Rejection&) const = default;
};

// Shorthands for the statuses JOURNEY §5 assigns to the generic codes.
inline Rejection malformed(std::string detail) {
  return {"malformed", std::move(detail), 400};
}
inline Rejection forbidden(std::string detail) {
  return {"forbidden", std::move(detail), 403};
}
inline Rejection not_habilitated(std::string detail) {
  return {"not_habilitated", std::move(detail), 403};
}
inline Rejection not_found(std::string detail) {
  return {"not_found", std::move(detail), 404};
}
// 404 for a journey that does not exist, or that the sender may not know of (JOURNEY §6): one
// body for both, so that a 404 never tells an outsider that an id is taken.
inline Rejection journey_not_found() {
  return not_found("no journey with this id");
}
inline Rejection conflict(std::string code, std::string detail) {
  return {std::move(code), std::move(detail), 409};
}
inline Rejection rule(std::string code, std::string detail) {
  return {std::move(code), std::move(detail), 422};
}
// 409 version_conflict: If-Match named another version of the stream (journey or organisation).
inline Rejection version_conflict(long current, long expected) {
  return conflict("version_conflict", "the stream is at version " + std::to_string(current) +
                                          ", not " + std::to_string(expected));
}

// Either a value or a Rejection. [[nodiscard]]: dropping one is a bug.
template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}                  // NOLINT: implicit by design
  Result(Rejection rejection) : v_(std::move(rejection)) {}  // NOLINT

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  const Rejection& rejection() const { return std::get<1>(v_); }

 private:
  std::variant<T, Rejection> v_;
};

}  // namespace parcours::domain
