// zhifa::record evidence routes — thin HTTP handlers over EvidenceService: the streamed upload
// (POST /api/v1/evidence, metadata in the query, the file as the raw body), listing, metadata,
// the streamed download with single Range support, and a per-file integrity check.
#pragma once

#include <cstdint>

#include "http/router.h"
#include "record/evidence_service.h"

namespace zhifa::record {

// `max_bytes`: the largest accepted file (413 above it).
void RegisterEvidenceRoutes(http::Router& router, EvidenceService& evidence, uint64_t max_bytes);

}  // namespace zhifa::record
