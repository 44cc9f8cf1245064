#include "domain/date.h"

#include <cstdio>

namespace parcours::domain {

namespace {
namespace chr = std::chrono;

chr::year_month_day ymd_of(std::int32_t days) {
  return chr::year_month_day{chr::sys_days{chr::days{days}}};
}

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
}  // namespace

std::optional<Date> Date::parse(std::string_view t) {
  if (t.size() != 10 || t[4] != '-' || t[7] != '-') return std::nullopt;
  for (std::size_t i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (!is_digit(t[i])) return std::nullopt;
  }
  auto num = [&](std::size_t pos, std::size_t len) {
    int v = 0;
    for (std::size_t i = pos; i < pos + len; ++i) v = v * 10 + (t[i] - '0');
    return v;
  };
  const int y = num(0, 4);
  const int m = num(5, 2);
  const int d = num(8, 2);
  if (y < 1900 || y > 2199) return std::nullopt;
  const chr::year_month_day ymd{chr::year{y}, chr::month{static_cast<unsigned>(m)},
                                chr::day{static_cast<unsigned>(d)}};
  if (!ymd.ok()) return std::nullopt;
  return Date(static_cast<std::int32_t>(chr::sys_days{ymd}.time_since_epoch().count()));
}

Date Date::from_ymd(int year, unsigned month, unsigned day) {
  const chr::year_month_day ymd{chr::year{year}, chr::month{month}, chr::day{day}};
  return Date(static_cast<std::int32_t>(chr::sys_days{ymd}.time_since_epoch().count()));
}

Date Date::utc_date_of(chr::system_clock::time_point t) {
  return Date(static_cast<std::int32_t>(chr::floor<chr::days>(t).time_since_epoch().count()));
}

std::string Date::str() const {
  std::string out;
  append_to(out);
  return out;
}

void Date::append_to(std::string& out) const {
  const auto ymd = ymd_of(days_);
  const int y = static_cast<int>(ymd.year());
  if (y < 0 || y > 9999) {
    // Outside what the domain ever dates: the general formatter.
    char buf[24];
    const int n =
        std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", y, static_cast<unsigned>(ymd.month()),
                      static_cast<unsigned>(ymd.day()));
    out.append(buf, static_cast<std::size_t>(n));
    return;
  }
  const auto m = static_cast<unsigned>(ymd.month());
  const auto d = static_cast<unsigned>(ymd.day());
  const char text[10] = {static_cast<char>('0' + y / 1000),
                         static_cast<char>('0' + y / 100 % 10),
                         static_cast<char>('0' + y / 10 % 10),
                         static_cast<char>('0' + y % 10),
                         '-',
                         static_cast<char>('0' + m / 10),
                         static_cast<char>('0' + m % 10),
                         '-',
                         static_cast<char>('0' + d / 10),
                         static_cast<char>('0' + d % 10)};
  out.append(text, sizeof text);
}

int Date::year() const {
  return static_cast<int>(ymd_of(days_).year());
}
unsigned Date::month() const {
  return static_cast<unsigned>(ymd_of(days_).month());
}
unsigned Date::day() const {
  return static_cast<unsigned>(ymd_of(days_).day());
}

Date Date::plus_months(int n) const {
  const auto ymd = ymd_of(days_);
  const chr::year_month ym = chr::year_month{ymd.year(), ymd.month()} + chr::months{n};
  const chr::day last = chr::year_month_day_last{ym.year(), chr::month_day_last{ym.month()}}.day();
  const chr::day d = ymd.day() > last ? last : ymd.day();
  return Date(static_cast<std::int32_t>(
      chr::sys_days{chr::year_month_day{ym.year(), ym.month(), d}}.time_since_epoch().count()));
}

int age_on(Date birth, Date on) {
  int age = on.year() - birth.year();
  if (on.month() < birth.month() || (on.month() == birth.month() && on.day() < birth.day())) {
    --age;
  }
  return age;
}

}  // namespace parcours::domain
