#include "core/field_cipher.h"

#include <openssl/evp.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <memory>

#include "core/random.h"

namespace zhifa::core {

namespace {

constexpr size_t kKeyBytes = 32;
constexpr size_t kNonceBytes = 12;
constexpr size_t kTagBytes = 16;
constexpr std::string_view kPrefix = "v1:";

Result<std::string> Base64UrlDecode(std::string_view s) {
  auto val = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '-') return 62;
    if (c == '_') return 63;
    return -1;
  };
  std::string out;
  uint32_t acc = 0;
  int bits = 0;
  for (char c : s) {
    int v = val(c);
    if (v < 0) return Err(ErrorCode::kInternal, "密文格式错误", "malformed ciphertext");
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((acc >> bits) & 0xff);
    }
  }
  return out;
}

Error CryptoError() {
  return Err(ErrorCode::kInternal, "字段加解密失败（密钥不符或数据被改动）",
             "field decryption failed (wrong key or altered data)");
}

}  // namespace

Result<FieldCipher> FieldCipher::FromKey(std::string_view key) {
  if (key.size() != kKeyBytes) {
    return Err(ErrorCode::kInvalidArgument, "字段加密密钥应为 32 字节",
               "the field encryption key must be 32 bytes", "key");
  }
  FieldCipher c;
  c.key_ = std::string(key);
  return c;
}

Result<FieldCipher> FieldCipher::LoadOrCreate(const std::string& path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::exists(path, ec)) {
    fs::path p(path);
    if (p.has_parent_path()) {
      fs::create_directories(p.parent_path(), ec);
      ::chmod(p.parent_path().c_str(), 0700);
    }
    auto key = RandomBytes(kKeyBytes);
    if (!key) return key.error();
    std::string tmp = path + ".tmp";
    {
      std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
      ::chmod(tmp.c_str(), 0600);
      f.write(key->data(), static_cast<std::streamsize>(key->size()));
      f.flush();
      if (!f) {
        return Err(ErrorCode::kUnavailable, "无法写入密钥文件 " + path,
                   "cannot write key file " + path, "key_file");
      }
    }
    fs::rename(tmp, path, ec);
    if (ec) {
      return Err(ErrorCode::kUnavailable, "无法写入密钥文件 " + path + ": " + ec.message(),
                 "cannot write key file " + path + ": " + ec.message(), "key_file");
    }
    return FromKey(*key);
  }
  std::ifstream f(path, std::ios::binary);
  std::string key((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  if (!f.good() && !f.eof()) {
    return Err(ErrorCode::kUnavailable, "无法读取密钥文件 " + path, "cannot read key file " + path,
               "key_file");
  }
  return FromKey(key);
}

Result<std::string> FieldCipher::Encrypt(std::string_view plain) const {
  if (plain.empty()) return std::string();
  auto nonce = RandomBytes(kNonceBytes);
  if (!nonce) return nonce.error();
  std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)> ctx(EVP_CIPHER_CTX_new(),
                                                                      EVP_CIPHER_CTX_free);
  std::string out = *nonce;
  out.resize(kNonceBytes + plain.size() + kTagBytes);
  int len = 0;
  auto* u = reinterpret_cast<unsigned char*>(out.data());
  if (!ctx ||
      EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr,
                         reinterpret_cast<const unsigned char*>(key_.data()),
                         reinterpret_cast<const unsigned char*>(nonce->data())) != 1 ||
      EVP_EncryptUpdate(ctx.get(), u + kNonceBytes, &len,
                        reinterpret_cast<const unsigned char*>(plain.data()),
                        static_cast<int>(plain.size())) != 1 ||
      EVP_EncryptFinal_ex(ctx.get(), u + kNonceBytes + len, &len) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, kTagBytes,
                          u + kNonceBytes + plain.size()) != 1) {
    return Err(ErrorCode::kInternal, "字段加密失败", "field encryption failed");
  }
  return std::string(kPrefix) + Base64UrlEncode(out);
}

Result<std::string> FieldCipher::Decrypt(std::string_view stored) const {
  if (stored.empty()) return std::string();
  if (stored.substr(0, kPrefix.size()) != kPrefix) return CryptoError();
  auto raw = Base64UrlDecode(stored.substr(kPrefix.size()));
  if (!raw || raw->size() < kNonceBytes + kTagBytes) return CryptoError();
  size_t n = raw->size() - kNonceBytes - kTagBytes;
  std::string plain(n, '\0');
  std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)> ctx(EVP_CIPHER_CTX_new(),
                                                                      EVP_CIPHER_CTX_free);
  auto* in = reinterpret_cast<unsigned char*>(raw->data());
  int len = 0;
  std::string tag = raw->substr(kNonceBytes + n);
  if (!ctx ||
      EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr,
                         reinterpret_cast<const unsigned char*>(key_.data()), in) != 1 ||
      EVP_DecryptUpdate(ctx.get(), reinterpret_cast<unsigned char*>(plain.data()), &len,
                        in + kNonceBytes, static_cast<int>(n)) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, kTagBytes, tag.data()) != 1 ||
      EVP_DecryptFinal_ex(ctx.get(), reinterpret_cast<unsigned char*>(plain.data()) + len, &len) !=
          1) {
    return CryptoError();
  }
  return plain;
}

}  // namespace zhifa::core
