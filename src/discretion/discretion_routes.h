// HTTP adapter of the discretion area: parse → authorise (router) → one service call → JSON.
// /api/v1/discretion/facts, list-kinds, lists…, matter-options/{code}, evaluate, check.
#pragma once

#include "discretion/lists_service.h"
#include "http/router.h"

namespace zhifa::discretion {

void RegisterDiscretionRoutes(http::Router& router, ListsService& lists, DiscretionService& engine);

// The facts registry as JSON (the UI builds its form from it; the CLI prints it).
nlohmann::json FactsRegistryJson();

}  // namespace zhifa::discretion
