// HTTP adapter of the calendar area: parse → authorise (router) → one service/rule call → JSON.
#pragma once

#include "calendar/calendar_service.h"
#include "http/router.h"

namespace zhifa::calendar {

// Registers /api/v1/calendar/* (working-day calendar, loading a year) and /api/v1/time-limits*
// (the rule table, deadline and surcharge calculators, department overrides).
void RegisterCalendarRoutes(http::Router& router, CalendarService& calendar);

}  // namespace zhifa::calendar
