// HTTP adapter of the organisation area: parse → authorise (router) → one service call → JSON.
#pragma once

#include <functional>

#include "http/router.h"
#include "org/org_service.h"

namespace zhifa::org {

// Registers /api/v1/units*, /api/v1/users*, /api/v1/roles. `on_grants_changed(user_id)` is
// called after a change that alters a user's roles or status (to drop cached sessions).
// `hash_password(password, username)` checks the password policy and returns the stored hash.
using PasswordHasher =
    std::function<core::Result<std::string>(const std::string&, const std::string&)>;
void RegisterOrgRoutes(http::Router& router, OrgService& org,
                       const std::function<void(int64_t)>& on_grants_changed,
                       const PasswordHasher& hash_password);

}  // namespace zhifa::org
