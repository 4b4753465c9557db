// zhifa::core::FieldCipher — encryption of personal and secret fields at rest (phone numbers,
// TOTP secrets; later ID numbers), as the personal information protection law and 等保2.0 expect.
//
// AES-256-GCM (OpenSSL 3) with a random 96-bit nonce per value; stored form
// "v1:" + base64url(nonce ‖ ciphertext ‖ tag). The empty string is stored as the empty string.
// The 32-byte key lives in a file (created 0600 on first start); every node of one database must
// use the same key file. Thread-safety: const methods are thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "core/result.h"

namespace zhifa::core {

class FieldCipher {
 public:
  // Loads the key from `path`, creating a new random key (mode 0600, parent directory 0700) when
  // the file does not exist. Errors: kUnavailable (cannot read/write), kInvalidArgument (a file
  // that is not a 32-byte key).
  static Result<FieldCipher> LoadOrCreate(const std::string& path);
  // A cipher with the given 32-byte key (tests).
  static Result<FieldCipher> FromKey(std::string_view key);

  // Encrypts `plain`; "" stays "". Errors: kInternal when OpenSSL fails.
  Result<std::string> Encrypt(std::string_view plain) const;
  // Decrypts a stored value; "" stays "". Errors: kInternal when the value is not ours or was
  // altered (authentication fails).
  Result<std::string> Decrypt(std::string_view stored) const;

 private:
  std::string key_;
};

}  // namespace zhifa::core
