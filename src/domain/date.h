// Calendar dates in valid time (JOURNEY §1): "YYYY-MM-DD", proleptic Gregorian, no time zone.
//
// A Date is a count of days since 1970-01-01, so comparisons and day arithmetic are integer
// operations. Every period in the contract includes both ends; helpers below say so in their
// names rather than leaving the reader to guess.
//
// Thread-safety: value type, immutable.
#pragma once

#include <chrono>
#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace parcours::domain {

class Date {
 public:
  constexpr Date() = default;

  // Parses exactly "YYYY-MM-DD" (years 1900-2199). Returns nullopt for anything else,
  // including impossible dates such as 2025-02-30.
  static std::optional<Date> parse(std::string_view text);
  static Date from_ymd(int year, unsigned month, unsigned day);
  static constexpr Date from_days(std::int32_t days_since_epoch) { return Date(days_since_epoch); }
  // The UTC calendar date of a point in time.
  static Date utc_date_of(std::chrono::system_clock::time_point t);

  std::string str() const;
  // Appends "YYYY-MM-DD" to out: the JSON writers' form, with no string built per date.
  void append_to(std::string& out) const;
  constexpr std::int32_t days() const { return days_; }
  int year() const;
  unsigned month() const;
  unsigned day() const;

  constexpr Date plus_days(std::int32_t n) const { return Date(days_ + n); }
  // The same day-of-month n months later, clamped to the month's last day (JOURNEY §1).
  Date plus_months(int n) const;
  Date plus_years(int n) const { return plus_months(12 * n); }

  constexpr auto operator<=>(const Date&) const = default;

 private:
  constexpr explicit Date(std::int32_t d) : days_(d) {}
  std::int32_t days_ = 0;
};

// Number of days of the period [first, last], both ends included; 0 when last < first.
constexpr std::int32_t days_inclusive(Date first, Date last) {
  return last < first ? 0 : last.days() - first.days() + 1;
}

// Age in whole years on `on` for a person born on `birth`.
int age_on(Date birth, Date on);

}  // namespace parcours::domain
