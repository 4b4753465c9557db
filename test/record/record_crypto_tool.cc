// record_crypto_tool — emits what the out-of-process checks in test/record/ verify with code that
// shares nothing with zhifa_record_crypto (Python hashlib, the openssl binary).
//
//   record_crypto_tool proofs <sm3|sha256> <max_size>
//     Deterministic entries 1..max_size, then for every size n ≤ max_size its root, every
//     inclusion proof (index, n) and every consistency proof (m, n), 0 ≤ m ≤ n. Lines:
//       hash <name>
//       entry <seq> <at_micros> <actor|-> <unit|-> <kind hex> <target hex> <payload hex> <bytes
//       hex> root <size> <hex> inclusion <index> <size> <hex,hex,…|-> consistency <old> <new>
//       <hex,hex,…|->
//   record_crypto_tool checkpoint <sm2|ed25519> <dir>
//     Creates <dir>/signing-key.pem (0600), writes <dir>/pub.pem and <dir>/checkpoint (a signed
//     checkpoint of a 10-entry SM3 log); prints the checkpoint.
#include <cstdio>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "core/random.h"
#include "record/checkpoint.h"
#include "record/entry_codec.h"
#include "record/merkle.h"

namespace {

using namespace zhifa::record;  // NOLINT(google-build-using-namespace): a test tool

int Fail(const std::string& what) {
  std::cerr << "record_crypto_tool: " << what << "\n";
  return 2;
}

std::string Hex(std::string_view s) { return zhifa::core::HexEncode(s); }

std::string Join(const std::vector<Hash>& hashes) {
  if (hashes.empty()) return "-";
  std::string out;
  for (const auto& h : hashes) out += (out.empty() ? "" : ",") + HashHex(h);
  return out;
}

EntryFields TestEntry(const TreeHasher& hasher, uint64_t i, std::string* payload) {
  static const char* const kKinds[] = {"unit.created", "auth.login", "case.filed", "evidence.added",
                                       "case.decided"};
  static const char* const kTargets[] = {"unit:1001", "user:1002", "企业:91370100MA3C00000X", "",
                                         "case:济南市场监管-2026-0001"};
  *payload = R"({"i":)" + std::to_string(i) + R"(,"note":"第)" + std::to_string(i) + R"(条"})";
  return MakeEntryFields(
      hasher, i + 1, 1795752000123456 + static_cast<int64_t>(i) * 1000003,
      i % 2 == 0 ? std::optional<int64_t>(1000 + static_cast<int64_t>(i)) : std::nullopt,
      i % 3 != 0 ? std::optional<int64_t>(-7 * static_cast<int64_t>(i)) : std::nullopt,
      kKinds[i % 5], kTargets[i % 5], *payload);
}

int Proofs(HashAlgorithm alg, uint64_t max) {
  TreeHasher hasher(alg);
  MemoryHashStore store(alg);
  std::printf("hash %s\n", HashAlgorithmName(alg));
  for (uint64_t i = 0; i < max; ++i) {
    std::string payload;
    const EntryFields f = TestEntry(hasher, i, &payload);
    auto bytes = EncodeEntry(f);
    if (!bytes) return Fail(bytes.error().message_en);
    std::printf("entry %llu %lld %s %s %s %s %s %s\n", static_cast<unsigned long long>(f.seq),
                static_cast<long long>(f.at_micros),
                f.actor_id ? std::to_string(*f.actor_id).c_str() : "-",
                f.unit_id ? std::to_string(*f.unit_id).c_str() : "-", Hex(f.kind).c_str(),
                Hex(f.target).c_str(), Hex(payload).c_str(), Hex(*bytes).c_str());
    store.AppendLeafHash(hasher.LeafHash(*bytes));
  }
  for (uint64_t n = 0; n <= max; ++n) {
    auto root = RootHash(hasher, store, n);
    if (!root) return Fail(root.error().message_en);
    std::printf("root %llu %s\n", static_cast<unsigned long long>(n), HashHex(*root).c_str());
    for (uint64_t m = 0; m < n; ++m) {
      auto p = InclusionProof(hasher, store, m, n);
      if (!p) return Fail(p.error().message_en);
      std::printf("inclusion %llu %llu %s\n", static_cast<unsigned long long>(m),
                  static_cast<unsigned long long>(n), Join(*p).c_str());
    }
    for (uint64_t m = 0; m <= n; ++m) {
      auto p = ConsistencyProof(hasher, store, m, n);
      if (!p) return Fail(p.error().message_en);
      std::printf("consistency %llu %llu %s\n", static_cast<unsigned long long>(m),
                  static_cast<unsigned long long>(n), Join(*p).c_str());
    }
  }
  return 0;
}

int WriteFile(const std::string& path, const std::string& content) {
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  f << content;
  return f ? 0 : Fail("cannot write " + path);
}

int CheckpointCmd(SignatureAlgorithm alg, const std::string& dir) {
  const std::string origin = "zhifa.example.gov.cn/record";
  auto signer = NoteSigner::LoadOrCreate(dir + "/signing-key.pem", alg, origin);
  if (!signer) return Fail(signer.error().message_en);
  TreeHasher hasher(HashAlgorithm::kSm3);
  CompactRange range(HashAlgorithm::kSm3);
  for (uint64_t i = 0; i < 10; ++i) {
    std::string payload;
    range.Append(hasher.LeafHash(EncodeEntry(TestEntry(hasher, i, &payload)).value()));
  }
  Checkpoint c{origin, range.size(), range.Root(), {}};
  auto note = signer->SignCheckpoint(c);
  if (!note) return Fail(note.error().message_en);
  if (int rc = WriteFile(dir + "/pub.pem", signer->PublicKeyPem())) return rc;
  if (int rc = WriteFile(dir + "/checkpoint", *note)) return rc;
  std::fputs(note->c_str(), stdout);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const std::vector<std::string> args(argv + 1, argv + argc);
  if (args.size() == 3 && args[0] == "proofs") {
    auto alg = ParseHashAlgorithm(args[1]);
    if (!alg) return Fail(alg.error().message_en);
    return Proofs(*alg, std::stoull(args[2]));
  }
  if (args.size() == 3 && args[0] == "checkpoint") {
    auto alg = ParseSignatureAlgorithm(args[1]);
    if (!alg) return Fail(alg.error().message_en);
    return CheckpointCmd(*alg, args[2]);
  }
  return Fail(
      "usage: record_crypto_tool proofs <sm3|sha256> <max> | checkpoint <sm2|ed25519> <dir>");
}
