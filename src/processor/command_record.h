// The records of the commands and replies topics.
//
// A command record (parcours.commands.v1, key = journey id or org id):
//   {
//     "v": 1,
//     "command_id": "<Idempotency-Key>",
//     "stream": "journey" | "org",
//     "stream_id": "<journey id or org id>",
//     "type": "OpenJourney", "data": {...},        person of OpenJourney sealed (below)
//     "expected_version": 3 | null,                 If-Match
//     "actor": {"sub": "...", "org": "...", "roles": [...]},
//     "intake_time": "2026-11-23T10:15:30.123Z",    the API's clock; "today" is its date
//     "payload_hash": "<hex>",                      keyed hash of type+data+expected_version
//     "reply_partition": 0, "reply_to": "<instance id>", "request_id": "<unique>",
//     "wrapped_key": {...}                          OpenJourney: the new journey's data key;
//   }                                               a command with free text: the key that
//                                                   seals it in transit; both wrapped by the
//                                                   master key
//
// Personal data never travels in clear: the API seals OpenJourney's `person` with a fresh data
// key before producing the command; the processor opens it to decide and adopts that key as
// the journey's. Free text (notes, messages, a proof of identity: domain/free_text.h) is
// sealed the same way with a key of its own (crypto/free_text_cipher.h).
//
// A reply record (parcours.replies.v1, key = command id, partition = reply_partition):
//   {"command_id": "...", "reply_to": "...", "request_id": "...", "status": 201, "body": {...}}
// body = {"journey_id"|"org_id", "version", "events": [{"seq","type","id"}]} or a problem.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace parcours::processor {

struct CommandActor {
  std::string sub;
  std::string org;
  std::vector<std::string> roles;
  bool has_role(const std::string& r) const;
};

struct CommandRecord {
  std::string command_id;
  std::string stream;  // "journey" | "org" | "system"
  std::string stream_id;
  std::string type;
  nlohmann::json data;
  std::optional<long> expected_version;
  CommandActor actor;
  std::string intake_time;
  std::string payload_hash;
  int reply_partition = 0;
  std::string reply_to;
  std::string request_id;      // unique per API request; the reply carries it back
  nlohmann::json wrapped_key;  // null unless OpenJourney or a command with free text
};

std::string encode(const CommandRecord& c);
// nullopt (and *error) if the record is not a command of this format.
std::optional<CommandRecord> decode_command(std::string_view value, std::string* error);

struct ReplyRecord {
  std::string command_id;
  std::string reply_to;
  std::string request_id;
  int status = 0;
  nlohmann::json body;
};

std::string encode(const ReplyRecord& r);
// The same record, with its body given as canonical JSON already written (r.body is ignored):
// the processor writes an accepted command's body once, for the reply and the idempotency entry.
std::string encode(const ReplyRecord& r, std::string_view canonical_body);
std::optional<ReplyRecord> decode_reply(std::string_view value);

}  // namespace parcours::processor
