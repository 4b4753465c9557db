#include "core/random.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <cassert>
#include <climits>

namespace zhifa::core {

Result<std::string> RandomBytes(size_t num_bytes) {
  std::string out(num_bytes, '\0');
  if (num_bytes > static_cast<size_t>(INT_MAX) ||
      (num_bytes > 0 && RAND_bytes(reinterpret_cast<unsigned char*>(out.data()),
                                   static_cast<int>(num_bytes)) != 1)) {
    return Err(ErrorCode::kInternal, "随机数生成失败", "random number generator failed");
  }
  return out;
}

Result<std::string> RandomToken(size_t num_bytes) {
  Result<std::string> bytes = RandomBytes(num_bytes);
  if (!bytes) return bytes.error();
  return Base64UrlEncode(*bytes);
}

std::string Base64UrlEncode(std::string_view bytes) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  out.reserve((bytes.size() * 4 + 2) / 3);
  size_t i = 0;
  auto b = [&](size_t k) { return static_cast<unsigned>(static_cast<unsigned char>(bytes[k])); };
  for (; i + 3 <= bytes.size(); i += 3) {
    const unsigned v = (b(i) << 16) | (b(i + 1) << 8) | b(i + 2);
    out.push_back(kAlphabet[(v >> 18) & 63]);
    out.push_back(kAlphabet[(v >> 12) & 63]);
    out.push_back(kAlphabet[(v >> 6) & 63]);
    out.push_back(kAlphabet[v & 63]);
  }
  const size_t rest = bytes.size() - i;
  if (rest == 1) {
    const unsigned v = b(i) << 16;
    out.push_back(kAlphabet[(v >> 18) & 63]);
    out.push_back(kAlphabet[(v >> 12) & 63]);
  } else if (rest == 2) {
    const unsigned v = (b(i) << 16) | (b(i + 1) << 8);
    out.push_back(kAlphabet[(v >> 18) & 63]);
    out.push_back(kAlphabet[(v >> 12) & 63]);
    out.push_back(kAlphabet[(v >> 6) & 63]);
  }
  return out;
}

std::string HexEncode(std::string_view bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (char c : bytes) {
    const auto u = static_cast<unsigned char>(c);
    out.push_back(kHex[u >> 4]);
    out.push_back(kHex[u & 15]);
  }
  return out;
}

std::string Sha256Hex(std::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  // Fetched once: an implicit fetch per call costs a provider lookup under a lock (OpenSSL 3).
  static EVP_MD* const kSha256 = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  // One context per thread, re-initialised per call: EVP_Digest allocates and frees a context
  // and its provider state every time (this runs on every authenticated request).
  struct Ctx {
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    ~Ctx() { EVP_MD_CTX_free(ctx); }
  };
  thread_local Ctx t;
  const int ok = EVP_DigestInit_ex2(t.ctx, kSha256, nullptr) == 1 &&
                 EVP_DigestUpdate(t.ctx, data.data(), data.size()) == 1 &&
                 EVP_DigestFinal_ex(t.ctx, digest, &len) == 1;
  assert(ok && len == 32);  // SHA-256 in the default provider cannot fail on valid input
  (void)ok;
  return HexEncode(std::string_view(reinterpret_cast<const char*>(digest), len));
}

bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  return a.empty() || CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace zhifa::core
