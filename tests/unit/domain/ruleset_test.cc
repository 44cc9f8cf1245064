// JOURNEY §7: rules as data, keyed by effective date; and the rule codes themselves.
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "fixtures.h"

namespace parcours::testing {
namespace {

using domain::RulesetBook;

const domain::Ruleset& on(const char* day) {
  return RulesetBook::standard().in_force_on(D(day));
}

TEST(Rulesets, DatedEntries) {
  EXPECT_EQ(on("2020-06-01").id, "iae-2021-01-01");  // the oldest rules apply before it too
  EXPECT_EQ(on("2021-09-02").id, "iae-2021-01-01");
  EXPECT_EQ(on("2021-09-03").id, "iae-2021-09-03");
  EXPECT_EQ(on("2021-11-30").id, "iae-2021-09-03");
  EXPECT_EQ(on("2021-12-01").id, "iae-2021-12-01");
  EXPECT_EQ(on("2023-12-21").id, "iae-2021-12-01");
  EXPECT_EQ(on("2023-12-22").id, "iae-2023-12-22");
  EXPECT_EQ(on("2023-12-31").id, "iae-2023-12-22");
  EXPECT_EQ(on("2024-01-01").id, "iae-2024-01-01");
  EXPECT_EQ(on("2030-01-01").id, "iae-2024-01-01");
  std::set<std::string> ids;
  for (const auto& r : RulesetBook::standard().entries()) {
    EXPECT_TRUE(ids.insert(r.id).second) << r.id;
    EXPECT_EQ(RulesetBook::standard().by_id(r.id), &r);
  }
}

TEST(Rulesets, CriteriaCatalogueOf20210903) {
  // JOURNEY §3.2: before 2021-09-03 PRIMO_ARRIVANT existed and DETENTION_MJ, FLE, PM did not.
  const auto& before = on("2021-09-02");
  const auto& after = on("2021-09-03");
  EXPECT_NE(before.criterion("PRIMO_ARRIVANT"), nullptr);
  EXPECT_EQ(after.criterion("PRIMO_ARRIVANT"), nullptr);
  for (const char* c : {"DETENTION_MJ", "FLE", "PM"}) {
    EXPECT_EQ(before.criterion(c), nullptr) << c;
    ASSERT_NE(after.criterion(c), nullptr) << c;
    EXPECT_EQ(after.criterion(c)->level, 2) << c;
  }
  for (const char* c : {"RSA", "ASS", "AAH", "DETLD"}) EXPECT_EQ(after.criterion(c)->level, 1) << c;
  for (const char* c : {"CAP_BEP", "SENIOR", "JEUNE", "ASE", "DELD", "TH", "PI", "PSH_PR", "REF_DA",
                        "ZRR", "QPV"}) {
    EXPECT_EQ(after.criterion(c)->level, 2) << c;
  }
  EXPECT_EQ(after.criteria.size(), 18u);
}

TEST(Rulesets, DatedExperimentsAndReasons) {
  EXPECT_NE(on("2021-11-30").prolongation_reason("HEALTH_CONTEXT"), nullptr);
  EXPECT_EQ(on("2021-12-01").prolongation_reason("HEALTH_CONTEXT"), nullptr);
  EXPECT_TRUE(on("2023-12-21").contract_type_allowed("EITI", "MANDATE"));
  EXPECT_FALSE(on("2023-12-22").contract_type_allowed("EITI", "MANDATE"));
  EXPECT_NE(on("2023-12-31").suspension_reason("CONTRAT_PASSERELLE"), nullptr);
  EXPECT_EQ(on("2024-01-01").suspension_reason("CONTRAT_PASSERELLE"), nullptr);
  // A value some ruleset knew is a rule (422) on another date, not malformed.
  EXPECT_TRUE(RulesetBook::standard().known_in_any(
      "HEALTH_CONTEXT", [](const domain::Ruleset& r) { return codes_of(r.prolongation_reasons); }));
}

TEST(Rulesets, EveryEntryIsComplete) {
  for (const auto& r : RulesetBook::standard().entries()) {
    SCOPED_TRACE(r.id);
    EXPECT_FALSE(r.criteria.empty());
    EXPECT_FALSE(r.national_prescriber_kinds.empty());
    EXPECT_EQ(r.siae_kinds.size(), 5u);
    for (const auto& k : r.siae_kinds) {
      EXPECT_TRUE(r.contract_types_by_siae_kind.count(k)) << k;
      EXPECT_TRUE(r.siae_min_level2.count(k)) << k;
    }
    for (const auto& [kind, types] : r.contract_types_by_siae_kind) {
      for (const auto& t : types) EXPECT_NE(r.contract_type(t), nullptr) << t;
    }
    for (const char* t : {"process", "postpone", "refuse", "accept", "cancel_hire"}) {
      EXPECT_TRUE(r.candidature_transitions.count(t)) << t;
    }
    EXPECT_EQ(r.exit_destinations.size(), 19u);
    EXPECT_EQ(r.prolongation_reminder_days, (std::vector<int>{10, 20, 30}));
  }
}

// The repository root, as the build knows it.
std::filesystem::path repo_root() {
  return std::filesystem::path(PARCOURS_SOURCE_DIR);
}

std::string read_all(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(RuleCodes, EachIsDecidedInOnePlaceAndTested) {
  // JOURNEY §7 / STYLE: a reader finds a rule by its code with one grep. Every code literal
  // passed to rule()/conflict() in src/domain appears once, and some test names it.
  const auto root = repo_root();
  ASSERT_TRUE(std::filesystem::exists(root / "src/domain")) << "sources not found at " << root;
  std::map<std::string, int> decided;
  const std::regex code(R"re((?:rule|conflict|Rejection\{)\(?"([a-z_]+(?:\.[a-z_]+)?)")re");
  for (const auto& e : std::filesystem::recursive_directory_iterator(root / "src/domain")) {
    if (!e.is_regular_file()) continue;
    const std::string text = read_all(e.path());
    for (std::sregex_iterator it(text.begin(), text.end(), code), end; it != end; ++it) {
      ++decided[(*it)[1]];
    }
  }
  std::string tests;
  for (const auto& e : std::filesystem::directory_iterator(root / "tests/unit/domain")) {
    if (e.path().filename() != "ruleset_test.cc") tests += read_all(e.path());
  }
  EXPECT_GT(decided.size(), 60u);
  for (const auto& [c, count] : decided) {
    EXPECT_EQ(count, 1) << c << " is decided in " << count << " places";
    EXPECT_NE(tests.find('"' + c + '"'), std::string::npos) << c << " is never tested";
  }
}

}  // namespace
}  // namespace parcours::testing
