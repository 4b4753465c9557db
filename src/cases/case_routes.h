// HTTP adapter of case handling: parse → authorise (router, and the step's own permission in the
// service) → one service call → JSON. /api/v1/cases…, /api/v1/reviews (docs/api.md).
#pragma once

#include <functional>

#include "cases/case_service.h"
#include "http/router.h"
#include "record/record_service.h"

namespace zhifa::cases {

// `record` returns the record service (null before migration: the timeline answers 503).
void RegisterCaseRoutes(http::Router& router, CaseService& cases,
                        const std::function<record::RecordService*()>& record);

}  // namespace zhifa::cases
