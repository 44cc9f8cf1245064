#include "crypto/identity_cipher.h"

#include <sodium.h>

#include <array>
#include <cstdlib>
#include <vector>

namespace parcours::crypto {

namespace {
constexpr std::string_view kAlg = "xchacha20poly1305-ietf";
constexpr std::string_view kDataKeyId = "dk1";
constexpr std::size_t kNonce = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
constexpr std::size_t kTag = crypto_aead_xchacha20poly1305_ietf_ABYTES;

const unsigned char* bytes(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

std::string seal(std::string_view plain, const DataKey& key, std::string_view ad,
                 std::string* nonce_b64) {
  unsigned char nonce[kNonce];
  randombytes_buf(nonce, sizeof nonce);
  std::vector<unsigned char> out(plain.size() + kTag);
  unsigned long long out_len = 0;
  crypto_aead_xchacha20poly1305_ietf_encrypt(out.data(), &out_len, bytes(plain), plain.size(),
                                             bytes(ad), ad.size(), nullptr, nonce, key.data());
  *nonce_b64 = base64(nonce, sizeof nonce);
  return base64(out.data(), out_len);
}

std::optional<std::string> open(std::string_view nonce_b64, std::string_view cipher_b64,
                                const DataKey& key, std::string_view ad) {
  auto nonce = unbase64_public(nonce_b64);
  auto cipher = unbase64_public(cipher_b64);
  if (!nonce || !cipher || nonce->size() != kNonce || cipher->size() < kTag) return std::nullopt;
  std::string plain(cipher->size() - kTag, '\0');
  unsigned long long plain_len = 0;
  if (crypto_aead_xchacha20poly1305_ietf_decrypt(
          reinterpret_cast<unsigned char*>(plain.data()), &plain_len, nullptr, bytes(*cipher),
          cipher->size(), bytes(ad), ad.size(), bytes(*nonce), key.data()) != 0) {
    return std::nullopt;
  }
  plain.resize(plain_len);
  return plain;
}

std::string key_ad(std::string_view journey_id) {
  return "parcours-data-key:" + std::string(journey_id);
}

const std::string* string_member(const nlohmann::json& j, const char* name) {
  if (!j.is_object()) return nullptr;
  auto it = j.find(name);
  if (it == j.end() || !it->is_string()) return nullptr;
  return &it->get_ref<const std::string&>();
}
}  // namespace

void ensure_sodium() {
  if (sodium_init() < 0) std::abort();
}

std::string base64(const unsigned char* data, std::size_t size) {
  const std::size_t len = sodium_base64_encoded_len(size, sodium_base64_VARIANT_ORIGINAL);
  std::string out(len, '\0');
  sodium_bin2base64(out.data(), len, data, size, sodium_base64_VARIANT_ORIGINAL);
  out.resize(len - 1);  // drop the terminating NUL
  return out;
}

std::optional<std::string> unbase64(std::string_view text) {
  std::string out(text.size(), '\0');
  std::size_t len = 0;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), text.data(),
                        text.size(), nullptr, &len, nullptr, sodium_base64_VARIANT_ORIGINAL) != 0) {
    return std::nullopt;
  }
  out.resize(len);
  return out;
}

std::optional<std::string> unbase64_public(std::string_view text) {
  // 0..63 for the alphabet's characters, 64 for '=', 255 for anything else.
  static constexpr auto kValue = [] {
    std::array<unsigned char, 256> v{};
    v.fill(255);
    constexpr std::string_view kAlphabet =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    for (std::size_t i = 0; i < kAlphabet.size(); ++i) {
      v[static_cast<unsigned char>(kAlphabet[i])] = static_cast<unsigned char>(i);
    }
    v['='] = 64;
    return v;
  }();
  if (text.size() % 4 != 0) return std::nullopt;
  // Written in place, not appended: a push_back per byte cost more than the decoding.
  std::string out(text.size() / 4 * 3, '\0');
  std::size_t n_out = 0;
  for (std::size_t i = 0; i < text.size(); i += 4) {
    unsigned c[4];
    for (int k = 0; k < 4; ++k) c[k] = kValue[static_cast<unsigned char>(text[i + k])];
    const bool last = i + 4 == text.size();
    // Padding only at the very end: "xx==" or "xxx=", with the bits it drops all zero (the
    // one encoding of those bytes, as sodium_base642bin requires).
    const int pad = last && c[3] == 64 ? (c[2] == 64 ? 2 : 1) : 0;
    for (int k = 0; k < 4 - pad; ++k) {
      if (c[k] > 63) return std::nullopt;
    }
    if (pad == 2 && (c[1] & 0x0f) != 0) return std::nullopt;
    if (pad == 1 && (c[2] & 0x03) != 0) return std::nullopt;
    const unsigned n = c[0] << 18 | c[1] << 12 | (pad == 2 ? 0 : c[2] << 6) | (pad ? 0 : c[3]);
    out[n_out++] = static_cast<char>(n >> 16);
    if (pad < 2) out[n_out++] = static_cast<char>((n >> 8) & 0xff);
    if (pad < 1) out[n_out++] = static_cast<char>(n & 0xff);
  }
  out.resize(n_out);
  return out;
}

void MasterKeyRing::add(std::string kid, const DataKey& master) {
  ensure_sodium();
  Entry e;
  e.master = master;
  static constexpr char kContext[crypto_kdf_CONTEXTBYTES + 1] = "parcours";
  crypto_kdf_derive_from_key(e.wrap.data(), e.wrap.size(), 1, kContext, master.data());
  crypto_kdf_derive_from_key(e.fingerprint.data(), e.fingerprint.size(), 2, kContext,
                             master.data());
  crypto_kdf_derive_from_key(e.lookup.data(), e.lookup.size(), 3, kContext, master.data());
  if (current_.empty()) current_ = kid;
  keys_[std::move(kid)] = e;
}

std::optional<MasterKeyRing> MasterKeyRing::parse(std::string_view spec, std::string* error) {
  MasterKeyRing ring;
  std::size_t pos = 0;
  while (pos <= spec.size()) {
    const std::size_t end = std::min(spec.find(',', pos), spec.size());
    const std::string_view item = spec.substr(pos, end - pos);
    const std::size_t colon = item.find(':');
    if (colon == std::string_view::npos || colon == 0) {
      if (error) *error = "master key entries must be kid:base64";
      return std::nullopt;
    }
    std::string kid(item.substr(0, colon));
    auto raw = unbase64(item.substr(colon + 1));
    if (!raw || raw->size() != 32) {
      if (error) *error = "master key '" + kid + "' is not 32 bytes of base64";
      return std::nullopt;
    }
    if (ring.keys_.count(kid)) {
      // Two keys under one id: which one wrapped a stored key could not be told.
      if (error) *error = "master key id '" + kid + "' is given twice";
      return std::nullopt;
    }
    DataKey k{};
    std::copy(raw->begin(), raw->end(), k.begin());
    ring.add(std::move(kid), k);
    pos = end + 1;
  }
  return ring;
}

MasterKeyRing MasterKeyRing::generate(std::string kid) {
  MasterKeyRing ring;
  ring.add(std::move(kid), new_data_key());
  return ring;
}

std::string MasterKeyRing::spec() const {
  const DataKey& k = keys_.at(current_).master;
  return current_ + ":" + base64(k.data(), k.size());
}

const DataKey* MasterKeyRing::find(std::string_view kid) const {
  auto it = keys_.find(kid);
  return it == keys_.end() ? nullptr : &it->second.master;
}

const DataKey* MasterKeyRing::wrap_key(std::string_view kid) const {
  auto it = keys_.find(kid);
  return it == keys_.end() ? nullptr : &it->second.wrap;
}

const DataKey& MasterKeyRing::fingerprint_key() const {
  return keys_.at(current_).fingerprint;
}

std::vector<const DataKey*> MasterKeyRing::lookup_keys() const {
  std::vector<const DataKey*> out = {&keys_.at(current_).lookup};
  for (const auto& [kid, e] : keys_) {
    if (kid != current_) out.push_back(&e.lookup);
  }
  return out;
}

DataKey new_data_key() {
  ensure_sodium();
  DataKey k{};
  crypto_aead_xchacha20poly1305_ietf_keygen(k.data());
  return k;
}

nlohmann::json wrap_data_key(const DataKey& key, std::string_view journey_id,
                             const MasterKeyRing& ring) {
  std::string nonce;
  const std::string wrapped =
      seal(std::string_view(reinterpret_cast<const char*>(key.data()), key.size()),
           *ring.wrap_key(ring.current_kid()), key_ad(journey_id), &nonce);
  return {{"v", 2}, {"kid", ring.current_kid()}, {"nonce", nonce}, {"wrapped", wrapped}};
}

std::optional<DataKey> unwrap_data_key(const nlohmann::json& wrapped, std::string_view journey_id,
                                       const MasterKeyRing& ring) {
  const auto* kid = string_member(wrapped, "kid");
  const auto* nonce = string_member(wrapped, "nonce");
  const auto* body = string_member(wrapped, "wrapped");
  if (!kid || !nonce || !body) return std::nullopt;
  // Version 2 is wrapped with the master's wrapping subkey; older records with the master.
  const auto v = wrapped.find("v");
  const bool derived = v != wrapped.end() && v->is_number_integer() && v->get<int>() == 2;
  const DataKey* master = derived ? ring.wrap_key(*kid) : ring.find(*kid);
  if (!master) return std::nullopt;
  auto plain = open(*nonce, *body, *master, key_ad(journey_id));
  if (!plain || plain->size() != 32) return std::nullopt;
  DataKey k{};
  std::copy(plain->begin(), plain->end(), k.begin());
  return k;
}

nlohmann::json seal_value(const nlohmann::json& clear, const DataKey& key, std::string_view ad) {
  std::string nonce;
  const std::string cipher =
      seal(clear.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace), key, ad, &nonce);
  return {{"alg", kAlg}, {"kid", kDataKeyId}, {"nonce", nonce}, {"ciphertext", cipher}};
}

std::optional<nlohmann::json> open_value(const nlohmann::json& sealed, const DataKey& key,
                                         std::string_view ad) {
  const auto* alg = string_member(sealed, "alg");
  const auto* nonce = string_member(sealed, "nonce");
  const auto* cipher = string_member(sealed, "ciphertext");
  if (!alg || *alg != kAlg || !nonce || !cipher) return std::nullopt;
  auto plain = open(*nonce, *cipher, key, ad);
  if (!plain) return std::nullopt;
  auto j = nlohmann::json::parse(*plain, nullptr, false);
  if (j.is_discarded()) return std::nullopt;
  return j;
}

bool is_sealed(const nlohmann::json& j) {
  return string_member(j, "alg") && string_member(j, "nonce") && string_member(j, "ciphertext");
}

std::string sealed_text_ad(std::string_view journey_id, std::string_view field) {
  std::string ad(journey_id);
  ad.push_back('/');
  ad.append(field);
  return ad;
}

nlohmann::json seal_identity(const nlohmann::json& clear, const DataKey& key,
                             std::string_view journey_id) {
  return seal_value(clear, key, journey_id);
}

std::optional<nlohmann::json> open_identity(const nlohmann::json& sealed, const DataKey& key,
                                            std::string_view journey_id) {
  return open_value(sealed, key, journey_id);
}

}  // namespace parcours::crypto

namespace parcours::crypto {
namespace {
std::string hex_of(const unsigned char* bytes, std::size_t n) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex(2 * n, '0');
  for (std::size_t i = 0; i < n; ++i) {
    hex[2 * i] = kHex[bytes[i] >> 4];
    hex[2 * i + 1] = kHex[bytes[i] & 0xf];
  }
  return hex;
}

void keyed_hash(std::string_view bytes, const DataKey& key, unsigned char (&out)[32]) {
  crypto_generichash(out, sizeof out, reinterpret_cast<const unsigned char*>(bytes.data()),
                     bytes.size(), key.data(), key.size());
}
}  // namespace

std::string keyed_hash_hex(std::string_view bytes, const MasterKeyRing& ring) {
  unsigned char out[32];
  keyed_hash(bytes, ring.fingerprint_key(), out);
  return hex_of(out, sizeof out);
}

std::string lookup_hash_hex(std::string_view proof_text, const DataKey& lookup_key) {
  unsigned char out[32];
  keyed_hash(proof_text, lookup_key, out);
  return hex_of(out, sizeof out);
}

bool proof_matches(std::string_view proof_text, const std::vector<std::string>& candidates,
                   const DataKey& lookup_key) {
  unsigned char proof[32];
  keyed_hash(proof_text, lookup_key, proof);
  bool found = false;
  for (const auto& c : candidates) {
    unsigned char other[32];
    keyed_hash(c, lookup_key, other);
    // Every candidate is compared, whatever the earlier ones gave.
    found = (sodium_memcmp(proof, other, sizeof proof) == 0) || found;
  }
  return found;
}
}  // namespace parcours::crypto
