#include "events/hash_chain.h"

#include "events/envelope.h"

namespace parcours::events {

std::optional<ChainBreak> ChainVerifier::add(const nlohmann::json& env) {
  ++count_;
  if (!env.is_object() || !env.contains("seq") || !env["seq"].is_number_integer() ||
      !env.contains("hash") || !env["hash"].is_string() || !env.contains("prevhash") ||
      !env["prevhash"].is_string()) {
    return ChainBreak{last_seq_ + 1, "undecodable", "envelope lacks seq, hash or prevhash"};
  }
  const long seq = env["seq"].get<long>();
  const std::string& hash = env["hash"].get_ref<const std::string&>();
  const std::string& prev = env["prevhash"].get_ref<const std::string&>();
  std::optional<ChainBreak> brk;
  const std::string expected_prev = last_seq_ == 0 ? std::string(kZeroHash) : head_;
  if (seq != last_seq_ + 1) {
    brk = ChainBreak{
        seq, "seq_gap",
        "expected seq " + std::to_string(last_seq_ + 1) + ", found " + std::to_string(seq)};
  } else if (prev != expected_prev) {
    brk = ChainBreak{seq, "prevhash_mismatch", "prevhash does not match the previous hash"};
  } else if (compute_hash(env) != hash) {
    brk = ChainBreak{seq, "hash_mismatch", "hash does not match the event's content"};
  }
  last_seq_ = seq;
  head_ = hash;
  return brk;
}

}  // namespace parcours::events
