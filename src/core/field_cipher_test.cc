#include "core/field_cipher.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>

namespace zhifa::core {
namespace {

TEST(FieldCipher, RoundTripAndFreshNonce) {
  auto c = FieldCipher::FromKey(std::string(32, 'k'));
  ASSERT_TRUE(c.ok());
  auto a = c->Encrypt("13800138000");
  auto b = c->Encrypt("13800138000");
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_NE(*a, *b);  // random nonce per value
  EXPECT_EQ(a->rfind("v1:", 0), 0u);
  EXPECT_EQ(a->find("13800138000"), std::string::npos);
  EXPECT_EQ(*c->Decrypt(*a), "13800138000");
  EXPECT_EQ(*c->Decrypt(*c->Encrypt("张三 身份证 11010519491231002X")),
            "张三 身份证 11010519491231002X");
  EXPECT_EQ(*c->Encrypt(""), "");
  EXPECT_EQ(*c->Decrypt(""), "");
}

TEST(FieldCipher, RejectsAlteredDataWrongKeyAndBadKeys) {
  auto c = FieldCipher::FromKey(std::string(32, 'k'));
  auto other = FieldCipher::FromKey(std::string(32, 'x'));
  auto v = *c->Encrypt("secret");
  EXPECT_FALSE(other->Decrypt(v).ok());
  std::string altered = v;
  altered[altered.size() - 3] = altered[altered.size() - 3] == 'A' ? 'B' : 'A';
  EXPECT_FALSE(c->Decrypt(altered).ok());
  EXPECT_FALSE(c->Decrypt("plain").ok());
  EXPECT_FALSE(c->Decrypt("v1:!!").ok());
  EXPECT_EQ(FieldCipher::FromKey("short").error().code, ErrorCode::kInvalidArgument);
}

TEST(FieldCipher, KeyFileCreatedPrivateAndReloaded) {
  auto dir = std::filesystem::temp_directory_path() / ("zhifa-key-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::string path = (dir / "keys" / "field.key").string();
  auto c1 = FieldCipher::LoadOrCreate(path);
  ASSERT_TRUE(c1.ok());
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_EQ(st.st_size, 32);
  auto c2 = FieldCipher::LoadOrCreate(path);
  ASSERT_TRUE(c2.ok());
  EXPECT_EQ(*c2->Decrypt(*c1->Encrypt("x")), "x");
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace zhifa::core
