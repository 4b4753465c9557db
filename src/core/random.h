// Randomness, hashing and encoding helpers backed by OpenSSL 3 libcrypto.
//
// Thread-safety: all functions are thread-safe (OpenSSL 3's RAND and EVP are).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "core/result.h"

namespace zhifa::core {

// Returns `num_bytes` bytes from OpenSSL's CSPRNG (RAND_bytes).
// Error kInternal when the generator fails (e.g. it cannot be seeded) — callers must fail closed.
Result<std::string> RandomBytes(size_t num_bytes);

// Returns `num_bytes` random bytes encoded as URL-safe base64 without padding (RFC 4648 §5),
// e.g. 32 bytes → 43 characters from [A-Za-z0-9_-]. Suitable for session ids, CSRF tokens.
// Error kInternal as for RandomBytes.
Result<std::string> RandomToken(size_t num_bytes);

// URL-safe base64 without padding (RFC 4648 §5, "base64url", padding omitted per §3.2).
std::string Base64UrlEncode(std::string_view bytes);

// Lower-case hexadecimal, two characters per byte.
std::string HexEncode(std::string_view bytes);

// SHA-256 (FIPS 180-4) of `data` as 64 lower-case hex characters.
std::string Sha256Hex(std::string_view data);

// Compares in time independent of where the inputs differ (CRYPTO_memcmp); a length mismatch
// returns false immediately (lengths are not secret here).
bool ConstantTimeEquals(std::string_view a, std::string_view b);

}  // namespace zhifa::core
