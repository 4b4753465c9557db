// zhifa::record routes — /api/v1/record/*: checkpoints, the public key, leaf bytes, inclusion and
// consistency proofs, per-target timelines and the server-side inclusion check. Thin: parsing and
// the access decision (record::CanReadProofs), then RecordService.
#pragma once

#include <functional>

#include "http/router.h"
#include "record/record_service.h"

namespace zhifa::record {

// `get` returns the service, or null when the log is not open (`zhifa routes` builds the table
// without a database): the routes then answer 503.
void RegisterRecordRoutes(http::Router& router, std::function<RecordService*()> get);

}  // namespace zhifa::record
