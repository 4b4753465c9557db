// Password hashing with argon2id (libsodium crypto_pwhash_str, INTERACTIVE limits ≈ 0.2 s and
// 64 MiB each). At most `kMaxConcurrent` hashes run at once so a burst of logins cannot exhaust
// memory; callers block meanwhile (run on worker threads, never on I/O threads). Thread-safe.
#pragma once

#include <string>

#include "core/result.h"

namespace zhifa::auth {

// Returns the encoded hash ("$argon2id$…"). Errors: kInternal when libsodium fails (out of memory).
core::Result<std::string> HashPassword(const std::string& password);

// True when `password` matches `hash`.
bool VerifyPassword(const std::string& hash, const std::string& password);

// A hash of a random password, for equalising the time of unknown-user logins.
const std::string& DummyHash();

}  // namespace zhifa::auth
