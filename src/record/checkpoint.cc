#include "record/checkpoint.h"

#include <fcntl.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "core/random.h"
#include "core/utf8.h"

namespace zhifa::record {

using core::Err;
using core::ErrorCode;

struct PkeyHolder {
  explicit PkeyHolder(EVP_PKEY* k) : pkey(k) {}
  ~PkeyHolder() { EVP_PKEY_free(pkey); }
  PkeyHolder(const PkeyHolder&) = delete;
  PkeyHolder& operator=(const PkeyHolder&) = delete;
  EVP_PKEY* pkey;
};

namespace {

constexpr std::string_view kEmDash = "\xE2\x80\x94";  // U+2014, signed-note signature lines
// signed-note "Signature types": 0x01 Ed25519; 0xff + a longer identifier for other types.
constexpr std::string_view kEd25519Type = "\x01";
constexpr std::string_view kSm2Type = "\xFFzhifa-sm2";

core::Error Bad(std::string zh, std::string en, const char* field) {
  return Err(ErrorCode::kInvalidArgument, std::move(zh), std::move(en), field);
}

struct BioFree {
  void operator()(BIO* b) const { BIO_free(b); }
};
struct MdCtxFree {
  void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};
using BioPtr = std::unique_ptr<BIO, BioFree>;
using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, MdCtxFree>;

std::string BioToString(BIO* bio) {
  char* data = nullptr;
  const long len = BIO_get_mem_data(bio, &data);
  return len > 0 ? std::string(data, static_cast<size_t>(len)) : std::string();
}

// Decodes one code point at s[i] (s valid UTF-8); advances i.
uint32_t NextCodePoint(std::string_view s, size_t& i) {
  const auto b = [&](size_t k) { return static_cast<uint32_t>(static_cast<uint8_t>(s[k])); };
  const uint32_t c = b(i);
  if (c < 0x80) {
    i += 1;
    return c;
  }
  if (c < 0xE0) {
    const uint32_t cp = (c & 0x1F) << 6 | (b(i + 1) & 0x3F);
    i += 2;
    return cp;
  }
  if (c < 0xF0) {
    const uint32_t cp = (c & 0x0F) << 12 | (b(i + 1) & 0x3F) << 6 | (b(i + 2) & 0x3F);
    i += 3;
    return cp;
  }
  const uint32_t cp =
      (c & 0x07) << 18 | (b(i + 1) & 0x3F) << 12 | (b(i + 2) & 0x3F) << 6 | (b(i + 3) & 0x3F);
  i += 4;
  return cp;
}

// Unicode White_Space code points (Unicode PropList.txt).
bool IsUnicodeSpace(uint32_t cp) {
  return cp == 0x20 || (cp >= 0x09 && cp <= 0x0D) || cp == 0x85 || cp == 0xA0 || cp == 0x1680 ||
         (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 || cp == 0x2029 || cp == 0x202F ||
         cp == 0x205F || cp == 0x3000;
}

// signed-note: key names are non-empty, contain no Unicode space and no '+'. The checkpoint
// origin SHOULD follow the same rule (tlog-checkpoint "Note text"); we require it.
bool IsValidKeyName(std::string_view name) {
  if (name.empty() || !core::IsValidUtf8(name) || core::HasControlChars(name)) return false;
  for (size_t i = 0; i < name.size();) {
    const uint32_t cp = NextCodePoint(name, i);
    if (cp == '+' || IsUnicodeSpace(cp)) return false;
  }
  return true;
}

// signed-note "Format": valid UTF-8 and no ASCII control characters (below U+0020) other than
// newline.
bool IsValidNoteBytes(std::string_view s) {
  if (!core::IsValidUtf8(s)) return false;
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 && u != '\n') return false;
  }
  return true;
}

std::string Line(size_t n) { return std::to_string(n); }

core::Result<uint32_t> ComputeKeyId(EVP_PKEY* pkey, SignatureAlgorithm alg, std::string_view name) {
  std::string material(name);
  material.push_back('\n');
  if (alg == SignatureAlgorithm::kEd25519) {
    unsigned char raw[32];
    size_t len = sizeof raw;
    if (EVP_PKEY_get_raw_public_key(pkey, raw, &len) != 1 || len != 32) {
      return Err(ErrorCode::kInternal, "无法读取 Ed25519 公钥", "cannot read the Ed25519 key");
    }
    material.append(kEd25519Type);
    material.append(reinterpret_cast<const char*>(raw), len);
  } else {
    unsigned char* der = nullptr;
    const int len = i2d_PUBKEY(pkey, &der);
    if (len <= 0) return Err(ErrorCode::kInternal, "无法编码 SM2 公钥", "cannot encode SM2 key");
    material.append(kSm2Type);
    material.append(reinterpret_cast<const char*>(der), static_cast<size_t>(len));
    OPENSSL_free(der);
  }
  unsigned char digest[32];
  unsigned int dlen = 0;
  if (EVP_Digest(material.data(), material.size(), digest, &dlen, EVP_sha256(), nullptr) != 1) {
    return Err(ErrorCode::kInternal, "SHA-256 失败", "SHA-256 failed");
  }
  return static_cast<uint32_t>(digest[0]) << 24 | static_cast<uint32_t>(digest[1]) << 16 |
         static_cast<uint32_t>(digest[2]) << 8 | static_cast<uint32_t>(digest[3]);
}

core::Result<SignatureAlgorithm> AlgorithmOf(EVP_PKEY* pkey, const char* field) {
  if (EVP_PKEY_is_a(pkey, "SM2")) return SignatureAlgorithm::kSm2;
  if (EVP_PKEY_is_a(pkey, "ED25519")) return SignatureAlgorithm::kEd25519;
  return Bad("密钥应为 SM2 或 Ed25519", "the key must be SM2 or Ed25519", field);
}

// Initialises a sign or verify operation: SM2 with SM3 and the GB/T 35276 default ID; Ed25519
// (pure EdDSA, no pre-hash, RFC 8032).
bool InitSigVer(EVP_MD_CTX* ctx, EVP_PKEY* pkey, SignatureAlgorithm alg, bool sign) {
  EVP_PKEY_CTX* pctx = nullptr;
  const char* md = alg == SignatureAlgorithm::kSm2 ? "SM3" : nullptr;
  const int ok = sign ? EVP_DigestSignInit_ex(ctx, &pctx, md, nullptr, nullptr, pkey, nullptr)
                      : EVP_DigestVerifyInit_ex(ctx, &pctx, md, nullptr, nullptr, pkey, nullptr);
  if (ok != 1) return false;
  if (alg == SignatureAlgorithm::kSm2 &&
      EVP_PKEY_CTX_set1_id(pctx, kSm2DefaultId.data(), static_cast<int>(kSm2DefaultId.size())) !=
          1) {
    return false;
  }
  return true;
}

}  // namespace

// ---- names ----------------------------------------------------------------------------------

const char* SignatureAlgorithmName(SignatureAlgorithm algorithm) {
  return algorithm == SignatureAlgorithm::kSm2 ? "sm2" : "ed25519";
}

core::Result<SignatureAlgorithm> ParseSignatureAlgorithm(std::string_view name) {
  if (name == "sm2") return SignatureAlgorithm::kSm2;
  if (name == "ed25519") return SignatureAlgorithm::kEd25519;
  return Bad("签名算法应为 sm2 或 ed25519", "the signature algorithm must be sm2 or ed25519",
             "signature");
}

// ---- base64 (RFC 4648 §4) -------------------------------------------------------------------

std::string Base64Encode(std::string_view bytes) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  auto b = [&](size_t k) { return static_cast<uint32_t>(static_cast<uint8_t>(bytes[k])); };
  size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    const uint32_t v = b(i) << 16 | b(i + 1) << 8 | b(i + 2);
    for (int s = 18; s >= 0; s -= 6) out.push_back(kAlphabet[(v >> s) & 63]);
  }
  if (bytes.size() - i == 1) {
    const uint32_t v = b(i) << 16;
    out.push_back(kAlphabet[(v >> 18) & 63]);
    out.push_back(kAlphabet[(v >> 12) & 63]);
    out.append("==");
  } else if (bytes.size() - i == 2) {
    const uint32_t v = b(i) << 16 | b(i + 1) << 8;
    out.push_back(kAlphabet[(v >> 18) & 63]);
    out.push_back(kAlphabet[(v >> 12) & 63]);
    out.push_back(kAlphabet[(v >> 6) & 63]);
    out.push_back('=');
  }
  return out;
}

core::Result<std::string> Base64Decode(std::string_view text) {
  auto value = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
  };
  auto bad = [] {
    return Bad("不是规范的 base64", "not canonical base64 (RFC 4648 §4)", "base64");
  };
  if (text.size() % 4 != 0) return bad();
  std::string out;
  out.reserve(text.size() / 4 * 3);
  for (size_t i = 0; i < text.size(); i += 4) {
    const bool last = i + 4 == text.size();
    const int pad = last ? (text[i + 3] == '=') + (text[i + 2] == '=' && text[i + 3] == '=') : 0;
    int v[4];
    for (int k = 0; k < 4 - pad; ++k) {
      v[k] = value(text[i + k]);
      if (v[k] < 0) return bad();
    }
    for (int k = 4 - pad; k < 4; ++k) v[k] = 0;
    const uint32_t n = static_cast<uint32_t>(v[0]) << 18 | static_cast<uint32_t>(v[1]) << 12 |
                       static_cast<uint32_t>(v[2]) << 6 | static_cast<uint32_t>(v[3]);
    out.push_back(static_cast<char>(n >> 16));
    if (pad < 2) out.push_back(static_cast<char>((n >> 8) & 0xff));
    if (pad < 1) out.push_back(static_cast<char>(n & 0xff));
    // Canonical form: the bits dropped by the padding are zero (RFC 4648 §3.5).
    if ((pad == 1 && (n & 0xff) != 0) || (pad == 2 && (n & 0xffff) != 0)) return bad();
  }
  return out;
}

// ---- checkpoint text ------------------------------------------------------------------------

std::string FormatCheckpoint(const Checkpoint& c) {
  std::string out =
      c.origin + "\n" + std::to_string(c.size) + "\n" + Base64Encode(HashBytes(c.root)) + "\n";
  for (const auto& e : c.extensions) out += e + "\n";
  return out;
}

core::Result<Checkpoint> ParseCheckpoint(std::string_view text) {
  auto bad = [](const std::string& zh, const std::string& en) {
    return Bad("检查点格式错误：" + zh, "malformed checkpoint: " + en, "checkpoint");
  };
  if (!IsValidNoteBytes(text)) {
    return bad("含无效 UTF-8 或控制字符", "invalid UTF-8 or a control character");
  }
  if (text.empty() || text.back() != '\n') return bad("未以换行结束", "no final newline");
  std::vector<std::string_view> lines;
  for (size_t start = 0; start < text.size();) {
    const size_t nl = text.find('\n', start);
    lines.push_back(text.substr(start, nl - start));
    start = nl + 1;
  }
  if (lines.size() < 3) {
    return bad("少于三行（来源、树大小、根哈希）",
               "fewer than three lines (origin, tree size, root hash)");
  }
  for (size_t i = 0; i < lines.size(); ++i) {
    if (lines[i].empty())
      return bad("第 " + Line(i + 1) + " 行为空", "line " + Line(i + 1) + " is empty");
  }
  Checkpoint c;
  if (!IsValidKeyName(lines[0])) {
    return bad("第 1 行来源含空白或“+”", "line 1: the origin contains a space or '+'");
  }
  c.origin = std::string(lines[0]);
  // Tree size: ASCII decimal, no leading zero unless the size is 0.
  const std::string_view sz = lines[1];
  if ((sz.size() > 1 && sz[0] == '0') || sz.size() > 20) {
    return bad("第 2 行树大小不是规范的十进制数", "line 2: the tree size is not canonical decimal");
  }
  uint64_t size = 0;
  for (char ch : sz) {
    if (ch < '0' || ch > '9') {
      return bad("第 2 行树大小不是规范的十进制数",
                 "line 2: the tree size is not canonical decimal");
    }
    const uint64_t d = static_cast<uint64_t>(ch - '0');
    if (size > (UINT64_MAX - d) / 10) return bad("第 2 行树大小溢出", "line 2: tree size overflow");
    size = size * 10 + d;
  }
  c.size = size;
  auto root = Base64Decode(lines[2]);
  if (!root || root->size() != kHashBytes) {
    return bad("第 3 行根哈希不是 32 字节的规范 base64",
               "line 3: the root hash is not canonical base64 of 32 bytes");
  }
  std::copy(root->begin(), root->end(), c.root.begin());
  for (size_t i = 3; i < lines.size(); ++i) c.extensions.emplace_back(lines[i]);
  return c;
}

// ---- signed notes ---------------------------------------------------------------------------

core::Result<SignedNote> ParseSignedNote(std::string_view note) {
  auto bad = [](const std::string& zh, const std::string& en) {
    return Bad("签名注记格式错误：" + zh, "malformed signed note: " + en, "note");
  };
  if (!IsValidNoteBytes(note)) {
    return bad("含无效 UTF-8 或控制字符", "invalid UTF-8 or a control character");
  }
  // The text ends before the last blank line ("\n\n"); it includes its final newline.
  const size_t sep = note.rfind("\n\n");
  if (sep == std::string_view::npos)
    return bad("没有空行分隔签名", "no blank line before signatures");
  SignedNote out;
  out.text = std::string(note.substr(0, sep + 1));
  std::string_view rest = note.substr(sep + 2);
  if (rest.empty()) return bad("没有签名行", "no signature line");
  if (rest.back() != '\n')
    return bad("签名行未以换行结束", "the last signature line has no newline");
  size_t line_no = static_cast<size_t>(std::count(note.begin(), note.begin() + sep + 2, '\n'));
  for (size_t start = 0; start < rest.size();) {
    const size_t nl = rest.find('\n', start);
    std::string_view line = rest.substr(start, nl - start);
    start = nl + 1;
    ++line_no;
    const std::string where = "第 " + Line(line_no) + " 行";
    const std::string where_en = "line " + Line(line_no);
    if (line.substr(0, kEmDash.size() + 1) != std::string(kEmDash) + " ") {
      return bad(where + "不以“— ”开头", where_en + " does not start with \"— \"");
    }
    line.remove_prefix(kEmDash.size() + 1);
    const size_t space = line.find(' ');
    if (space == std::string_view::npos)
      return bad(where + "缺少签名", where_en + ": no signature");
    NoteSignature sig;
    sig.key_name = std::string(line.substr(0, space));
    if (!IsValidKeyName(sig.key_name))
      return bad(where + "密钥名无效", where_en + ": invalid key name");
    auto raw = Base64Decode(line.substr(space + 1));
    if (!raw || raw->size() < 5) {
      return bad(where + "签名不是规范 base64 或过短",
                 where_en + ": the signature is not canonical base64 of at least 5 bytes");
    }
    const auto u = [&](size_t k) { return static_cast<uint32_t>(static_cast<uint8_t>((*raw)[k])); };
    sig.key_id = u(0) << 24 | u(1) << 16 | u(2) << 8 | u(3);
    sig.signature = raw->substr(4);
    out.signatures.push_back(std::move(sig));
  }
  return out;
}

std::string FormatSignedNote(const SignedNote& note) {
  std::string out = note.text + "\n";
  for (const auto& s : note.signatures) {
    std::string raw;
    for (int shift = 24; shift >= 0; shift -= 8) {
      raw.push_back(static_cast<char>((s.key_id >> shift) & 0xff));
    }
    raw += s.signature;
    out += std::string(kEmDash) + " " + s.key_name + " " + Base64Encode(raw) + "\n";
  }
  return out;
}

// ---- NoteVerifier ---------------------------------------------------------------------------

core::Result<NoteVerifier> NoteVerifier::Make(std::shared_ptr<PkeyHolder> key, std::string key_name,
                                              const char* field) {
  if (!IsValidKeyName(key_name)) {
    return Bad("密钥名不能为空，不能含空白、“+”或控制字符",
               "the key name must be non-empty without spaces, '+' or control characters",
               "key_name");
  }
  auto alg = AlgorithmOf(key->pkey, field);
  if (!alg) return alg.error();
  auto id = ComputeKeyId(key->pkey, *alg, key_name);
  if (!id) return id.error();
  NoteVerifier v;
  v.key_ = std::move(key);
  v.key_name_ = std::move(key_name);
  v.key_id_ = *id;
  v.algorithm_ = *alg;
  return v;
}

core::Result<NoteVerifier> NoteVerifier::FromPublicKeyPem(std::string_view pem,
                                                          std::string key_name) {
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  EVP_PKEY* pkey = bio ? PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr) : nullptr;
  if (pkey == nullptr) {
    return Bad("不是 PEM 格式的公钥", "not a PEM public key (SubjectPublicKeyInfo)", "public_key");
  }
  return Make(std::make_shared<PkeyHolder>(pkey), std::move(key_name), "public_key");
}

std::string NoteVerifier::PublicKeyPem() const {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_PUBKEY(bio.get(), key_->pkey) != 1) return {};
  return BioToString(bio.get());
}

core::Result<SignedNote> NoteVerifier::Verify(std::string_view note) const {
  auto parsed = ParseSignedNote(note);
  if (!parsed) return parsed.error();
  bool verified = false;
  for (const auto& sig : parsed->signatures) {
    // signed-note "Signatures": signatures of unknown keys (name or ID differs) are ignored.
    if (sig.key_name != key_name_ || sig.key_id != key_id_) continue;
    MdCtxPtr ctx(EVP_MD_CTX_new());
    const bool ok =
        ctx && InitSigVer(ctx.get(), key_->pkey, algorithm_, /*sign=*/false) &&
        EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(sig.signature.data()),
                         sig.signature.size(),
                         reinterpret_cast<const unsigned char*>(parsed->text.data()),
                         parsed->text.size()) == 1;
    if (!ok) {
      return Bad("密钥 " + key_name_ + " 的签名验证失败",
                 "the signature of key " + key_name_ + " does not verify", "note");
    }
    verified = true;
  }
  if (!verified) {
    return Bad("没有密钥 " + key_name_ + " 的签名", "no signature by key " + key_name_, "note");
  }
  return parsed;
}

core::Result<Checkpoint> NoteVerifier::VerifyCheckpoint(std::string_view note) const {
  auto verified = Verify(note);
  if (!verified) return verified.error();
  return ParseCheckpoint(verified->text);
}

// ---- NoteSigner -----------------------------------------------------------------------------

core::Result<NoteSigner> NoteSigner::Generate(SignatureAlgorithm algorithm, std::string key_name) {
  EVP_PKEY* pkey = EVP_PKEY_Q_keygen(nullptr, nullptr,
                                     algorithm == SignatureAlgorithm::kSm2 ? "SM2" : "ED25519");
  if (pkey == nullptr) return Err(ErrorCode::kInternal, "密钥生成失败", "key generation failed");
  auto holder = std::make_shared<PkeyHolder>(pkey);
  auto verifier = NoteVerifier::Make(holder, std::move(key_name), "private_key");
  if (!verifier) return verifier.error();
  NoteSigner s;
  s.private_key_ = std::move(holder);
  s.verifier_ = std::move(*verifier);
  return s;
}

core::Result<NoteSigner> NoteSigner::FromPrivateKeyPem(std::string_view pem, std::string key_name) {
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  EVP_PKEY* pkey = bio ? PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr) : nullptr;
  if (pkey == nullptr) {
    return Bad("不是 PEM 格式的私钥", "not a PEM private key (PKCS#8)", "private_key");
  }
  auto holder = std::make_shared<PkeyHolder>(pkey);
  auto verifier = NoteVerifier::Make(holder, std::move(key_name), "private_key");
  if (!verifier) return verifier.error();
  NoteSigner s;
  s.private_key_ = std::move(holder);
  s.verifier_ = std::move(*verifier);
  return s;
}

std::string NoteSigner::PrivateKeyPem() const {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_PrivateKey(bio.get(), private_key_->pkey, nullptr, nullptr, 0, nullptr,
                                       nullptr) != 1) {
    return {};
  }
  return BioToString(bio.get());
}

core::Status NoteSigner::SavePrivateKeyPem(const std::string& path) const {
  namespace fs = std::filesystem;
  auto io_error = [&](const std::string& what) {
    return Err(ErrorCode::kUnavailable, "无法写入签名密钥文件 " + path + "：" + what,
               "cannot write signing key file " + path + ": " + what, "key_file");
  };
  std::error_code ec;
  if (fs::exists(path, ec)) {
    return Err(ErrorCode::kConflict, "签名密钥文件已存在，不会覆盖：" + path,
               "the signing key file exists and is never overwritten: " + path, "key_file");
  }
  const fs::path p(path);
  if (p.has_parent_path() && !fs::exists(p.parent_path(), ec)) {
    fs::create_directories(p.parent_path(), ec);
    if (ec) return io_error(ec.message());
    ::chmod(p.parent_path().c_str(), 0700);
  }
  const std::string pem = PrivateKeyPem();
  if (pem.empty())
    return Err(ErrorCode::kInternal, "私钥编码失败", "cannot encode the private key");
  // A name of our own (two processes may create the key at once), created 0600 from the start
  // (O_EXCL: never through an existing file or symlink).
  auto suffix = core::RandomToken(6);
  if (!suffix) return suffix.error();
  const std::string tmp = path + ".tmp." + std::to_string(::getpid()) + "." + *suffix;
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) return io_error(std::strerror(errno));
  size_t done = 0;
  while (done < pem.size()) {
    const ssize_t n = ::write(fd, pem.data() + done, pem.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const std::string why = std::strerror(errno);
      ::close(fd);
      ::unlink(tmp.c_str());
      return io_error(why);
    }
    done += static_cast<size_t>(n);
  }
  if (::fchmod(fd, 0600) != 0 || ::fsync(fd) != 0) {
    const std::string why = std::strerror(errno);
    ::close(fd);
    ::unlink(tmp.c_str());
    return io_error(why);
  }
  ::close(fd);
  // link(2) fails if `path` appeared meanwhile, so an existing key is never replaced.
  if (::link(tmp.c_str(), path.c_str()) != 0) {
    const int err = errno;
    ::unlink(tmp.c_str());
    if (err == EEXIST) {
      return Err(ErrorCode::kConflict, "签名密钥文件已存在，不会覆盖：" + path,
                 "the signing key file exists and is never overwritten: " + path, "key_file");
    }
    return io_error(std::strerror(err));
  }
  ::unlink(tmp.c_str());
  const std::string dir = p.has_parent_path() ? p.parent_path().string() : ".";
  const int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    ::fsync(dfd);  // make the new name durable
    ::close(dfd);
  }
  return core::Ok();
}

core::Result<NoteSigner> NoteSigner::LoadOrCreate(const std::string& path,
                                                  SignatureAlgorithm algorithm,
                                                  std::string key_name) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    if (errno != ENOENT) {
      return Err(ErrorCode::kUnavailable, "无法读取签名密钥文件 " + path,
                 "cannot read signing key file " + path, "key_file");
    }
    auto created = Generate(algorithm, key_name);
    if (!created) return created.error();
    core::Status saved = created->SavePrivateKeyPem(path);
    if (saved) return created;
    // Another process created the key first: use that one.
    if (saved.error().code != ErrorCode::kConflict) return saved.error();
    if (::stat(path.c_str(), &st) != 0) return saved.error();
  }
  if ((st.st_mode & 077) != 0) {
    return Err(
        ErrorCode::kPermissionDenied,
        "签名密钥文件不得允许同组或其他用户访问（chmod 600）：" + path,
        "the signing key file must not be accessible to group or others (chmod 600): " + path,
        "key_file");
  }
  std::ifstream f(path, std::ios::binary);
  std::string pem((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  if (!f.good() && !f.eof()) {
    return Err(ErrorCode::kUnavailable, "无法读取签名密钥文件 " + path,
               "cannot read signing key file " + path, "key_file");
  }
  auto loaded = FromPrivateKeyPem(pem, std::move(key_name));
  OPENSSL_cleanse(pem.data(), pem.size());
  if (!loaded) return loaded.error();
  if (loaded->algorithm() != algorithm) {
    return Bad(std::string("签名密钥文件中是 ") + SignatureAlgorithmName(loaded->algorithm()) +
                   " 密钥，配置要求 " + SignatureAlgorithmName(algorithm),
               std::string("the signing key file holds an ") +
                   SignatureAlgorithmName(loaded->algorithm()) + " key but " +
                   SignatureAlgorithmName(algorithm) + " is configured",
               "signature");
  }
  return loaded;
}

core::Result<std::string> NoteSigner::Sign(std::string_view text) const {
  if (text.empty() || text.back() != '\n' || !IsValidNoteBytes(text) ||
      text.find("\n\n") != std::string_view::npos) {
    // An empty line inside the text is allowed by signed-note, but a checkpoint never has one
    // and refusing it keeps "the last blank line" unambiguous for every reader.
    return Bad("注记正文应以换行结束，不含空行和控制字符",
               "the note text must end in a newline, without blank lines or control characters",
               "note");
  }
  MdCtxPtr ctx(EVP_MD_CTX_new());
  if (!ctx || !InitSigVer(ctx.get(), private_key_->pkey, algorithm(), /*sign=*/true)) {
    return Err(ErrorCode::kInternal, "签名初始化失败", "cannot initialise signing");
  }
  const auto* tbs = reinterpret_cast<const unsigned char*>(text.data());
  // One call with a buffer of the maximal size: a size query first would make SM2 (no one-shot
  // provider function in OpenSSL 3.0) depend on how EVP_DigestSign treats a null buffer.
  const int max = EVP_PKEY_get_size(private_key_->pkey);
  if (max <= 0) return Err(ErrorCode::kInternal, "签名失败", "signing failed");
  size_t len = static_cast<size_t>(max);
  std::string sig(len, '\0');
  if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(sig.data()), &len, tbs,
                     text.size()) != 1) {
    return Err(ErrorCode::kInternal, "签名失败", "signing failed");
  }
  sig.resize(len);
  SignedNote note;
  note.text = std::string(text);
  note.signatures.push_back(NoteSignature{key_name(), key_id(), std::move(sig)});
  return FormatSignedNote(note);
}

core::Result<std::string> NoteSigner::SignCheckpoint(const Checkpoint& checkpoint) const {
  const std::string text = FormatCheckpoint(checkpoint);
  auto back = ParseCheckpoint(text);
  if (!back) return back.error();
  if (!(*back == checkpoint)) {
    return Bad("检查点无法无歧义地表示", "the checkpoint does not round-trip", "checkpoint");
  }
  return Sign(text);
}

}  // namespace zhifa::record
