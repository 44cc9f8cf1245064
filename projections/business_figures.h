// Business figures for the State's dashboards, published as gauges on /metrics: PASS IAE in
// force, suspended or about to end, candidatures left waiting, exits of the year by category.
//
// They are counted from the index column family (indexes.h), as of a given day: the entries
// hold what each figure needs, so a count is one prefix scan and never reads a journey.
// BusinessTally is the pure part (one entry at a time), business_figures() the scan.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "domain/date.h"
#include "domain/ruleset.h"

namespace parcours::projections {

class ViewsStore;

struct BusinessFigures {
  long pass_valid = 0;                            // valid on the day (suspended ones included)
  long pass_suspended = 0;                        // valid, and a suspension covers the day
  long pass_ending_within_30_days = 0;            // valid, and the end falls in [day, day + 30]
  long candidatures_waiting_over_30_days = 0;     // pending, submitted more than 30 days ago
  int exit_year = 0;                              // the day's year
  std::map<std::string, long> exits_by_category;  // exits dated in exit_year
  long exits_counted = 0;                         // of those, counted in the indicators
  long exits_dynamic = 0;  // counted and dynamic (the numerator of the dynamic exit rate)
  std::map<std::string, long> refusals_by_reason;  // candidatures refused in exit_year
  long diagnoses_used = 0;    // prescribers' eligibility diagnoses of exit_year used by a hire
  long diagnoses_unused = 0;  // and the others (with used: the transformation rate)
};

class BusinessTally {
 public:
  explicit BusinessTally(domain::Date day);
  // Accounts for one index entry; entries of other kinds are ignored. An entry that does not
  // parse is skipped: a gauge must never stop the scrape.
  void add(std::string_view key, std::string_view value);
  const BusinessFigures& figures() const { return figures_; }

 private:
  domain::Date day_;
  const domain::Ruleset& rules_;  // in force on day_: which candidature states are pending
  BusinessFigures figures_;
};

// Every exit category some ruleset knows, so that a category without exits is published as 0.
std::vector<std::string> exit_categories();

// Scans the PASS, candidature, exit, refusal and diagnosis entries of the read models.
BusinessFigures business_figures(const ViewsStore& views, domain::Date day);

}  // namespace parcours::projections
