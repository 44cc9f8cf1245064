#include "crypto/sha256.h"

#include <openssl/evp.h>

#include <cstdlib>

namespace parcours::crypto {

namespace {

// Fetched once: OpenSSL 3 otherwise looks the algorithm up again on every call, which costs
// as much as hashing a small event.
const EVP_MD* sha256_md() {
  static const EVP_MD* md = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  if (md == nullptr) std::abort();  // no SHA-256 in libcrypto: nothing can be verified
  return md;
}

std::string to_hex(const unsigned char* bytes, unsigned int n) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex(2 * n, '0');
  for (unsigned int i = 0; i < n; ++i) {
    hex[2 * i] = kHex[bytes[i] >> 4];
    hex[2 * i + 1] = kHex[bytes[i] & 0xf];
  }
  return hex;
}

// An EVP context owned: sha256_hex keeps one per thread, initialised again for each hash
// (EVP_Digest allocated and freed one per call, a tenth of the cost of hashing an event).
struct EvpContext {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  ~EvpContext() { EVP_MD_CTX_free(ctx); }
};
}  // namespace

struct Sha256::Context : EvpContext {};

std::string sha256_hex(std::string_view bytes) {
  thread_local EvpContext context;
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  if (context.ctx == nullptr || EVP_DigestInit_ex(context.ctx, sha256_md(), nullptr) != 1 ||
      EVP_DigestUpdate(context.ctx, bytes.data(), bytes.size()) != 1 ||
      EVP_DigestFinal_ex(context.ctx, out, &n) != 1) {
    std::abort();
  }
  return to_hex(out, n);
}

Sha256::Sha256() : ctx_(std::make_unique<Context>()) {
  if (ctx_->ctx == nullptr || EVP_DigestInit_ex(ctx_->ctx, sha256_md(), nullptr) != 1) {
    std::abort();
  }
}

Sha256::~Sha256() = default;

void Sha256::update(std::string_view bytes) {
  if (EVP_DigestUpdate(ctx_->ctx, bytes.data(), bytes.size()) != 1) std::abort();
}

std::string Sha256::hex() {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  if (EVP_DigestFinal_ex(ctx_->ctx, out, &n) != 1) std::abort();
  return to_hex(out, n);
}

}  // namespace parcours::crypto
