#include "core/totp.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <cassert>

#include "core/random.h"

namespace zhifa::core {
namespace {

constexpr char kBase32Alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

int Base32Value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a';
  if (c >= '2' && c <= '7') return c - '2' + 26;
  return -1;
}

Error Base32Error(std::string_view field, const std::string& zh, const std::string& en) {
  return Err(ErrorCode::kInvalidArgument, "base32 编码无效：" + zh, "invalid base32: " + en,
             std::string(field));
}

}  // namespace

std::string Base32Encode(std::string_view bytes, bool pad) {
  std::string out;
  out.reserve((bytes.size() + 4) / 5 * 8);
  uint32_t buffer = 0;
  int bits = 0;
  for (char c : bytes) {
    buffer = (buffer << 8) | static_cast<unsigned char>(c);
    bits += 8;
    while (bits >= 5) {
      out.push_back(kBase32Alphabet[(buffer >> (bits - 5)) & 31]);
      bits -= 5;
    }
  }
  if (bits > 0) out.push_back(kBase32Alphabet[(buffer << (5 - bits)) & 31]);
  if (pad) {
    while (out.size() % 8 != 0) out.push_back('=');
  }
  return out;
}

Result<std::string> Base32Decode(std::string_view text, std::string_view field) {
  std::string out;
  out.reserve(text.size() * 5 / 8);
  uint32_t buffer = 0;
  int bits = 0;
  size_t symbols = 0;
  bool padding = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == ' ') continue;
    if (c == '=') {
      padding = true;
      continue;
    }
    if (padding) {
      return Base32Error(field, "第" + std::to_string(i + 1) + "个字符：填充符“=”之后不能再有数据",
                         "character " + std::to_string(i + 1) + ": data after '=' padding");
    }
    const int v = Base32Value(c);
    if (v < 0) {
      return Base32Error(field, "第" + std::to_string(i + 1) + "个字符不在字母表 A–Z、2–7 中",
                         "character " + std::to_string(i + 1) + " is not in the alphabet A-Z 2-7");
    }
    buffer = (buffer << 5) | static_cast<uint32_t>(v);
    bits += 5;
    ++symbols;
    if (bits >= 8) {
      out.push_back(static_cast<char>((buffer >> (bits - 8)) & 0xFF));
      bits -= 8;
    }
  }
  // RFC 4648 §6: the final quantum has 2, 4, 5 or 7 symbols (8, 16, 24 or 32 bits).
  const size_t last = symbols % 8;
  if (last == 1 || last == 3 || last == 6) {
    return Base32Error(field, "长度不正确", "impossible length");
  }
  if ((buffer & ((1u << bits) - 1)) != 0) {
    return Base32Error(field, "末尾多余的位不为零", "non-zero trailing bits");
  }
  return out;
}

std::string Hotp(std::string_view key, uint64_t counter, int digits) {
  assert(digits >= 6 && digits <= 9);
  unsigned char msg[8];
  for (int i = 7; i >= 0; --i) {
    msg[i] = static_cast<unsigned char>(counter & 0xFF);
    counter >>= 8;
  }
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int mac_len = 0;
  // RFC 4226 §5.3 step 1: HS = HMAC-SHA-1(K, C).
  const unsigned char* ok =
      HMAC(EVP_sha1(), key.data(), static_cast<int>(key.size()), msg, sizeof(msg), mac, &mac_len);
  assert(ok != nullptr && mac_len == 20);
  (void)ok;
  // Step 2: dynamic truncation.
  const int offset = mac[19] & 0x0F;
  const uint32_t bin = (static_cast<uint32_t>(mac[offset] & 0x7F) << 24) |
                       (static_cast<uint32_t>(mac[offset + 1]) << 16) |
                       (static_cast<uint32_t>(mac[offset + 2]) << 8) |
                       static_cast<uint32_t>(mac[offset + 3]);
  // Step 3: Snum mod 10^Digit.
  uint32_t modulus = 1;
  for (int i = 0; i < digits; ++i) modulus *= 10;
  std::string out = std::to_string(bin % modulus);
  if (out.size() < static_cast<size_t>(digits)) {
    out.insert(0, static_cast<size_t>(digits) - out.size(), '0');
  }
  return out;
}

int64_t TotpStep(int64_t unix_seconds, int step_seconds) {
  assert(unix_seconds >= 0 && step_seconds > 0);
  return unix_seconds / step_seconds;
}

std::string Totp(std::string_view key, int64_t unix_seconds, int digits, int step_seconds) {
  return Hotp(key, static_cast<uint64_t>(TotpStep(unix_seconds, step_seconds)), digits);
}

std::optional<int64_t> VerifyTotp(std::string_view key, std::string_view code, int64_t unix_seconds,
                                  int window, std::optional<int64_t> last_used_step, int digits) {
  if (unix_seconds < 0 || window < 0 || code.size() != static_cast<size_t>(digits)) {
    return std::nullopt;
  }
  for (char c : code) {
    if (c < '0' || c > '9') return std::nullopt;
  }
  const int64_t now_step = TotpStep(unix_seconds);
  std::optional<int64_t> matched;
  // Examine every candidate (no early exit) so timing does not reveal which step matched.
  for (int64_t step = now_step - window; step <= now_step + window; ++step) {
    if (step < 0) continue;
    if (last_used_step && step <= *last_used_step) continue;
    const std::string expected = Hotp(key, static_cast<uint64_t>(step), digits);
    if (ConstantTimeEquals(expected, code) && !matched) matched = step;
  }
  return matched;
}

Result<std::string> GenerateSecret() { return RandomBytes(kTotpSecretBytes); }

std::string PercentEncode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
        c == '.' || c == '_' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

std::string OtpauthUri(std::string_view issuer, std::string_view account, std::string_view secret) {
  const std::string enc_issuer = PercentEncode(issuer);
  return "otpauth://totp/" + enc_issuer + ":" + PercentEncode(account) +
         "?secret=" + Base32Encode(secret, /*pad=*/false) + "&issuer=" + enc_issuer +
         "&algorithm=SHA1&digits=" + std::to_string(kTotpDigits) +
         "&period=" + std::to_string(kTotpStepSeconds);
}

}  // namespace zhifa::core
