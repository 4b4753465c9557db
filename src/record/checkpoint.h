// zhifa::record checkpoints — signed tree heads of the record log in the C2SP formats:
//   c2sp.org/tlog-checkpoint: the note text is "<origin>\n<tree size>\n<base64 root hash>\n"
//     followed by optional non-empty extension lines;
//   c2sp.org/signed-note: the text, a blank line, then one or more lines
//     "— <key name> <base64(4-byte big-endian key ID ‖ signature)>\n" (U+2014 em dash).
//
// Signature algorithms (see docs/record-log-format.md for the exact bytes):
//   SM2 (default): GB/T 32918.2 signature with SM3 over the note text, user ID
//     "1234567812345678" (the default of GB/T 35276-2017), DER-encoded (r, s). signed-note has no
//     identifier byte for SM2, so the key ID uses 0xff followed by "zhifa-sm2" (signed-note
//     "Signature types": 0xff is for types without an assigned byte, followed by a longer
//     identifier) and the DER SubjectPublicKeyInfo of the key:
//       key ID = SHA-256(key name ‖ 0x0A ‖ 0xFF ‖ "zhifa-sm2" ‖ SPKI DER)[:4]
//   Ed25519: RFC 8032 over the note text; key ID = SHA-256(key name ‖ 0x0A ‖ 0x01 ‖ 32-byte
//   key)[:4]
//     exactly as signed-note specifies, so any signed-note verifier accepts these.
//
// The public key is exported as PEM (SubjectPublicKeyInfo), so `openssl pkeyutl` alone can check
// a signature (docs/record-log-format.md gives the command; test/record runs it).
//
// Thread-safety: NoteSigner and NoteVerifier are immutable after creation; their const methods
// are thread-safe (each call uses its own EVP_MD_CTX). The free functions are pure.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "record/merkle.h"

namespace zhifa::record {

enum class SignatureAlgorithm { kSm2, kEd25519 };

// GB/T 35276-2017: the default signer identity when none is agreed (16 bytes, ASCII).
inline constexpr std::string_view kSm2DefaultId = "1234567812345678";

// "sm2" / "ed25519".
const char* SignatureAlgorithmName(SignatureAlgorithm algorithm);
// Error kInvalidArgument (field "signature") for names other than "sm2" / "ed25519".
core::Result<SignatureAlgorithm> ParseSignatureAlgorithm(std::string_view name);

// The note text of a checkpoint (c2sp.org/tlog-checkpoint).
struct Checkpoint {
  std::string origin;                   // e.g. "zhifa.example.gov.cn/record"
  uint64_t size = 0;                    // number of leaves
  Hash root{};                          // MTH(D[0:size])
  std::vector<std::string> extensions;  // optional, each non-empty; not recommended

  friend bool operator==(const Checkpoint&, const Checkpoint&) = default;
};

// The note text: origin, size and base64 root lines, then extension lines, each ending in "\n".
// Preconditions are checked by ParseCheckpoint, not here: use a valid origin.
std::string FormatCheckpoint(const Checkpoint& checkpoint);

// Parses a checkpoint note text (ending in "\n"). Errors kInvalidArgument, field "checkpoint",
// naming the line and the fault: missing final newline, fewer than three lines, empty line,
// origin with a space or '+', size not canonical decimal (leading zero, sign, overflow), root not
// canonical standard base64 of 32 bytes, control characters.
core::Result<Checkpoint> ParseCheckpoint(std::string_view text);

struct NoteSignature {
  std::string key_name;
  uint32_t key_id = 0;
  std::string signature;  // raw signature bytes (without the key ID)
};

struct SignedNote {
  std::string text;  // the note text, ending in "\n" (what is signed)
  std::vector<NoteSignature> signatures;
};

// Parses a signed note (c2sp.org/signed-note "Format"): valid UTF-8, no control characters
// other than newline, the text ends before the last blank line, then one or more signature
// lines. Errors kInvalidArgument, field "note", naming the line and the fault.
core::Result<SignedNote> ParseSignedNote(std::string_view note);
// text + "\n" + one line per signature.
std::string FormatSignedNote(const SignedNote& note);

struct PkeyHolder;  // owns an EVP_PKEY (public or private), shared between copies

// Checks signatures of one key (name, algorithm, public key).
class NoteVerifier {
 public:
  // Reads a PEM "PUBLIC KEY" (SubjectPublicKeyInfo) of an SM2 or Ed25519 key. Errors
  // kInvalidArgument: not PEM, another key type (field "public_key"), invalid key name
  // (field "key_name": empty, a space, '+', or a control character).
  static core::Result<NoteVerifier> FromPublicKeyPem(std::string_view pem, std::string key_name);

  const std::string& key_name() const { return key_name_; }
  uint32_t key_id() const { return key_id_; }
  SignatureAlgorithm algorithm() const { return algorithm_; }
  std::string PublicKeyPem() const;

  // Verifies `note` by c2sp.org/signed-note "Signatures": signatures of other keys are ignored;
  // every signature with this key's name and ID must verify. Returns the parsed note.
  // Errors kInvalidArgument (field "note"): malformed note (as ParseSignedNote), no signature by
  // this key, a signature by this key that does not verify.
  core::Result<SignedNote> Verify(std::string_view note) const;
  // Verify, then ParseCheckpoint of the text.
  core::Result<Checkpoint> VerifyCheckpoint(std::string_view note) const;

 private:
  friend class NoteSigner;
  // Takes ownership of the key; checks the name and the key type, computes the key ID.
  static core::Result<NoteVerifier> Make(std::shared_ptr<PkeyHolder> key, std::string key_name,
                                         const char* field);
  std::shared_ptr<PkeyHolder> key_;
  std::string key_name_;
  uint32_t key_id_ = 0;
  SignatureAlgorithm algorithm_ = SignatureAlgorithm::kSm2;
};

// Holds a private key and signs notes under one key name (RECOMMENDED: the checkpoint origin).
class NoteSigner {
 public:
  // A fresh key pair from OpenSSL's CSPRNG. Errors: kInvalidArgument (key name), kInternal.
  static core::Result<NoteSigner> Generate(SignatureAlgorithm algorithm, std::string key_name);
  // Reads a PEM "PRIVATE KEY" (PKCS#8, unencrypted) of an SM2 or Ed25519 key. Errors
  // kInvalidArgument (field "private_key" / "key_name").
  static core::Result<NoteSigner> FromPrivateKeyPem(std::string_view pem, std::string key_name);
  // Loads the key in `path`, or — when the file does not exist — generates one of `algorithm`
  // and saves it (SavePrivateKeyPem); when another process created the file meanwhile, loads
  // that one. An existing key of another algorithm is an error
  // (kInvalidArgument, field "signature"), as is a key file readable or writable by group or
  // others (kPermissionDenied, field "key_file"). Errors kUnavailable for I/O failures.
  static core::Result<NoteSigner> LoadOrCreate(const std::string& path,
                                               SignatureAlgorithm algorithm, std::string key_name);

  // Writes the private key as PKCS#8 PEM to a new file created with mode 0600 (parent directory
  // created 0700), written to a temporary file beside it, fsync'd and hard-linked into place. An
  // existing file is never overwritten (kConflict). Errors kUnavailable for I/O failures.
  core::Status SavePrivateKeyPem(const std::string& path) const;
  std::string PrivateKeyPem() const;
  std::string PublicKeyPem() const { return verifier_.PublicKeyPem(); }
  const NoteVerifier& verifier() const { return verifier_; }
  const std::string& key_name() const { return verifier_.key_name(); }
  uint32_t key_id() const { return verifier_.key_id(); }
  SignatureAlgorithm algorithm() const { return verifier_.algorithm(); }

  // Signs `text` (a note text ending in "\n", valid UTF-8 without other control characters)
  // and returns the signed note with one signature line. Errors kInvalidArgument (field "note")
  // for an invalid text, kInternal when OpenSSL fails.
  core::Result<std::string> Sign(std::string_view text) const;
  // Sign(FormatCheckpoint(checkpoint)) after checking the checkpoint parses back.
  core::Result<std::string> SignCheckpoint(const Checkpoint& checkpoint) const;

 private:
  std::shared_ptr<PkeyHolder> private_key_;
  NoteVerifier verifier_;
};

// Standard base64 (RFC 4648 §4) with padding; Base64Decode accepts only the canonical form
// (padding present, unused bits zero, no whitespace). Error kInvalidArgument, field "base64".
std::string Base64Encode(std::string_view bytes);
core::Result<std::string> Base64Decode(std::string_view text);

}  // namespace zhifa::record
