// Verifying a stream's hash chain (ARCHITECTURE §5): seq 1, 2, 3 ... without gaps, each
// prevhash equal to the previous event's hash (64 zeros for seq 1), each hash equal to the
// SHA-256 of the canonical envelope without "hash".
//
// Thread-safety: a ChainVerifier is used by one thread.
#pragma once

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

namespace parcours::events {

struct ChainBreak {
  long seq = 0;      // seq of the offending event (or the expected one, for a gap)
  std::string kind;  // "seq_gap" | "prevhash_mismatch" | "hash_mismatch" | "undecodable"
  std::string detail;
};

class ChainVerifier {
 public:
  // Feeds the next envelope of the stream, in log order. Returns the break it shows, if any;
  // after a break the verifier resynchronises on the offending event so that one tampered
  // event is reported once.
  std::optional<ChainBreak> add(const nlohmann::json& envelope);

  long events() const { return count_; }
  long last_seq() const { return last_seq_; }
  const std::string& head_hash() const { return head_; }

 private:
  long count_ = 0;
  long last_seq_ = 0;
  std::string head_;
};

}  // namespace parcours::events
