// A journey world for domain tests: a registry, a clock, and a fold of the events decided,
// exactly as the processor does it (decide -> seal identity -> envelope with seq and hash
// chain -> schema validation -> evolve), minus Kafka and RocksDB.
//
// Every event a test produces through World::send is validated against its JSON Schema in
// events/schemas, so each domain test also checks the catalogue.
#pragma once

#include <gtest/gtest.h>

#include <cstdio>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "crypto/identity_cipher.h"
#include "domain/decide.h"
#include "domain/identity.h"
#include "domain/ruleset.h"
#include "events/envelope.h"
#include "events/schema_catalog.h"

namespace parcours::testing {

using domain::Date;
using nlohmann::json;

inline Date D(const char* s) {
  return *Date::parse(s);
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
    ctx.birth_date =
        birth_dates_.count(journey) ? std::optional(birth_dates_[journey]) : std::nullopt;
    auto r = domain::decide(s, cmd, ctx);
    if (!r.ok()) return r;
    EXPECT_FALSE(r->events.empty()) << type << " accepted without events";
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
      if (person) birth_dates_[journey] = person->birth_date;
      rec.data["identity"] = crypto::seal_identity(ev.data.at("identity"), key_, journey);
    }
    // Crypto-shredding: once erased, the processor can no longer give the birth date.
    if (ev.type == "journey.identity_erased") birth_dates_.erase(journey);
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
  std::map<std::string, Date> birth_dates_;
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
