// HTTP adapter of authentication, sessions and logs; also the router's Authenticator.
#pragma once

#include "auth/auth_service.h"
#include "http/router.h"

namespace zhifa::auth {

class SessionAuthenticator final : public http::Authenticator {
 public:
  explicit SessionAuthenticator(AuthService& auth) : auth_(auth) {}
  core::Result<std::shared_ptr<const org::Principal>> Authenticate(
      const http::Request& req) override;

 private:
  AuthService& auth_;
};

inline constexpr const char* kSessionCookie = "zhifa_session";

// Registers /api/v1/auth/*, /api/v1/sessions*, /api/v1/logs/*.
void RegisterAuthRoutes(http::Router& router, AuthService& auth);

}  // namespace zhifa::auth
