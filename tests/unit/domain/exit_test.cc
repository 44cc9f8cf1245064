// JOURNEY §3.8: exits (seed004:L2287-2318) and the categories read models derive.
#include "domain/exit_category.h"
#include "fixtures.h"

namespace parcours::testing {
namespace {

using domain::exit_category;
using domain::exit_counted;

class Exits : public DomainTest {
 protected:
  domain::Result<domain::Decision> exit(const std::string& date, json destination,
                                        const std::string& org = "ei-1") {
    return w.send("j1", org, "RecordExit",
                  {{"contract_id", "c1"}, {"date", date}, {"destination", destination}});
  }
};

TEST_F(Exits, EndsTheContractAndRecordsPresence) {
  hired("ei-1", "2026-05-01", "2026-12-31", "2026-04-15");
  auto r = exit("2026-11-20", {{"kind", "cdd"}, {"contract_months", 8}});
  EXPECT_ACCEPTED(r);
  EXPECT_EQ(types_of(r), (std::vector<std::string>{"contract.ended", "exit.recorded"}));
  EXPECT_EQ(r->events.at(1).data["presence_days"], 204);
  EXPECT_FALSE(r->events.at(1).data.contains("category"));  // derived, never stored
  EXPECT_EQ(state().contract("c1")->status, "ended");
  ASSERT_EQ(state().exits.size(), 1u);
  const auto& x = state().exits[0];
  EXPECT_EQ(exit_category(x.destination, domain::exit_ruleset(x)), "durable");
  EXPECT_TRUE(exit_counted(x, domain::exit_ruleset(x)));
  expect_replay_equal();
}

TEST_F(Exits, InvalidDates) {
  // exit.invalid: on or after the contract's start, no later than its planned end.
  hired("ei-1", "2026-05-01", "2026-10-31", "2026-04-15");
  EXPECT_REJECTED(exit("2026-04-30", {{"kind", "unemployed"}}), "exit.invalid");
  EXPECT_REJECTED(exit("2026-11-01", {{"kind", "unemployed"}}), "exit.invalid");
  EXPECT_REJECTED(exit("2026-11-24", {{"kind", "unemployed"}}), "date.in_future");
  EXPECT_ACCEPTED(exit("2026-05-01", {{"kind", "unemployed"}}));
  // exit.already_recorded: one exit per contract.
  EXPECT_REJECTED(exit("2026-05-01", {{"kind", "unemployed"}}), "exit.already_recorded");
}

TEST_F(Exits, AfterEndContractOnTheDayItEnded) {
  hired("ei-1", "2026-05-01", "2026-10-31", "2026-04-15");
  ASSERT_TRUE(w.send("j1", "ei-1", "EndContract",
                     {{"contract_id", "c1"}, {"date", "2026-10-31"}, {"reason", "end of term"}})
                  .ok());
  EXPECT_REJECTED(exit("2026-10-30", {{"kind", "unemployed"}}), "exit.invalid");
  auto r = exit("2026-10-31", {{"kind", "retirement"}});
  EXPECT_ACCEPTED(r);
  EXPECT_EQ(types_of(r), (std::vector<std::string>{"exit.recorded"}));
}

TEST_F(Exits, OnlyTheContractsSiae) {
  hired();
  EXPECT_REJECTED(exit("2026-11-23", {{"kind", "cdi"}}, "ei-2"), "forbidden");
  EXPECT_REJECTED(exit("2026-11-23", {{"kind", "cdi"}}, "ft-annecy"), "forbidden");
}

TEST_F(Exits, BadDestinations) {
  hired();
  EXPECT_REJECTED(exit("2026-11-23", {{"kind", "moon"}}), "malformed");
  EXPECT_REJECTED(exit("2026-11-23", {{"kind", "cdd"}}), "malformed");  // months needed
  EXPECT_REJECTED(exit("2026-11-23", {{"kind", "cdd"}, {"contract_months", 0}}), "malformed");
  EXPECT_REJECTED(exit("2026-11-23", {{"kind", "cdi"}, {"bonus", 1}}), "malformed");
}

TEST(ExitCategory, TableOfTheGuide) {
  // seed004:L2295-2318.
  const auto& r = domain::RulesetBook::standard().in_force_on(D("2026-11-23"));
  auto cat = [&](json d) { return exit_category(d, r); };
  EXPECT_EQ(cat({{"kind", "cdi"}}), "durable");
  EXPECT_EQ(cat({{"kind", "cdi_siae"}}), "durable");
  EXPECT_EQ(cat({{"kind", "business_creation"}}), "durable");
  EXPECT_EQ(cat({{"kind", "civil_service"}}), "durable");
  EXPECT_EQ(cat({{"kind", "cdd"}, {"contract_months", 6}}), "durable");
  EXPECT_EQ(cat({{"kind", "cdd"}, {"contract_months", 5}}), "transition");
  EXPECT_EQ(cat({{"kind", "interim"}, {"contract_months", 6}}), "durable");
  EXPECT_EQ(cat({{"kind", "interim"}, {"contract_months", 1}}), "transition");
  EXPECT_EQ(cat({{"kind", "aided_contract"}, {"contract_months", 12}}), "transition");
  EXPECT_EQ(cat({{"kind", "other_siae"}}), "positive");
  EXPECT_EQ(cat({{"kind", "qualifying_training"}}), "positive");
  EXPECT_EQ(cat({{"kind", "pre_qualifying_training"}}), "positive");
  EXPECT_EQ(cat({{"kind", "retirement"}}), "positive");
  EXPECT_EQ(cat({{"kind", "unemployed"}}), "negative");
  EXPECT_EQ(cat({{"kind", "inactive"}}), "negative");
  EXPECT_EQ(cat({{"kind", "unknown"}}), "negative");
  for (const char* k : {"dismissal_serious_misconduct", "long_sick_leave", "maternity_leave",
                        "death", "judicial_decision"}) {
    EXPECT_EQ(cat({{"kind", k}}), "neutralised") << k;
  }
  EXPECT_EQ(cat({{"kind", "moon"}}), "");
  EXPECT_TRUE(domain::is_dynamic_exit_category("positive", r));
  EXPECT_FALSE(domain::is_dynamic_exit_category("negative", r));
}

TEST(ExitCategory, CountedAfterThreeMonthsOfPresence) {
  // seed004:L2294: present at least 3 months; L2295: neutralised exits never count.
  const auto& r = domain::RulesetBook::standard().in_force_on(D("2026-11-23"));
  const json cdi = {{"kind", "cdi"}};
  EXPECT_FALSE(exit_counted(D("2026-01-01"), D("2026-03-30"), cdi, r));
  EXPECT_TRUE(exit_counted(D("2026-01-01"), D("2026-03-31"), cdi, r));
  EXPECT_FALSE(exit_counted(D("2024-01-01"), D("2026-03-31"), {{"kind", "death"}}, r));
  EXPECT_TRUE(exit_counted(D("2024-01-01"), D("2026-03-31"), {{"kind", "unemployed"}}, r));
}

}  // namespace
}  // namespace parcours::testing
