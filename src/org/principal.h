// zhifa::org::Principal — who is calling: the user, their roles and the union of their data
// scopes. Built by the auth service from a session; used by routes and services. Plain value.
#pragma once

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "org/org_rules.h"

namespace zhifa::org {

struct Principal {
  int64_t user_id = 0;
  std::string username;
  std::string display_name;
  int64_t unit_id = 0;
  std::string session_id;  // internal session id (hash of the token)
  std::string csrf_token;
  std::vector<Role> roles;
  ScopeFilter scope;  // union of the role assignments' scopes
  bool needs_totp_setup = false;
  bool needs_password_change = false;

  bool Has(Permission p) const {
    return std::any_of(roles.begin(), roles.end(), [&](Role r) { return Grants(r, p); });
  }
  bool HasRole(Role r) const { return std::find(roles.begin(), roles.end(), r) != roles.end(); }
};

}  // namespace zhifa::org
