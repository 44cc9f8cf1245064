// A journey world for domain tests: a registry, a clock, and a fold of the events decided,
// exactly as the processor does it (decide -> seal identity -> envelope with seq and hash
// chain -> schema validation -> evolve), minus Kafka and RocksDB.
//
// Every event a test produces through World::send is validated against its JSON Schema in
// events/schemas, so each domain test also checks the catalogue.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "crypto/identity_cipher.h"
#include "domain/decide.h"
#include "domain/identity.h"
#include "domain/proof.h"
#include "domain/ruleset.h"
#include "events/envelope.h"
#include "events/schema_catalog.h"

namespace parcours::testing {

using domain::Date;
using nlohmann::json;

inline Date D(const char* s) {
  return *Date::parse(s);
}

// JOURNEY §6, "errors leak nothing": what in a rejection's detail would give away the person's
// data, or a PASS the caller may not read. Empty when the detail is clean. Every rejection that
// a domain test meets through World::send passes through it, so the tests that drive each rule
// code (RuleCodes.EachIsDecidedInOnePlaceAndTested) also check each code's detail.
// A date the caller sent (`sent`), or a date of a contract of the caller's own (`caller`), is
// the caller's to see even when it is also a PASS date.
inline std::string leak_in_detail(const std::string& detail, const domain::Person* person,
                                  const domain::JourneyState& s, Date today,
                                  const json& sent = json::object(),
                                  const std::string& caller = "") {
  std::string lower = detail;
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  auto has = [&](std::string needle) {
    std::transform(needle.begin(), needle.end(), needle.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return !needle.empty() && lower.find(needle) != std::string::npos;
  };
  // Names as whole words: "Al" is a name, and "not allowed" does not give it away.
  auto has_word = [&](const std::string& word) {
    std::string w = word;
    std::transform(w.begin(), w.end(), w.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    for (std::size_t at = lower.find(w); !w.empty() && at != std::string::npos;
         at = lower.find(w, at + 1)) {
      const bool start = at == 0 || !std::isalnum(static_cast<unsigned char>(lower[at - 1]));
      const std::size_t end = at + w.size();
      if (start && (end == lower.size() || !std::isalnum(static_cast<unsigned char>(lower[end])))) {
        return true;
      }
    }
    return false;
  };
  if (person) {
    if (has_word(person->first_name)) return "the first name";
    if (has_word(person->last_name)) return "the last name";
    const std::string b = person->birth_date.str();
    if (has(b)) return "the birth date";
    if (has(b.substr(8, 2) + "/" + b.substr(5, 2) + "/" + b.substr(0, 4))) return "the birth date";
    if (person->nir && has(*person->nir)) return "the NIR";
    // An age as details used to tell it: "age (41)", "(here 41)", "41 years old".
    const int age = domain::age_on(person->birth_date, today);
    for (int n = std::max(0, age - 3); n <= age + 3; ++n) {
      const std::string t = std::to_string(n);
      for (const std::string& form :
           {"age (" + t + ")", "(" + t + ")", "here " + t, t + " years old", "aged " + t + ")"}) {
        if (has(form)) return "the age";
      }
    }
  }
  std::set<std::string> own_dates;
  const std::string sent_text = sent.dump();
  for (const auto& c : s.contracts) {
    if (!caller.empty() && c.siae_org == caller) {
      own_dates.insert(c.start.str());
      if (c.end) own_dates.insert(c.end->str());
    }
  }
  // A PASS date is told when a detail about a PASS holds it; the same day in a detail about
  // something else (a PMSMP that happens to start that day) tells nothing.
  const bool about_pass = has("pass");
  auto told_date = [&](Date d) {
    const std::string t = d.str();
    return about_pass && has(t) && !own_dates.count(t) && sent_text.find(t) == std::string::npos;
  };
  std::vector<const domain::Pass*> passes;
  if (s.pass) passes.push_back(&*s.pass);
  for (const auto& p : s.past_passes) passes.push_back(&p);
  for (const auto* p : passes) {
    if (has(p->number)) return "a PASS number";
    if (told_date(p->start) || told_date(p->end)) return "a PASS date";
  }
  return {};
}

class World {
 public:
  explicit World(Date today = D("2026-11-23")) : today_(today) {}

  Date today() const { return today_; }
  void set_today(Date d) { today_ = d; }

  // Registers an organisation through the real org decider and evolve_org.
  void org(const std::string& id, const json& data) {
    auto r = org_command(id, "RegisterOrganization", data);
    ASSERT_TRUE(r.ok()) << r.rejection().code << ": " << r.rejection().detail;
  }
  // Sends an organisation command (RegisterOrganization, UpdateHabilitation,
  // DeactivateOrganization) as admin, or as `org_id` to test the admin-only rule; applies and
  // schema-validates its events like a journey command's.
  domain::Result<domain::Decision> org_command(const std::string& id, const std::string& type,
                                               const json& data, const std::string& as = "admin") {
    domain::Command cmd{type, data, "org-cmd-" + std::to_string(++commands_), id, std::nullopt};
    domain::DecisionContext ctx = as == "admin" ? context_for_admin() : context_for(as);
    auto r = domain::decide_org(orgs_.find(id), cmd, ctx);
    if (!r.ok()) return r;
    for (auto& ev : r->events) {
      domain::RecordedEvent rec;
      rec.type = ev.type;
      rec.subject = id;
      rec.seq = orgs_.find(id) ? orgs_.find(id)->version + 1 : 1;
      rec.prevhash = std::string(events::kZeroHash);
      rec.time = ctx.intake_time;
      rec.command_id = cmd.command_id;
      rec.actor = ctx.actor.user;
      rec.actor_org = ctx.actor.org_id;
      rec.ruleset = r->ruleset;
      rec.data = ev.data;
      json env = events::seal(rec, events::kOrgSource);
      const auto problems = events::SchemaCatalog::standard().validate(env);
      EXPECT_TRUE(problems.empty())
          << ev.type
          << " does not match its schema: " << (problems.empty() ? "" : problems.front());
      domain::evolve_org(orgs_, rec);
    }
    return r;
  }
  // Shorthands for the common kinds.
  void prescriber(const std::string& id, const std::string& kind = "FT",
                  const std::string& dept = "74") {
    json d = {
        {"name", id}, {"kind", "prescriber"}, {"department", dept}, {"prescriber_kind", kind}};
    if (kind == "OHPD") d["habilitation"] = {{"valid_until", today_.plus_years(5).str()}};
    org(id, d);
  }
  void orienteur(const std::string& id, const std::string& dept = "74") {
    org(id, {{"name", id}, {"kind", "orienteur"}, {"department", dept}});
  }
  void siae(const std::string& id, const std::string& kind = "EI", const std::string& dept = "74") {
    org(id, {{"name", id}, {"kind", "siae"}, {"department", dept}, {"siae_kind", kind}});
  }
  // A prefectoral (OHPD) prescriber habilitated until `valid_until`.
  void ohpd(const std::string& id, Date valid_until) {
    org(id, {{"name", id},
             {"kind", "prescriber"},
             {"department", "74"},
             {"prescriber_kind", "OHPD"},
             {"habilitation", {{"valid_until", valid_until.str()}}}});
  }
  domain::OrgMap& orgs() { return orgs_; }

  // Sends a journey command as `org_id` (or as admin when org_id is "admin").
  domain::Result<domain::Decision> send(const std::string& journey, const std::string& org_id,
                                        const std::string& type, const json& data,
                                        std::optional<long> if_match = std::nullopt) {
    domain::JourneyState& s = journeys_[journey];
    domain::Command cmd{type, data, "cmd-" + std::to_string(++commands_), journey, if_match};
    domain::DecisionContext ctx = org_id == "admin"    ? context_for_admin()
                                  : org_id == "system" ? context_for_system()
                                                       : context_for(org_id);
    const domain::Person* person = persons_.count(journey) ? &persons_[journey] : nullptr;
    if (person && !s.erased) {
      ctx.birth_date = person->birth_date;
      // What the processor does with keyed hashes, with the texts themselves.
      ctx.proof_matches = [texts = domain::proof_texts(*person)](const domain::Proof& p) {
        return std::find(texts.begin(), texts.end(), p.text) != texts.end();
      };
    }
    auto r = domain::decide(s, cmd, ctx);
    if (!r.ok()) {
      const std::string leak =
          leak_in_detail(r.rejection().detail, person, s, today_, data, org_id);
      EXPECT_TRUE(leak.empty()) << type << " rejected with " << r.rejection().code << " tells "
                                << leak << ": " << r.rejection().detail;
      return r;
    }
    EXPECT_TRUE(!r->events.empty() || type == "JoinJourney") << type << " accepted without events";
    for (const auto& ev : r->events) append(journey, s, cmd, ctx, ev, r->ruleset);
    return r;
  }

  // Sends ApplyDeadlines{day} as the system (JOURNEY §3.9).
  domain::Result<domain::Decision> deadlines(const std::string& journey, Date day) {
    return send(journey, "system", "ApplyDeadlines", {{"day", day.str()}});
  }

  // Opens a journey for a person born on `birth` and returns the result.
  domain::Result<domain::Decision> open(const std::string& journey, const std::string& org_id,
                                        const std::string& birth = "1990-04-02",
                                        const std::string& dept = "74") {
    return send(
        journey, org_id, "OpenJourney",
        {{"person", {{"first_name", "Camille"}, {"last_name", "Martin"}, {"birth_date", birth}}},
         {"department", dept}});
  }

  // `org` joins the journey with a proof by name and birth date (JOURNEY §3.1), as an
  // organisation that meets the person does before it may act on the journey.
  domain::Result<domain::Decision> join(const std::string& journey, const std::string& org) {
    const auto it = persons_.find(journey);
    if (it == persons_.end()) {
      ADD_FAILURE() << "no identity to prove for " << journey;
      return domain::journey_not_found();
    }
    return send(journey, org, "JoinJourney",
                {{"proof",
                  {{"last_name", it->second.last_name},
                   {"first_name", it->second.first_name},
                   {"birth_date", it->second.birth_date.str()}}}});
  }

  const domain::JourneyState& state(const std::string& journey) { return journeys_[journey]; }
  // Every envelope appended to a journey, in order.
  const std::vector<json>& log(const std::string& journey) { return logs_[journey]; }
  // Types of the events appended by the last accepted command.
  std::vector<std::string> last_types(const domain::Decision& d) const {
    std::vector<std::string> out;
    for (const auto& e : d.events) out.push_back(e.type);
    return out;
  }

  // Folds the journey's log from scratch with evolve (what a rebuild does).
  domain::JourneyState replay(const std::string& journey) {
    domain::JourneyState s;
    for (const auto& env : logs_[journey]) {
      auto rec = events::decode(env);
      EXPECT_TRUE(rec.has_value());
      if (rec) domain::evolve(s, *rec);
    }
    return s;
  }

  domain::DecisionContext context_for(const std::string& org_id) {
    domain::DecisionContext ctx;
    ctx.actor.user = "user@" + org_id;
    ctx.actor.org_id = org_id;
    ctx.actor.org = orgs_.find(org_id);
    ctx.today = today_;
    ctx.intake_time = today_.str() + "T10:00:00.000Z";
    ctx.orgs = &orgs_;
    ctx.rules = &domain::RulesetBook::standard();
    ctx.next_pass_number = next_pass_number();
    return ctx;
  }
  domain::DecisionContext context_for_admin() {
    domain::DecisionContext ctx = context_for("");
    ctx.actor.user = "admin";
    ctx.actor.admin = true;
    return ctx;
  }
  domain::DecisionContext context_for_system() {
    domain::DecisionContext ctx = context_for("");
    ctx.actor.user = "system";
    ctx.actor.system = true;
    return ctx;
  }
  // The PASS number the next issue gets: "99" + partition "00" + an 8-digit counter that moves
  // only when a PASS is issued, as the processor allocates them (command.h).
  std::string next_pass_number() const {
    char buf[16];
    std::snprintf(buf, sizeof buf, "9900%08ld", pass_counter_);
    return buf;
  }
  void set_pass_counter(long n) { pass_counter_ = n; }

 private:
  void append(const std::string& journey, domain::JourneyState& s, const domain::Command& cmd,
              const domain::DecisionContext& ctx, const domain::NewEvent& ev,
              const std::string& ruleset) {
    domain::RecordedEvent rec;
    rec.type = ev.type;
    rec.subject = journey;
    rec.seq = s.version + 1;
    rec.prevhash = s.version == 0 ? std::string(events::kZeroHash) : s.last_hash;
    rec.time = ctx.intake_time;
    rec.command_id = cmd.command_id;
    rec.actor = ctx.actor.user;
    rec.actor_org = ctx.actor.org_id;
    rec.ruleset = ruleset;
    rec.data = ev.data;
    if (ev.type == "journey.opened") {
      auto person = domain::person_from_json(ev.data.at("identity"));
      EXPECT_TRUE(person.has_value()) << "journey.opened carries no valid identity";
      if (person) persons_[journey] = *person;
      rec.data["identity"] = crypto::seal_identity(ev.data.at("identity"), key_, journey);
    }
    // Crypto-shredding: once erased, the processor can no longer give the birth date.
    if (ev.type == "journey.identity_erased") persons_.erase(journey);
    if (ev.type == "pass.issued") ++pass_counter_;
    json env = events::seal(rec, events::kJourneySource);
    const auto problems = events::SchemaCatalog::standard().validate(env);
    EXPECT_TRUE(problems.empty()) << ev.type << " does not match its schema: "
                                  << (problems.empty() ? "" : problems.front()) << "\n"
                                  << env.dump();
    logs_[journey].push_back(env);
    domain::evolve(s, rec);
  }

  Date today_;
  domain::OrgMap orgs_;
  std::map<std::string, domain::JourneyState> journeys_;
  std::map<std::string, std::vector<json>> logs_;
  std::map<std::string, domain::Person> persons_;  // the clear identity, until erased
  crypto::DataKey key_ = crypto::new_data_key();
  long commands_ = 0;
  long pass_counter_ = 1;
};

// Asserts a rejection with the given code.
#define EXPECT_REJECTED(result, expected_code)                                   \
  do {                                                                           \
    const auto& r_ = (result);                                                   \
    ASSERT_FALSE(r_.ok()) << "expected " << (expected_code) << ", was accepted"; \
    EXPECT_EQ(r_.rejection().code, (expected_code)) << r_.rejection().detail;    \
  } while (0)

#define EXPECT_ACCEPTED(result)                                                   \
  do {                                                                            \
    const auto& r_ = (result);                                                    \
    ASSERT_TRUE(r_.ok()) << r_.rejection().code << ": " << r_.rejection().detail; \
  } while (0)

}  // namespace parcours::testing
