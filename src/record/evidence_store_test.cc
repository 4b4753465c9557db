#include "record/evidence_store.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace zhifa::record {
namespace {

namespace fs = std::filesystem;

class StoreTest : public ::testing::TestWithParam<HashAlgorithm> {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("evid-store-" + std::to_string(::getpid()) + "-" + std::to_string(counter_++));
    auto s = EvidenceStore::Open(dir_.string(), GetParam());
    ASSERT_TRUE(s);
    store_ = std::move(*s);
  }
  void TearDown() override { fs::remove_all(dir_); }
  EvidenceStore::Stored Put(const std::string& bytes, size_t chunk = 7) {
    auto up = store_->BeginUpload();
    EXPECT_TRUE(up);
    for (size_t i = 0; i < bytes.size(); i += chunk) {
      EXPECT_TRUE((*up)->Write(std::string_view(bytes).substr(i, chunk)));
    }
    auto st = store_->Commit(**up);
    EXPECT_TRUE(st);
    return *st;
  }
  std::string ReadAll(const Hash& h, uint64_t size, uint64_t b, uint64_t e, core::Error* err) {
    auto r = store_->Open(h, size, b, e);
    if (!r) {
      *err = r.error();
      return {};
    }
    std::string out;
    char buf[5];
    for (;;) {
      auto n = (*r)->Read(buf, sizeof buf);
      if (!n) {
        *err = n.error();
        return out;
      }
      if (*n == 0) return out;
      out.append(buf, *n);
    }
  }
  size_t TmpFiles() {
    size_t n = 0;
    for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir_ / "tmp")) ++n;
    return n;
  }
  static inline int counter_ = 0;
  fs::path dir_;
  std::unique_ptr<EvidenceStore> store_;
};

TEST_P(StoreTest, StreamHashEqualsTheLogsDigest) {
  std::string data(100000, 'x');
  for (size_t i = 0; i < data.size(); ++i) data[i] = static_cast<char>(i * 31 + 7);
  StreamHasher h(GetParam());
  h.Update(std::string_view(data).substr(0, 12345));
  h.Update(std::string_view(data).substr(12345));
  EXPECT_EQ(h.Final(), TreeHasher(GetParam()).Digest(data));
}

TEST_P(StoreTest, ContentAddressedAndDeduplicated) {
  std::string data = "%PDF-1.7 evidence bytes";
  auto a = Put(data);
  EXPECT_FALSE(a.deduplicated);
  EXPECT_EQ(a.hash, TreeHasher(GetParam()).Digest(data));
  std::string hex = HashHex(a.hash);
  EXPECT_TRUE(fs::exists(dir_ / hex.substr(0, 2) / hex.substr(2, 2) / hex));
  auto b = Put(data, 3);
  EXPECT_TRUE(b.deduplicated);
  EXPECT_EQ(b.hash, a.hash);
  EXPECT_EQ(TmpFiles(), 0u);
  core::Error err;
  EXPECT_EQ(ReadAll(a.hash, data.size(), 0, data.size(), &err), data);
  EXPECT_EQ(ReadAll(a.hash, data.size(), 5, 9, &err), data.substr(5, 4));
}

TEST_P(StoreTest, AbandonedUploadLeavesNothing) {
  {
    auto up = store_->BeginUpload();
    ASSERT_TRUE(up);
    ASSERT_TRUE((*up)->Write("partial"));
    EXPECT_EQ(TmpFiles(), 1u);
  }
  EXPECT_EQ(TmpFiles(), 0u);
  auto report = store_->VerifyAll(nullptr);
  ASSERT_TRUE(report);
  EXPECT_EQ(report->files_checked, 0u);
}

TEST_P(StoreTest, TamperedFileFailsTheWholeReadOnItsLastChunkAndVerification) {
  std::string data(64, 'a');
  auto s = Put(data);
  ASSERT_TRUE(store_->Verify(s.hash, data.size()));
  EXPECT_TRUE(store_->IsVerified(s.hash, data.size()));
  {
    std::fstream f(store_->PathOf(s.hash), std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(10);
    f.put('b');
  }
  EXPECT_FALSE(store_->IsVerified(s.hash, data.size()));  // ctime moved
  core::Error err;
  std::string got = ReadAll(s.hash, data.size(), 0, data.size(), &err);
  EXPECT_EQ(err.code, core::ErrorCode::kConflict);
  EXPECT_LT(got.size(), data.size());  // the last chunk is never handed out
  auto check = store_->Verify(s.hash, data.size());
  ASSERT_TRUE(check);
  EXPECT_EQ(check->state, FileState::kChanged);
  auto report = store_->VerifyAll(
      nullptr,
      std::map<std::string, uint64_t>{{HashHex(s.hash), data.size()}, {std::string(64, 'c'), 5}});
  ASSERT_TRUE(report);
  ASSERT_EQ(report->problems.size(), 2u);
  EXPECT_EQ(report->problems[0].state, FileState::kMissing);
  EXPECT_EQ(report->problems[1].state, FileState::kChanged);
}

TEST_P(StoreTest, SizeMismatchAndMissing) {
  auto s = Put("0123456789");
  core::Error err;
  ReadAll(s.hash, 11, 0, 11, &err);
  EXPECT_EQ(err.code, core::ErrorCode::kConflict);
  fs::remove(store_->PathOf(s.hash));
  ReadAll(s.hash, 10, 0, 10, &err);
  EXPECT_EQ(err.code, core::ErrorCode::kNotFound);
  auto check = store_->Verify(s.hash, 10);
  ASSERT_TRUE(check);
  EXPECT_EQ(check->state, FileState::kMissing);
}

TEST_P(StoreTest, VerifyAllReportsProgressAndUnreferenced) {
  Put("one");
  auto two = Put("two");
  std::vector<uint64_t> seen;
  auto report = store_->VerifyAll([&](const VerifyProgress& p) { seen.push_back(p.files_done); },
                                  std::map<std::string, uint64_t>{{HashHex(two.hash), 3}});
  ASSERT_TRUE(report);
  EXPECT_EQ(report->files_checked, 2u);
  EXPECT_EQ(report->bytes_checked, 6u);
  EXPECT_TRUE(report->problems.empty());
  EXPECT_EQ(report->unreferenced.size(), 1u);
  EXPECT_EQ(seen, (std::vector<uint64_t>{1, 2}));
}

INSTANTIATE_TEST_SUITE_P(Algorithms, StoreTest,
                         ::testing::Values(HashAlgorithm::kSm3, HashAlgorithm::kSha256));

}  // namespace
}  // namespace zhifa::record
