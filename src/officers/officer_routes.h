// HTTP adapter of the officer register: parse → authorise (router: officers.read /
// officers.write) → one service call → JSON or a file. /api/v1/officers/*.
#pragma once

#include "http/router.h"
#include "officers/officer_service.h"

namespace zhifa::officers {

// Registers /api/v1/officers, /api/v1/officers/{id}, …/status, …/credential, …/import,
// …/export and …/reviewer-ratio.
void RegisterOfficerRoutes(http::Router& router, OfficerService& officers);

}  // namespace zhifa::officers
