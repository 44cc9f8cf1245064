// Properties over random command sequences (seeded, reproducible):
//   - at most one valid PASS IAE per journey on any day (non-cancelled PASS never overlap);
//   - no new PASS without an eligibility diagnosis in force on the hire's reference day (the
//     earlier of today and its start, JOURNEY §3.3), nor in the waiting period without a
//     prescriber; a reused PASS holds on that day;
//   - a rejected command appends nothing;
//   - every event validates against its schema (World checks each one);
//   - folding the log from scratch with evolve equals the state held incrementally.
#include <random>

#include "domain/state_json.h"
#include "fixtures.h"

namespace parcours::testing {
namespace {

using domain::JourneyState;

class Random {
 public:
  explicit Random(std::uint32_t seed) : rng_(seed) {}
  int between(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }
  bool chance(int percent) { return between(1, 100) <= percent; }
  template <class T>
  const T& pick(const std::vector<T>& v) {
    return v.at(static_cast<std::size_t>(between(0, static_cast<int>(v.size()) - 1)));
  }

 private:
  std::mt19937 rng_;
};

const std::vector<std::string> kSiaes = {"ei-1", "ei-2", "aci-1", "ai-1", "etti-1", "eiti-1"};
const std::vector<std::string> kPrescribers = {"ft-annecy", "ml-annecy", "ohpd-74"};
const std::vector<std::string> kSenders = {"ft-annecy", "ml-annecy", "asso-74", "ei-1",
                                           "aci-1",     "ai-1",      "etti-1"};
const std::vector<std::string> kCriteria = {"RSA", "ASS",    "DETLD", "DELD", "QPV",
                                            "ZRR", "SENIOR", "JEUNE", "TH",   "PM"};

class Property : public DomainTest {
 protected:
  // One random command for journey j, or a time step (returns nullopt).
  std::optional<std::pair<std::string, std::pair<std::string, json>>> next(const std::string& j,
                                                                           Random& r) {
    const JourneyState& s = w.state(j);
    const Date today = w.today();
    auto day = [&](int from, int to) { return today.plus_days(r.between(from, to)).str(); };
    auto any_candidature = [&]() -> const domain::Candidature* {
      if (s.candidatures.empty()) return nullptr;
      return &r.pick(s.candidatures);
    };
    auto any_contract = [&]() -> const domain::Contract* {
      if (s.contracts.empty()) return nullptr;
      return &r.pick(s.contracts);
    };
    const std::string n = std::to_string(++ids_);
    switch (r.between(0, 19)) {
      case 0: {
        w.set_today(today.plus_days(r.between(1, 90)));
        return std::nullopt;
      }
      case 1:
      case 2: {
        json criteria = json::array();
        for (const auto& c : kCriteria) {
          if (r.chance(25)) criteria.push_back(c);
        }
        const std::string who = r.chance(60) ? r.pick(kPrescribers) : r.pick(kSiaes);
        return {{who,
                 {"MakeEligibilityDiagnosis",
                  {{"diagnosis_id", "d" + n}, {"date", day(-200, 0)}, {"criteria", criteria}}}}};
      }
      case 3:
      case 4:
        return {
            {r.pick(kSenders),
             {"SubmitCandidature",
              {{"candidature_id", "c" + n}, {"siae_org", r.pick(kSiaes)}, {"date", day(-90, 0)}}}}};
      case 5: {
        const auto* c = any_candidature();
        if (!c) return std::nullopt;
        const std::string by = r.chance(90) ? c->siae_org : r.pick(kSiaes);
        switch (r.between(0, 2)) {
          case 0:
            return {{by, {"ProcessCandidature", {{"candidature_id", c->candidature_id}}}}};
          case 1:
            return {{by,
                     {"PostponeCandidature",
                      {{"candidature_id", c->candidature_id}, {"message", "later"}}}}};
          default:
            return {{by,
                     {"RefuseCandidature",
                      {{"candidature_id", c->candidature_id},
                       {"reason", r.chance(80) ? "no_position" : "other"},
                       {"shared_with_job_seeker", r.chance(50)}}}}};
        }
      }
      case 6:
      case 7:
      case 8: {
        const auto* c = any_candidature();
        if (!c) return std::nullopt;
        const domain::Organization* siae = w.orgs().find(c->siae_org);
        static const std::map<std::string, std::string> usual = {{"EI", "CDDI"},
                                                                 {"ACI", "CDDI"},
                                                                 {"AI", "CDDU"},
                                                                 {"ETTI", "MISSION"},
                                                                 {"EITI", "MANDATE"}};
        std::string type =
            r.chance(85)
                ? usual.at(siae->siae_kind)
                : r.pick(std::vector<std::string>{"CDDI", "CDI_INCLUSION", "MISSION", "CDDU"});
        const Date start = today.plus_days(r.between(-300, 200));
        json d = {{"candidature_id", c->candidature_id},
                  {"hiring_start", start.str()},
                  {"contract", {{"type", type}, {"weekly_hours", r.between(15, 40)}}}};
        if (type != "CDI_INCLUSION" && (type == "CDDI" || type == "MISSION" || r.chance(50))) {
          d["hiring_end"] = start.plus_days(r.between(100, 760)).str();
        }
        return {{r.chance(95) ? c->siae_org : r.pick(kSiaes), {"AcceptCandidature", d}}};
      }
      case 9: {
        const auto* c = any_contract();
        if (!c) return std::nullopt;
        return {{c->siae_org,
                 {"CancelHire", {{"candidature_id", c->candidature_id}, {"reason", "mistake"}}}}};
      }
      case 10: {
        const auto* c = any_contract();
        const std::string by = (c && r.chance(70)) ? c->siae_org : r.pick(kPrescribers);
        const Date start = today.plus_days(r.between(-200, 0));
        return {{by,
                 {"SuspendPass",
                  {{"suspension_id", "s" + n},
                   {"start", start.str()},
                   {"end", start.plus_days(r.between(0, 300)).str()},
                   {"reason", r.chance(80) ? "FINISHED_CONTRACT" : "CONTRAT_PASSERELLE"}}}}};
      }
      case 11: {
        if (!s.pass || s.pass->suspensions.empty()) return std::nullopt;
        const auto& sus = r.pick(s.pass->suspensions);
        const auto* c = any_contract();
        return {{c && r.chance(70) ? c->siae_org : r.pick(kPrescribers),
                 {"EndPassSuspension",
                  {{"suspension_id", sus.suspension_id},
                   {"first_day_back", sus.start.plus_days(r.between(0, 60)).str()}}}}};
      }
      case 12: {
        const auto* c = any_contract();
        if (!c || !s.pass) return std::nullopt;
        // Time runs to the prolongation window (the last year of the PASS) now and then.
        const Date near_end = s.pass->end.plus_days(-r.between(0, 300));
        if (today < near_end && r.chance(50)) w.set_today(near_end);
        const std::string reason = r.pick(std::vector<std::string>{
            "COMPLETE_TRAINING", "RQTH", "SENIOR", "PARTICULAR_DIFFICULTIES", "SENIOR_CDI"});
        json d = {{"prolongation_id", "p" + n},
                  {"reason", reason},
                  {"end", s.pass->end.plus_days(r.between(-5, 400)).str()}};
        if (reason != "COMPLETE_TRAINING" && reason != "SENIOR_CDI") {
          d["prescriber_org"] = r.pick(kPrescribers);
        }
        return {{c->siae_org, {"ProlongPass", d}}};
      }
      case 13: {
        if (!s.pass || s.pass->prolongations.empty()) return std::nullopt;
        const auto& p = r.pick(s.pass->prolongations);
        json d = {{"prolongation_id", p.prolongation_id}, {"decision", "granted"}};
        if (r.chance(30)) {
          d = {{"prolongation_id", p.prolongation_id},
               {"decision", "denied"},
               {"deny_reason", "DURATION"},
               {"explanation", "too long"}};
        }
        return {
            {p.prescriber_org.empty() ? "ft-annecy" : p.prescriber_org, {"DecideProlongation", d}}};
      }
      case 14: {
        const auto* c = any_contract();
        if (!c || !c->end) return std::nullopt;
        return {{c->siae_org,
                 {"RenewContract",
                  {{"contract_id", c->contract_id},
                   {"end", c->end->plus_days(r.between(-10, 300)).str()}}}}};
      }
      case 15: {
        const auto* c = any_contract();
        if (!c) return std::nullopt;
        const Date date = c->start.plus_days(r.between(0, 400));
        if (r.chance(50)) {
          return {{c->siae_org,
                   {"EndContract",
                    {{"contract_id", c->contract_id}, {"date", date.str()}, {"reason", "end"}}}}};
        }
        return {{c->siae_org,
                 {"RecordExit",
                  {{"contract_id", c->contract_id},
                   {"date", date.str()},
                   {"destination", {{"kind", "cdd"}, {"contract_months", r.between(1, 12)}}}}}}};
      }
      case 16:
        return {{"system", {"ApplyDeadlines", {{"day", today.str()}}}}};
      case 17:
        return {{r.chance(50) ? "ft-annecy" : r.pick(kSiaes),
                 {"StartPmsmp",
                  {{"pmsmp_id", "m" + n},
                   {"host", {{"siret", "73282932000074"}, {"name", "host"}}},
                   {"objective", "discover"},
                   {"start", day(-30, 30)},
                   {"end", day(31, 50)},
                   {"weekly_hours", 35}}}}};
      case 18:
        return {{"ft-annecy",
                 {"RecordFollowUp",
                  {{"followup_id", "f" + n}, {"date", day(-10, 0)}, {"kind", "interview"}}}}};
      default:
        if (r.chance(10)) return {{"admin", {"EraseIdentity", {{"reason", "asked"}}}}};
        return std::nullopt;
    }
  }

  // Non-cancelled PASS never share a day, and their numbers are unique.
  static void expect_one_valid_pass(const JourneyState& s) {
    std::vector<domain::Pass> live;
    std::set<std::string> numbers;
    if (s.pass) live.push_back(*s.pass);
    for (const auto& p : s.past_passes) live.push_back(p);
    for (const auto& p : live) EXPECT_TRUE(numbers.insert(p.number).second) << p.number;
    std::erase_if(live, [](const domain::Pass& p) { return p.cancelled(); });
    for (std::size_t a = 0; a < live.size(); ++a) {
      for (std::size_t b = a + 1; b < live.size(); ++b) {
        EXPECT_TRUE(live[a].end < live[b].start || live[b].end < live[a].start)
            << live[a].number << " and " << live[b].number << " overlap";
      }
    }
    if (s.pass) {
      EXPECT_FALSE(s.pass->cancelled());
    }
  }

  // The hire was eligible, judged independently of the decider's helpers.
  static void expect_eligible_hire(const JourneyState& before, const json& cmd,
                                   const domain::Decision& d, Date today) {
    const Date start = *Date::parse(cmd["hiring_start"].get<std::string>());
    const Date ref = std::min(today, start);
    const auto* cand = before.candidature(cmd["candidature_id"].get<std::string>());
    ASSERT_NE(cand, nullptr);
    bool issued = false;
    bool reused = false;
    for (const auto& e : d.events) {
      issued = issued || e.type == "pass.issued";
      reused = reused || e.type == "pass.reused";
    }
    ASSERT_NE(issued, reused);
    if (reused) {
      ASSERT_TRUE(before.pass && !before.pass->cancelled());
      EXPECT_LE(ref, before.pass->end);
      EXPECT_LE(start, before.pass->end);
      return;
    }
    auto in_force = [&](const domain::Diagnosis& x) {
      return x.kind == "eligibility" && x.valid_until && x.date <= ref && ref <= *x.valid_until &&
             (!x.superseded_on || ref < *x.superseded_on);
    };
    bool prescriber = false;
    bool own = false;
    for (const auto& x : before.diagnoses) {
      prescriber = prescriber || (in_force(x) && x.author_kind == "prescriber");
      own = own || (in_force(x) && x.author_kind == "siae" && x.author_org == cand->siae_org);
    }
    EXPECT_TRUE(prescriber || own) << "a PASS was issued without eligibility on " << ref.str();
    std::optional<Date> last_end;
    auto consider = [&](const domain::Pass& p) {
      if (!p.cancelled() && (!last_end || *last_end < p.end)) last_end = p.end;
    };
    if (before.pass) consider(*before.pass);
    for (const auto& p : before.past_passes) consider(p);
    if (last_end && *last_end < ref && ref <= last_end->plus_years(2)) {
      EXPECT_TRUE(prescriber || cand->sender_habilitated) << "waiting period ignored";
    }
  }

  long ids_ = 0;
};

TEST_F(Property, RandomSequencesKeepTheInvariants) {
  Random r(20261123);
  constexpr int kSequences = 1500;
  constexpr int kSteps = 25;
  long accepted = 0;
  long hires = 0;
  std::set<std::string> seen;
  for (int seq = 0; seq < kSequences; ++seq) {
    const std::string j = "p" + std::to_string(seq);
    w.set_today(D("2021-01-01").plus_days(r.between(0, 6 * 365)));
    const std::string birth = D("1955-01-01").plus_days(r.between(0, 50 * 365)).str();
    ASSERT_TRUE(w.open(j, "ft-annecy", birth).ok());
    // The organisations of the sequence join the journey (JOURNEY §6: outsiders get 404).
    for (const auto& org : kPrescribers) {
      if (org != "ft-annecy") {
        ASSERT_TRUE(w.join(j, org).ok()) << org;
      }
    }
    for (const auto& org : kSiaes) ASSERT_TRUE(w.join(j, org).ok()) << org;
    if (r.chance(60)) {  // most journeys start with a prescriber's orientation
      const std::string d = w.today().plus_days(-r.between(0, 60)).str();
      ASSERT_TRUE(w.send(j, r.pick(kPrescribers), "MakeEligibilityDiagnosis",
                         {{"diagnosis_id", "d0"}, {"date", d}})
                      .ok());
      ASSERT_TRUE(w.send(j, "ft-annecy", "SubmitCandidature",
                         {{"candidature_id", "c0"}, {"siae_org", r.pick(kSiaes)}, {"date", d}})
                      .ok());
    }
    for (int step = 0; step < kSteps; ++step) {
      auto cmd = next(j, r);
      if (!cmd) continue;
      const auto& [actor, typed] = *cmd;
      const auto& [type, data] = typed;
      const JourneyState before = w.state(j);  // a copy, compared after the command
      const Date today = w.today();
      auto res = w.send(j, actor, type, data);
      if (!res.ok()) {
        EXPECT_EQ(w.state(j).version, before.version) << "a rejected " << type << " appended";
        EXPECT_NE(res.rejection().status, 500) << type << ": " << res.rejection().detail;
        continue;
      }
      ++accepted;
      for (const auto& e : res->events) seen.insert(e.type);
      EXPECT_EQ(w.state(j).version, before.version + static_cast<long>(res->events.size()));
      expect_one_valid_pass(w.state(j));
      if (type == "AcceptCandidature") {
        ++hires;
        expect_eligible_hire(before, data, *res, today);
      }
      if (::testing::Test::HasFailure()) {
        FAIL() << "sequence " << seq << " step " << step << ": " << type << " " << data.dump();
      }
    }
    ASSERT_EQ(json(w.replay(j)), json(w.state(j))) << "sequence " << seq;
    ASSERT_EQ(domain::state_json(w.state(j)), json(w.state(j)).dump()) << "sequence " << seq;
  }
  std::cout << "[ property ] " << kSequences << " sequences, " << accepted << " accepted commands, "
            << hires << " hires\n";
  // The generator reaches the interesting parts.
  EXPECT_GT(accepted, kSequences * 5);
  EXPECT_GT(hires, kSequences / 2);
  for (const char* t :
       {"pass.issued", "pass.reused", "pass.cancelled", "pass.suspended", "pass.suspension_ended",
        "pass.prolonged", "pass.prolongation_requested", "pass.prolongation_reminder",
        "candidature.obsoleted", "eligibility.superseded", "exit.recorded", "contract.renewed"}) {
    EXPECT_TRUE(seen.count(t)) << "the random sequences never produced " << t;
  }
}

TEST(Evolve, UnknownEventTypesOnlyAdvanceTheVersion) {
  domain::JourneyState s;
  s.version = 4;
  domain::RecordedEvent e;
  e.type = "journey.something_new";
  e.seq = 5;
  e.hash = "h";
  e.data = {{"anything", 1}};
  const json before = json(s);
  domain::evolve(s, e);
  EXPECT_EQ(s.version, 5);
  json after = json(s);
  after["version"] = 4;
  after["last_hash"] = before["last_hash"];
  EXPECT_EQ(after, before);
}

TEST(Evolve, StateRoundTripsThroughJson) {
  World w;
  w.prescriber("ft-annecy");
  w.siae("ei-1");
  ASSERT_TRUE(w.open("j1", "ft-annecy").ok());
  ASSERT_TRUE(w.send("j1", "ft-annecy", "MakeEligibilityDiagnosis",
                     {{"diagnosis_id", "d1"}, {"date", "2026-11-02"}})
                  .ok());
  ASSERT_TRUE(w.send("j1", "ft-annecy", "SubmitCandidature",
                     {{"candidature_id", "c1"}, {"siae_org", "ei-1"}, {"date", "2026-11-02"}})
                  .ok());
  ASSERT_TRUE(w.send("j1", "ei-1", "AcceptCandidature",
                     {{"candidature_id", "c1"},
                      {"hiring_start", "2026-11-23"},
                      {"hiring_end", "2027-05-22"},
                      {"contract", {{"type", "CDDI"}, {"weekly_hours", 26}}}})
                  .ok());
  const json j = json(w.state("j1"));
  EXPECT_EQ(json(j.get<domain::JourneyState>()), j);
}

}  // namespace
}  // namespace parcours::testing
