// What a decider receives and returns (ARCHITECTURE §6).
//
//   decide(state, command, ctx) -> Decision | Rejection      pure, deterministic
//
// Everything a decision uses is in the state, the command or the context, and everything it
// used that a replay would need goes into the events, so replaying never needs the clock or
// the registry.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "domain/date.h"
#include "domain/organization.h"
#include "domain/proof.h"

namespace parcours::domain {

class RulesetBook;

// Who sends the command. The organisation's kind and habilitation come from the registry,
// never from the token.
struct Actor {
  std::string user;                   // token `sub`
  std::string org_id;                 // token `org`; empty for an admin without organisation
  bool admin = false;                 // token role "admin"
  bool system = false;                // the service itself (deadlines, JOURNEY §3.9)
  const Organization* org = nullptr;  // registry entry of org_id, or nullptr
};

struct Command {
  std::string type;                      // e.g. "OpenJourney"
  nlohmann::json data;                   // the command's fields, as sent
  std::string command_id;                // the API's Idempotency-Key
  std::string stream_id;                 // journey id, or org id for organisation commands
  std::optional<long> expected_version;  // If-Match
};

struct DecisionContext {
  Actor actor;
  Date today;               // the server's UTC date at intake
  std::string intake_time;  // RFC 3339, recorded time of the command
  const OrgLookup* orgs = nullptr;
  const RulesetBook* rules = nullptr;
  // The person's birth date, decrypted by the processor for age rules; nullopt once the
  // identity is erased. Personal data never enters the state in clear.
  std::optional<Date> birth_date;
  // The number a PASS IAE issued by this command would get: 12 digits, unique, allocated by
  // the processor from a per-partition counter ("99" + 2-digit partition + 8-digit counter)
  // and recorded in pass.issued, so a replay reads it rather than recomputing it.
  std::string next_pass_number;
  // JoinJourney: does the proof match the person's identity? The processor, which alone can
  // open the identity, compares keyed hashes of both in constant time (crypto/lookup_hash.h).
  // Empty when the identity cannot be opened (erased): no proof matches then.
  std::function<bool(const Proof&)> proof_matches;
};

// An event a decider wants appended. The processor wraps it in the CloudEvents envelope
// (events/envelope.h): seq, hash chain, ids, actor, recorded time.
struct NewEvent {
  std::string type;  // e.g. "journey.opened"
  nlohmann::json data;
};

struct Decision {
  std::vector<NewEvent> events;
  std::string ruleset;  // id of the ruleset that decided, recorded in every event
};

// An event as stored on the journey-events (or org-events) topic, decoded from its envelope.
struct RecordedEvent {
  std::string id;  // CloudEvents id
  std::string type;
  std::string subject;  // journey id or org id
  long seq = 0;         // 1, 2, 3 ... within the stream
  std::string time;     // recorded time, RFC 3339 UTC
  std::string command_id;
  std::string actor;
  std::string actor_org;  // empty for admin or system
  std::string ruleset;
  std::string prevhash;
  std::string hash;
  nlohmann::json data;
};

}  // namespace parcours::domain
