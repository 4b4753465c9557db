// The OpenAPI document served at /api/v1/openapi.json documents exactly the route table.
#include <gtest/gtest.h>

#include "app/app.h"
#include "app/openapi_check.h"
#include "core/embedded.h"

namespace zhifa::app {
namespace {

TEST(OpenApi, DocumentMatchesRouteTable) {
  Config c;
  c.db_url = "sqlite::memory:";
  auto app = App::Open(c);
  ASSERT_TRUE(app.ok());
  (*app)->BuildRoutes();
  auto doc = core::FindEmbedded(embed::data(), "openapi.json");
  ASSERT_TRUE(doc.has_value());
  auto problems = CheckOpenApi((*app)->router(), *doc);
  for (const auto& p : problems) ADD_FAILURE() << p;
  EXPECT_GT((*app)->router().routes().size(), 25u);
}

TEST(OpenApi, CheckFindsBothKindsOfMismatch) {
  http::Router router;
  router.Add("GET", "/api/v1/a", {}, [](http::Ctx&) { return http::Response::NoContent(); });
  router.Add("POST", "/api/v1/b", {}, [](http::Ctx&) { return http::Response::NoContent(); });
  auto problems =
      CheckOpenApi(router, R"({"paths":{"/api/v1/a":{"get":{}},"/api/v1/c":{"get":{}}}})");
  ASSERT_EQ(problems.size(), 2u);
  EXPECT_NE(problems[0].find("POST /api/v1/b"), std::string::npos);
  EXPECT_NE(problems[1].find("GET /api/v1/c"), std::string::npos);
  EXPECT_FALSE(CheckOpenApi(router, "not json").empty());
}

}  // namespace
}  // namespace zhifa::app
