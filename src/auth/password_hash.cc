#include "auth/password_hash.h"

#include <sodium.h>

#include <condition_variable>
#include <mutex>

#include "core/random.h"

namespace zhifa::auth {
namespace {

constexpr int kMaxConcurrent = 2;

class Gate {
 public:
  void Enter() {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return active_ < kMaxConcurrent; });
    ++active_;
  }
  void Leave() {
    {
      std::lock_guard lock(mu_);
      --active_;
    }
    cv_.notify_one();
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  int active_ = 0;
};

Gate& TheGate() {
  static Gate g;
  return g;
}

struct Held {
  Held() { TheGate().Enter(); }
  ~Held() { TheGate().Leave(); }
};

void Init() {
  static const int kInit = sodium_init();
  (void)kInit;
}

}  // namespace

core::Result<std::string> HashPassword(const std::string& password) {
  Init();
  char out[crypto_pwhash_STRBYTES];
  Held held;
  if (crypto_pwhash_str(out, password.data(), password.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                        crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
    return core::Err(core::ErrorCode::kInternal, "密码哈希失败（内存不足）",
                     "password hashing failed (out of memory)");
  }
  return std::string(out);
}

bool VerifyPassword(const std::string& hash, const std::string& password) {
  Init();
  if (hash.empty()) return false;
  Held held;
  return crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) == 0;
}

const std::string& DummyHash() {
  static const std::string kHash = [] {
    auto h = HashPassword(core::RandomToken(16).value());
    return h ? *h : std::string();
  }();
  return kHash;
}

}  // namespace zhifa::auth
