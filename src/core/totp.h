// One-time passwords for the second login factor: base32 (RFC 4648 §6), HOTP (RFC 4226),
// TOTP (RFC 6238, HMAC-SHA1, 30 s step) and otpauth:// provisioning URIs.
//
// 等保2.0 (GB/T 22239-2019) 8.1.4.1 d): 应采用口令、密码技术、生物技术等两种或两种以上组合的
// 鉴别技术 — TOTP is the second factor. Secrets are raw key bytes throughout; base32 is only the
// text form shown to users. Thread-safety: all functions are thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.h"

namespace zhifa::core {

inline constexpr int kTotpStepSeconds = 30;  // RFC 6238 §5.2 recommended X
inline constexpr int kTotpDigits = 6;
inline constexpr size_t kTotpSecretBytes = 20;  // RFC 4226 §4 R6: 160-bit shared secret

// RFC 4648 §6 base32 ("A–Z2–7"). With `pad`, the output is padded with '=' to a multiple of 8;
// without, padding is omitted (the form used in otpauth URIs).
std::string Base32Encode(std::string_view bytes, bool pad = true);

// Decodes RFC 4648 base32. Accepts upper or lower case, with or without trailing '=' padding;
// ignores spaces (authenticator apps show secrets in groups of 4).
// Error kInvalidArgument (with `field`) on a character outside the alphabet, '=' before the end,
// an impossible length (1, 3 or 6 characters in the last group) or non-zero trailing bits.
Result<std::string> Base32Decode(std::string_view text, std::string_view field = {});

// RFC 4226 HOTP: HMAC-SHA1(key, 8-byte big-endian counter), dynamic truncation, modulo 10^digits,
// zero-padded to `digits` characters. Precondition: 6 <= digits <= 9 (asserted).
std::string Hotp(std::string_view key, uint64_t counter, int digits = kTotpDigits);

// The RFC 6238 time step containing `unix_seconds`: floor(unix_seconds / step_seconds).
// Precondition: unix_seconds >= 0, step_seconds > 0.
int64_t TotpStep(int64_t unix_seconds, int step_seconds = kTotpStepSeconds);

// RFC 6238 TOTP at `unix_seconds` (HMAC-SHA1, T0 = 0): Hotp(key, TotpStep(unix_seconds)).
std::string Totp(std::string_view key, int64_t unix_seconds, int digits = kTotpDigits,
                 int step_seconds = kTotpStepSeconds);

// Checks `code` against the steps TotpStep(unix_seconds) - window .. + window (RFC 6238 §5.2
// allows one step of clock drift). Returns the matched step, or nullopt when `code` is not
// exactly `digits` ASCII digits, `unix_seconds` is negative, or no step in the window matches.
// Steps <= `last_used_step` are never matched: the caller stores the returned step and passes it
// back next time, so a code cannot be replayed (RFC 6238 §5.2: "MUST NOT accept the second
// attempt of the same OTP"). Comparison is constant-time per candidate.
std::optional<int64_t> VerifyTotp(std::string_view key, std::string_view code, int64_t unix_seconds,
                                  int window = 1,
                                  std::optional<int64_t> last_used_step = std::nullopt,
                                  int digits = kTotpDigits);

// Returns kTotpSecretBytes (20) random bytes from RAND_bytes. Error kInternal when the CSPRNG
// fails.
Result<std::string> GenerateSecret();

// Key URI for authenticator apps (Google Authenticator "Key Uri Format"):
// otpauth://totp/<issuer>:<account>?secret=<BASE32, no padding>&issuer=<issuer>
//   &algorithm=SHA1&digits=6&period=30
// Issuer and account are percent-encoded as UTF-8 (RFC 3986: everything but unreserved
// characters A–Z a–z 0–9 - . _ ~ is encoded). `secret` is the raw key.
std::string OtpauthUri(std::string_view issuer, std::string_view account, std::string_view secret);

// Percent-encodes every byte that is not an RFC 3986 unreserved character (upper-case hex).
std::string PercentEncode(std::string_view text);

}  // namespace zhifa::core
