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
// A master key is never used as it is: libsodium's KDF derives from it one subkey per use
// (context "parcours"), so that a key that wraps data keys never also keys a hash:
//   1 wrap         wraps the journeys' data keys (records with "v": 2; older records were
//                  wrapped with the master key itself and still unwrap)
//   2 fingerprint  keys the fingerprints of command payloads (idempotency)
//   3 lookup       keys the hashes of proofs of identity (JoinJourney, the lookup index)
//
// Thread-safety: MasterKeyRing is immutable after construction. Functions are reentrant.
#pragma once

#include <array>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace parcours::crypto {

using DataKey = std::array<unsigned char, 32>;

// Calls sodium_init() once; aborts the process if libsodium cannot start (no safe fallback).
void ensure_sodium();

class MasterKeyRing {
 public:
  // Parses "kid:base64[,kid:base64...]". Returns nullopt (and sets *error) on a malformed
  // spec, a key that is not 32 bytes, or a key id given twice.
  static std::optional<MasterKeyRing> parse(std::string_view spec, std::string* error);
  // A fresh random ring with one key (development and tests).
  static MasterKeyRing generate(std::string kid);
  // "kid:base64" of the current key, to hand a generated ring to another process.
  std::string spec() const;

  const std::string& current_kid() const { return current_; }
  // The master key itself (records wrapped before subkeys), or nullptr.
  const DataKey* find(std::string_view kid) const;
  // The subkey that wraps data keys under master `kid`, or nullptr.
  const DataKey* wrap_key(std::string_view kid) const;
  // The current master's subkey for payload fingerprints.
  const DataKey& fingerprint_key() const;
  // Every master's subkey for proof hashes, the current one first: an index written before a
  // rotation is still found.
  std::vector<const DataKey*> lookup_keys() const;

 private:
  struct Entry {
    DataKey master{};
    DataKey wrap{};
    DataKey fingerprint{};
    DataKey lookup{};
  };
  void add(std::string kid, const DataKey& master);
  std::string current_;
  std::map<std::string, Entry, std::less<>> keys_;
};

DataKey new_data_key();

// The wrapped form stored in parcours.keys.v1:
//   {"v": 2, "kid": "<master kid>", "nonce": b64, "wrapped": b64 [, "lookup": [hex, ...]]}
// ("lookup": the keyed hashes of the person's proofs, lookup_hash_hex, that the read models
// index; they go with the key when the erasure tombstones it.)
nlohmann::json wrap_data_key(const DataKey& key, std::string_view journey_id,
                             const MasterKeyRing& ring);
// nullopt if the master key is unknown or the wrapped key was tampered with.
std::optional<DataKey> unwrap_data_key(const nlohmann::json& wrapped, std::string_view journey_id,
                                       const MasterKeyRing& ring);

// A sealed JSON value (the identity, a free text):
//   {"alg": "xchacha20poly1305-ietf", "kid": "dk1", "nonce": b64, "ciphertext": b64}
// The associated data binds it to where it belongs: the journey id for the identity, the
// journey id and the field for a free text (sealed_text_ad), so it cannot be moved elsewhere.
nlohmann::json seal_value(const nlohmann::json& clear, const DataKey& key, std::string_view ad);
// The clear value, or nullopt if the key does not open it (or it is not a sealed value).
std::optional<nlohmann::json> open_value(const nlohmann::json& sealed, const DataKey& key,
                                         std::string_view ad);
// Is `j` shaped as a sealed value?
bool is_sealed(const nlohmann::json& j);
// "<journey id>/<field>"
std::string sealed_text_ad(std::string_view journey_id, std::string_view field);

// The identity of journey.opened: a sealed value with the journey id as associated data.
nlohmann::json seal_identity(const nlohmann::json& clear, const DataKey& key,
                             std::string_view journey_id);
std::optional<nlohmann::json> open_identity(const nlohmann::json& sealed, const DataKey& key,
                                            std::string_view journey_id);

std::string base64(const unsigned char* data, std::size_t size);
// Constant time (libsodium), for secrets such as master keys.
std::optional<std::string> unbase64(std::string_view text);
// The same bytes, refusing the same texts, from a table: not constant time, for what is not
// secret (nonces and ciphertexts), about ten times faster. Every identity, wrapped key and
// sealed text a processor opens goes through it.
std::optional<std::string> unbase64_public(std::string_view text);

}  // namespace parcours::crypto

namespace parcours::crypto {
// Keyed BLAKE2b-256 (hex) of bytes under the ring's fingerprint subkey. Used to fingerprint
// command payloads for idempotency without storing a plain hash of personal data.
std::string keyed_hash_hex(std::string_view bytes, const MasterKeyRing& ring);

// Keyed BLAKE2b-256 (hex) of a proof text (domain/proof.h) under a lookup subkey.
std::string lookup_hash_hex(std::string_view proof_text, const DataKey& lookup_key);
// Does `proof_text` equal one of `candidates`? Compares keyed hashes with sodium_memcmp, so
// the time taken does not depend on where the texts differ.
bool proof_matches(std::string_view proof_text, const std::vector<std::string>& candidates,
                   const DataKey& lookup_key);
}  // namespace parcours::crypto
