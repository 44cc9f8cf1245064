// The business gauges of /metrics, counted from the index entries the projector writes.
#include "projections/business_figures.h"

#include "projections/indexes.h"
#include "unit/domain/fixtures.h"

namespace parcours::testing {
namespace {

using projections::BusinessFigures;
using projections::BusinessTally;

class BusinessGauges : public DomainTest {
 protected:
  BusinessFigures count(const std::string& day, std::vector<std::string> journeys = {"j1"}) {
    BusinessTally tally(D(day.c_str()));
    for (const auto& j : journeys) {
      for (const auto& [key, value] : projections::index_entries(state(j))) tally.add(key, value);
    }
    return tally.figures();
  }
};

TEST_F(BusinessGauges, PassValidFromStartToEndEndingWithin30Days) {
  hired("ei-1", "2026-05-01", "2026-12-31", "2026-04-15");
  const std::string end = pass().end.str();
  EXPECT_EQ(count("2026-04-30").pass_valid, 0);  // the day before its start
  EXPECT_EQ(count("2026-05-01").pass_valid, 1);
  EXPECT_EQ(count("2026-05-01").pass_ending_within_30_days, 0);
  EXPECT_EQ(count(pass().end.plus_days(-31).str()).pass_ending_within_30_days, 0);
  EXPECT_EQ(count(pass().end.plus_days(-30).str()).pass_ending_within_30_days, 1);
  EXPECT_EQ(count(end).pass_valid, 1);
  EXPECT_EQ(count(end).pass_ending_within_30_days, 1);
  EXPECT_EQ(count(pass().end.plus_days(1).str()).pass_valid, 0);  // expired
}

TEST_F(BusinessGauges, SuspendedOnlyDuringTheSuspension) {
  hired("ei-1", "2026-05-01", "2026-09-30", "2026-04-15");
  ASSERT_TRUE(w.send("j1", "ei-1", "SuspendPass",
                     {{"suspension_id", "s1"},
                      {"start", "2026-10-01"},
                      {"end", "2026-10-31"},
                      {"reason", "FINISHED_CONTRACT"}})
                  .ok());
  EXPECT_EQ(count("2026-09-30").pass_suspended, 0);
  EXPECT_EQ(count("2026-10-01").pass_suspended, 1);
  EXPECT_EQ(count("2026-10-31").pass_suspended, 1);
  EXPECT_EQ(count("2026-11-01").pass_suspended, 0);
  EXPECT_EQ(count("2026-10-15").pass_valid, 1);  // a suspended PASS is still valid
}

TEST_F(BusinessGauges, CandidaturesWaitingOver30DaysCountedOnceUnderTheSiae) {
  open();
  ASSERT_TRUE(submit("ft-annecy", "c1", "ei-1", "2026-10-01").ok());
  ASSERT_TRUE(submit("ft-annecy", "c2", "ei-2", "2026-11-01").ok());
  // c1 is filed under ei-1 and under its sender ft-annecy: one candidature.
  EXPECT_EQ(count("2026-10-31").candidatures_waiting_over_30_days, 0);  // 30 days: not over
  EXPECT_EQ(count("2026-11-01").candidatures_waiting_over_30_days, 1);
  EXPECT_EQ(count("2026-12-02").candidatures_waiting_over_30_days, 2);
  ASSERT_TRUE(
      w.send(
           "j1", "ei-1", "RefuseCandidature",
           {{"candidature_id", "c1"}, {"reason", "no_position"}, {"shared_with_job_seeker", true}})
          .ok());
  EXPECT_EQ(count("2026-11-20").candidatures_waiting_over_30_days, 0);  // decided
  EXPECT_EQ(count("2026-11-23").refusals_by_reason.at("no_position"), 1);
  EXPECT_TRUE(count("2027-01-01").refusals_by_reason.empty());  // refused in another year
}

TEST_F(BusinessGauges, DiagnosesOfTheYearUsedOrNotByAHire) {
  hired("ei-1", "2026-05-01", "2026-12-31", "2026-04-15");  // diagnosis d1 of 2026-04-15, used
  open("j2");
  ASSERT_TRUE(diagnose("ft-annecy", "d2", "2026-11-02", json::array(), "j2").ok());
  const auto f = count("2026-11-23", {"j1", "j2"});
  EXPECT_EQ(f.diagnoses_used, 1);
  EXPECT_EQ(f.diagnoses_unused, 1);
  EXPECT_EQ(count("2027-02-01", {"j1", "j2"}).diagnoses_used, 0);
}

TEST_F(BusinessGauges, ExitsOfTheYearByCategory) {
  hired("ei-1", "2026-05-01", "2026-12-31", "2026-04-15");
  ASSERT_TRUE(w.send("j1", "ei-1", "RecordExit",
                     {{"contract_id", "c1"},
                      {"date", "2026-11-20"},
                      {"destination", {{"kind", "cdd"}, {"contract_months", 8}}}})
                  .ok());
  const auto f = count("2026-11-23");
  EXPECT_EQ(f.exit_year, 2026);
  EXPECT_EQ(f.exits_by_category.at("durable"), 1);
  EXPECT_EQ(f.exits_counted, 1);
  EXPECT_EQ(f.exits_dynamic, 1);                               // durable is dynamic
  EXPECT_TRUE(count("2027-01-01").exits_by_category.empty());  // another year
}

TEST_F(BusinessGauges, AnEntryThatDoesNotParseIsSkipped) {
  BusinessTally tally(D("2026-11-23"));
  tally.add("pass/X", "{not json");
  tally.add("exit/ei-1", "[]");
  EXPECT_EQ(tally.figures().pass_valid, 0);
  EXPECT_TRUE(tally.figures().exits_by_category.empty());
}

TEST_F(BusinessGauges, EveryExitCategoryOfTheRulesetsIsPublished) {
  EXPECT_EQ(
      projections::exit_categories(),
      (std::vector<std::string>{"durable", "negative", "neutralised", "positive", "transition"}));
}

}  // namespace
}  // namespace parcours::testing
