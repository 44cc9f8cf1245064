// SHA-256 of the event hash chain and of the read models' digest.
//
// OpenSSL's implementation uses the processor's SHA extensions where it has them: on this
// project's machines it hashes 4 to 5 times faster than libsodium's portable code, and the
// digest of a rebuilt store hashes every stored byte. The values are SHA-256's, whichever
// library computes them.
//
// Thread-safety: sha256_hex is reentrant; a Sha256 belongs to one thread at a time.
#pragma once

#include <memory>
#include <string>
#include <string_view>

namespace parcours::crypto {

// Lowercase hex of SHA-256(bytes).
std::string sha256_hex(std::string_view bytes);

// Incremental SHA-256 over many pieces.
class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;

  void update(std::string_view bytes);
  // Lowercase hex of the hash of everything updated so far; the object is spent after it.
  std::string hex();

 private:
  struct Context;
  std::unique_ptr<Context> ctx_;
};

}  // namespace parcours::crypto
