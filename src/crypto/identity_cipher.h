// Crypto-shredding of personal data (ARCHITECTURE §5).
//
// Each journey has its own 256-bit data key. The identity object of journey.opened is sealed
// with it (XChaCha20-Poly1305-IETF, the journey id as associated data so a sealed identity
// cannot be moved to another journey). The data key itself is stored only wrapped by a
// master key (same AEAD, associated data "parcours-data-key:" + journey id) in the compacted
// parcours.keys.v1 topic. Erasure writes a tombstone for the journey's key: from then on no
// one can open the identity, while every event stays in the log and the hash chain holds.
//
// Master keys come from PARCOURS_MASTER_KEY as "kid:base64key[,kid:base64key...]"; the first
// is current (used to wrap new keys), the others still unwrap keys they wrapped (rotation).
//
// Thread-safety: MasterKeyRing is immutable after construction. Functions are reentrant.
#pragma once

#include <array>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace parcours::crypto {

using DataKey = std::array<unsigned char, 32>;

// Calls sodium_init() once; aborts the process if libsodium cannot start (no safe fallback).
void ensure_sodium();

class MasterKeyRing {
 public:
  // Parses "kid:base64[,kid:base64...]". Returns nullopt (and sets *error) on a malformed
  // spec or a key that is not 32 bytes.
  static std::optional<MasterKeyRing> parse(std::string_view spec, std::string* error);
  // A fresh random ring with one key (development and tests).
  static MasterKeyRing generate(std::string kid);
  // "kid:base64" of the current key, to hand a generated ring to another process.
  std::string spec() const;

  const std::string& current_kid() const { return current_; }
  const DataKey* find(std::string_view kid) const;

 private:
  std::string current_;
  std::map<std::string, DataKey, std::less<>> keys_;
};

DataKey new_data_key();

// The wrapped form stored in parcours.keys.v1:
//   {"kid": "<master kid>", "nonce": b64, "wrapped": b64}
nlohmann::json wrap_data_key(const DataKey& key, std::string_view journey_id,
                             const MasterKeyRing& ring);
// nullopt if the master key is unknown or the wrapped key was tampered with.
std::optional<DataKey> unwrap_data_key(const nlohmann::json& wrapped, std::string_view journey_id,
                                       const MasterKeyRing& ring);

// Sealed identity, the `identity` member of journey.opened:
//   {"alg": "xchacha20poly1305-ietf", "kid": "dk1", "nonce": b64, "ciphertext": b64}
nlohmann::json seal_identity(const nlohmann::json& clear, const DataKey& key,
                             std::string_view journey_id);
// The clear identity, or nullopt if the key does not open it.
std::optional<nlohmann::json> open_identity(const nlohmann::json& sealed, const DataKey& key,
                                            std::string_view journey_id);

std::string base64(const unsigned char* data, std::size_t size);
std::optional<std::string> unbase64(std::string_view text);

}  // namespace parcours::crypto

namespace parcours::crypto {
// Keyed BLAKE2b-256 (hex) of bytes under the ring's current master key. Used to fingerprint
// command payloads for idempotency without storing a plain hash of personal data.
std::string keyed_hash_hex(std::string_view bytes, const MasterKeyRing& ring);
}  // namespace parcours::crypto
