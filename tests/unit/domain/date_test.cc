#include "domain/date.h"

#include <gtest/gtest.h>

namespace parcours::domain {
namespace {

TEST(Date, ParsesOnlyExistingDates) {
  EXPECT_TRUE(Date::parse("2024-02-29"));
  EXPECT_FALSE(Date::parse("2025-02-29"));
  EXPECT_FALSE(Date::parse("2025-02-30"));
  EXPECT_FALSE(Date::parse("2025-13-01"));
  EXPECT_FALSE(Date::parse("2025-1-01"));
  EXPECT_FALSE(Date::parse("2025-01-01T00:00:00Z"));
  EXPECT_FALSE(Date::parse("abcd-ef-gh"));
  EXPECT_EQ(Date::parse("2026-11-23")->str(), "2026-11-23");
}

TEST(Date, MonthsAreClampedToTheMonthEnd) {
  // JOURNEY §1: "N months after D" is the same day-of-month, clamped to the month's last day.
  EXPECT_EQ(Date::parse("2026-01-31")->plus_months(1).str(), "2026-02-28");
  EXPECT_EQ(Date::parse("2028-01-31")->plus_months(1).str(), "2028-02-29");
  EXPECT_EQ(Date::parse("2026-08-31")->plus_months(6).str(), "2027-02-28");
  EXPECT_EQ(Date::parse("2026-11-23")->plus_months(-12).str(), "2025-11-23");
}

TEST(Date, PeriodsIncludeBothEnds) {
  const Date d = *Date::parse("2026-01-01");
  EXPECT_EQ(days_inclusive(d, d.plus_days(29)), 30);
  EXPECT_EQ(days_inclusive(d, d), 1);
  EXPECT_EQ(days_inclusive(d, d.plus_days(-1)), 0);
}

TEST(Date, AgeCountsWholeYears) {
  EXPECT_EQ(age_on(*Date::parse("2010-11-24"), *Date::parse("2026-11-23")), 15);
  EXPECT_EQ(age_on(*Date::parse("2010-11-23"), *Date::parse("2026-11-23")), 16);
  EXPECT_EQ(age_on(*Date::parse("2008-02-29"), *Date::parse("2026-02-28")), 17);
  EXPECT_EQ(age_on(*Date::parse("2008-02-29"), *Date::parse("2026-03-01")), 18);
}

}  // namespace
}  // namespace parcours::domain
