#include "record/checkpoint.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <thread>
#include <vector>

#include "record/entry_codec.h"

namespace zhifa::record {
namespace {

Checkpoint Example() {
  Checkpoint c;
  c.origin = "zhifa.example.gov.cn/record";
  c.size = 20852163;
  c.root = TreeHasher(HashAlgorithm::kSm3).Digest("root");
  return c;
}

TEST(Base64, StandardAlphabetCanonicalOnly) {
  EXPECT_EQ(Base64Encode(""), "");
  EXPECT_EQ(Base64Encode("f"), "Zg==");
  EXPECT_EQ(Base64Encode("fo"), "Zm8=");
  EXPECT_EQ(Base64Encode("foo"), "Zm9v");
  EXPECT_EQ(Base64Encode("\xfb\xff"), "+/8=");
  for (std::string s : {"", "f", "fo", "foo", "foob", "fooba", "foobar", "\xfb\xff\x00"}) {
    EXPECT_EQ(Base64Decode(Base64Encode(s)).value(), s);
  }
  EXPECT_FALSE(Base64Decode("Zg="));    // length
  EXPECT_FALSE(Base64Decode("Zh=="));   // non-zero unused bits
  EXPECT_FALSE(Base64Decode("Zm9=v"));  // padding inside
  EXPECT_FALSE(Base64Decode("Zm9"));
  EXPECT_FALSE(Base64Decode("Zm-_"));  // base64url alphabet
  EXPECT_FALSE(Base64Decode("Zm 9v"));
}

TEST(Checkpoint, FormatAndParse) {
  const Checkpoint c = Example();
  const std::string text = FormatCheckpoint(c);
  EXPECT_EQ(text,
            "zhifa.example.gov.cn/record\n20852163\n" + Base64Encode(HashBytes(c.root)) + "\n");
  EXPECT_EQ(ParseCheckpoint(text).value(), c);
  Checkpoint e = c;
  e.extensions = {"ext one"};
  EXPECT_EQ(ParseCheckpoint(FormatCheckpoint(e)).value(), e);
  Checkpoint empty = c;
  empty.size = 0;
  EXPECT_EQ(ParseCheckpoint(FormatCheckpoint(empty)).value(), empty);
}

TEST(Checkpoint, ParseErrorsNameTheLine) {
  const std::string root = Base64Encode(HashBytes(Example().root));
  auto msg = [](std::string_view text) {
    auto r = ParseCheckpoint(text);
    EXPECT_FALSE(r) << text;
    if (r) return std::string();
    EXPECT_EQ(r.error().field, "checkpoint");
    return r.error().message_en;
  };
  EXPECT_NE(msg("o\n1\n" + root).find("no final newline"), std::string::npos);
  EXPECT_NE(msg("o\n1\n").find("fewer than three"), std::string::npos);
  EXPECT_NE(msg("o\n\n" + root + "\n").find("line 2 is empty"), std::string::npos);
  EXPECT_NE(msg("o\n1\n" + root + "\n\n").find("line 4 is empty"), std::string::npos);
  EXPECT_NE(msg("o o\n1\n" + root + "\n").find("line 1"), std::string::npos);
  EXPECT_NE(msg("o+\n1\n" + root + "\n").find("line 1"), std::string::npos);
  EXPECT_NE(msg("o\n01\n" + root + "\n").find("line 2"), std::string::npos);
  EXPECT_NE(msg("o\n-1\n" + root + "\n").find("line 2"), std::string::npos);
  EXPECT_NE(msg("o\n+1\n" + root + "\n").find("line 2"), std::string::npos);
  EXPECT_NE(msg("o\n18446744073709551616\n" + root + "\n").find("overflow"), std::string::npos);
  EXPECT_TRUE(ParseCheckpoint("o\n18446744073709551615\n" + root + "\n"));
  EXPECT_NE(msg("o\n1\n" + root.substr(4) + "\n").find("line 3"), std::string::npos);
  EXPECT_NE(msg("o\n1\nAAAA\n").find("line 3"), std::string::npos);
  EXPECT_NE(msg("o\n1\t\n" + root + "\n").find("control"), std::string::npos);
}

class Signing : public ::testing::TestWithParam<SignatureAlgorithm> {};

TEST_P(Signing, SignVerifyAndTamper) {
  auto signer = NoteSigner::Generate(GetParam(), "zhifa.example.gov.cn/record").value();
  const std::string note = signer.SignCheckpoint(Example()).value();
  EXPECT_EQ(signer.verifier().VerifyCheckpoint(note).value(), Example());

  // A verifier built from the PEM public key alone accepts it.
  auto verifier =
      NoteVerifier::FromPublicKeyPem(signer.PublicKeyPem(), "zhifa.example.gov.cn/record").value();
  EXPECT_EQ(verifier.key_id(), signer.key_id());
  EXPECT_EQ(verifier.algorithm(), GetParam());
  EXPECT_TRUE(verifier.VerifyCheckpoint(note));

  // Changing any byte of the note text is caught (or the note no longer parses).
  const size_t text_len = note.find("\n\n") + 1;
  for (size_t i = 0; i < text_len; ++i) {
    std::string bad = note;
    bad[i] = bad[i] == '1' ? '2' : '1';
    EXPECT_FALSE(verifier.Verify(bad)) << i;
  }
  // A flipped bit in the signature is caught.
  auto parsed = ParseSignedNote(note).value();
  for (size_t i = 0; i < parsed.signatures[0].signature.size(); i += 7) {
    SignedNote bad = parsed;
    bad.signatures[0].signature[i] ^= 0x20;
    auto r = verifier.Verify(FormatSignedNote(bad));
    ASSERT_FALSE(r) << i;
    EXPECT_NE(r.error().message_en.find("does not verify"), std::string::npos);
  }
  // Another key with the same name: its ID differs, so the note has no signature by it.
  auto other = NoteSigner::Generate(GetParam(), "zhifa.example.gov.cn/record").value();
  auto r = other.verifier().Verify(note);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message_en.find("no signature by key"), std::string::npos);
  // Same key under another name: ID and name differ.
  EXPECT_FALSE(NoteVerifier::FromPublicKeyPem(signer.PublicKeyPem(), "other.example/log")
                   .value()
                   .Verify(note));
  // Unknown signatures (a cosigner) are ignored; the known one still has to verify.
  auto cosigned = ParseSignedNote(other.SignCheckpoint(Example()).value()).value();
  SignedNote both = ParseSignedNote(note).value();
  both.signatures.insert(both.signatures.begin(), cosigned.signatures[0]);
  both.signatures[0].key_name = "witness.example/w1";
  EXPECT_TRUE(verifier.Verify(FormatSignedNote(both)));
}

TEST_P(Signing, PemRoundTripAndKeyFile) {
  auto signer = NoteSigner::Generate(GetParam(), "log.example/a").value();
  auto again = NoteSigner::FromPrivateKeyPem(signer.PrivateKeyPem(), "log.example/a").value();
  EXPECT_EQ(again.key_id(), signer.key_id());
  EXPECT_EQ(again.PublicKeyPem(), signer.PublicKeyPem());
  EXPECT_TRUE(signer.verifier().Verify(again.Sign("hello\n").value()));

  namespace fs = std::filesystem;
  const fs::path dir =
      fs::temp_directory_path() /
      ("zhifa_ckpt_test_" + std::to_string(::getpid()) + "_" + SignatureAlgorithmName(GetParam()));
  fs::remove_all(dir);
  const std::string path = (dir / "data" / "record-signing-key.pem").string();
  auto created = NoteSigner::LoadOrCreate(path, GetParam(), "log.example/a").value();
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  ASSERT_EQ(::stat((dir / "data").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);
  EXPECT_EQ(std::distance(fs::directory_iterator(dir / "data"), fs::directory_iterator()), 1);
  auto loaded = NoteSigner::LoadOrCreate(path, GetParam(), "log.example/a").value();
  EXPECT_EQ(loaded.PublicKeyPem(), created.PublicKeyPem());
  // Never overwritten.
  EXPECT_EQ(signer.SavePrivateKeyPem(path).error().code, core::ErrorCode::kConflict);
  EXPECT_EQ(NoteSigner::LoadOrCreate(path, GetParam(), "log.example/a").value().PublicKeyPem(),
            created.PublicKeyPem());
  // The other algorithm configured for an existing key is refused.
  const auto other_alg = GetParam() == SignatureAlgorithm::kSm2 ? SignatureAlgorithm::kEd25519
                                                                : SignatureAlgorithm::kSm2;
  EXPECT_EQ(NoteSigner::LoadOrCreate(path, other_alg, "log.example/a").error().field, "signature");
  // A key file readable by others is refused.
  ::chmod(path.c_str(), 0644);
  EXPECT_EQ(NoteSigner::LoadOrCreate(path, GetParam(), "log.example/a").error().code,
            core::ErrorCode::kPermissionDenied);
  fs::remove_all(dir);
}

TEST_P(Signing, ConcurrentFirstStartsAgreeOnOneKey) {
  namespace fs = std::filesystem;
  const fs::path dir =
      fs::temp_directory_path() /
      ("zhifa_ckpt_race_" + std::to_string(::getpid()) + "_" + SignatureAlgorithmName(GetParam()));
  fs::remove_all(dir);
  const std::string path = (dir / "key.pem").string();
  std::vector<std::string> pems(4);
  std::vector<std::thread> threads;
  for (size_t i = 0; i < pems.size(); ++i) {
    threads.emplace_back([&, i] {
      auto s = NoteSigner::LoadOrCreate(path, GetParam(), "log.example/a");
      pems[i] = s ? s->PublicKeyPem() : "error: " + s.error().message_en;
    });
  }
  for (auto& t : threads) t.join();
  for (const auto& pem : pems) EXPECT_EQ(pem, pems[0]);
  EXPECT_EQ(pems[0].rfind("-----BEGIN PUBLIC KEY-----", 0), 0u) << pems[0];
  EXPECT_EQ(std::distance(fs::directory_iterator(dir), fs::directory_iterator()), 1);
  fs::remove_all(dir);
}

INSTANTIATE_TEST_SUITE_P(Algorithms, Signing,
                         ::testing::Values(SignatureAlgorithm::kSm2, SignatureAlgorithm::kEd25519),
                         [](const auto& info) {
                           return std::string(SignatureAlgorithmName(info.param));
                         });

TEST(SignedNote, ParseErrors) {
  auto signer = NoteSigner::Generate(SignatureAlgorithm::kEd25519, "log.example/a").value();
  const std::string note = signer.Sign("a\nb\n").value();
  auto p = ParseSignedNote(note).value();
  EXPECT_EQ(p.text, "a\nb\n");
  ASSERT_EQ(p.signatures.size(), 1u);
  EXPECT_EQ(p.signatures[0].signature.size(), 64u);  // RFC 8032 Ed25519
  EXPECT_EQ(FormatSignedNote(p), note);
  auto err = [](std::string_view n) {
    auto r = ParseSignedNote(n);
    EXPECT_FALSE(r) << n;
    return r ? std::string() : r.error().message_en;
  };
  EXPECT_NE(err("a\n").find("no blank line"), std::string::npos);
  EXPECT_NE(err("a\n\n").find("no signature line"), std::string::npos);
  EXPECT_NE(err(note.substr(0, note.size() - 1)).find("no newline"), std::string::npos);
  EXPECT_NE(err("a\n\n- k AAAAAAA=\n").find("line 3 does not start"), std::string::npos);
  EXPECT_NE(err("a\n\n\xE2\x80\x94 k+x AAAAAAA=\n").find("invalid key name"), std::string::npos);
  EXPECT_NE(err("a\n\n\xE2\x80\x94 k AAAA\n").find("at least 5 bytes"), std::string::npos);
  EXPECT_NE(err("a\r\n\n\xE2\x80\x94 k AAAAAAA=\n").find("control"), std::string::npos);
  EXPECT_FALSE(signer.Sign("no newline"));
  EXPECT_FALSE(signer.Sign("a\n\nb\n"));
  EXPECT_FALSE(NoteSigner::Generate(SignatureAlgorithm::kSm2, "has space"));
  EXPECT_FALSE(NoteSigner::Generate(SignatureAlgorithm::kSm2, "ideographic\xE3\x80\x80space"));
  EXPECT_FALSE(NoteSigner::Generate(SignatureAlgorithm::kSm2, ""));
  EXPECT_EQ(NoteVerifier::FromPublicKeyPem("not pem", "k").error().field, "public_key");
}

// The Ed25519 key ID is the one signed-note specifies, so other signed-note tools accept it:
// SHA-256(name ‖ 0x0A ‖ 0x01 ‖ raw public key)[:4], computed here from the PEM independently.
TEST(SignedNote, Ed25519KeyIdIsTheSignedNoteOne) {
  auto signer = NoteSigner::Generate(SignatureAlgorithm::kEd25519, "log.example/a").value();
  const std::string pem = signer.PublicKeyPem();
  // The raw key is the last 32 bytes of the 44-byte SubjectPublicKeyInfo (RFC 8410 §4).
  std::string b64;
  for (size_t start = pem.find('\n') + 1; pem.compare(start, 5, "-----") != 0;) {
    const size_t nl = pem.find('\n', start);
    b64 += pem.substr(start, nl - start);
    start = nl + 1;
  }
  const std::string spki = Base64Decode(b64).value();
  ASSERT_EQ(spki.size(), 44u);
  const Hash h = TreeHasher(HashAlgorithm::kSha256)
                     .Digest(std::string("log.example/a\n\x01", 15) + spki.substr(12));
  EXPECT_EQ(signer.key_id(),
            uint32_t{h[0]} << 24 | uint32_t{h[1]} << 16 | uint32_t{h[2]} << 8 | h[3]);
}

}  // namespace
}  // namespace zhifa::record

namespace zhifa::record {
namespace {

// Mutated notes, checkpoints and entries (byte changes, truncations, insertions; fixed seed) are
// refused or parsed, never crash, and a mutated signed note never verifies unless unchanged in
// its text and its signature. Run under ASan by `make test-asan`.
TEST(Parsers, SurviveMutatedInput) {
  auto signer = NoteSigner::Generate(SignatureAlgorithm::kEd25519, "log.example/a").value();
  const Checkpoint c{"log.example/a", 12345, TreeHasher(HashAlgorithm::kSha256).Digest("x"), {}};
  const std::string note = signer.SignCheckpoint(c).value();
  const std::string text = FormatCheckpoint(c);
  const std::string entry = EncodeEntry(MakeEntryFields(TreeHasher(HashAlgorithm::kSm3), 7, 1, 2,
                                                        std::nullopt, "case.filed", "case:1", "{}"))
                                .value();
  uint64_t s = 42;
  auto next = [&] { return (s = s * 6364136223846793005ull + 1442695040888963407ull) >> 33; };
  auto mutate = [&](std::string in) {
    const int edits = 1 + static_cast<int>(next() % 3);
    for (int e = 0; e < edits && !in.empty(); ++e) {
      const size_t at = next() % in.size();
      switch (next() % 4) {
        case 0:
          in[at] = static_cast<char>(next());
          break;
        case 1:
          in.erase(at, 1 + next() % 4);
          break;
        case 2:
          in.insert(at, 1, static_cast<char>(next()));
          break;
        default:
          in.resize(at);
          break;
      }
    }
    return in;
  };
  int verified = 0, decoded = 0;
  for (int i = 0; i < 20000; ++i) {
    const std::string n = mutate(note);
    auto v = signer.verifier().Verify(n);
    if (v) {
      // Only an unchanged text and signature can verify (a change elsewhere, e.g. the key name
      // of another signature, is possible only if it did not touch ours).
      EXPECT_EQ(v->text, text);
      ++verified;
    }
    (void)ParseCheckpoint(mutate(text));
    // Canonical encoding: whatever decodes re-encodes to exactly the same bytes.
    const std::string e = mutate(entry);
    auto d = DecodeEntry(e);
    if (d) {
      EXPECT_EQ(EncodeEntry(*d).value(), e);
      ++decoded;
    }
  }
  EXPECT_LT(verified, 200);  // almost every mutation breaks the note
  EXPECT_GT(decoded, 100);   // the round-trip property was exercised
}

}  // namespace
}  // namespace zhifa::record
