// HTTP adapter of the catalogue: parse → authorise (router) → one service call → JSON or a file.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "catalogue/catalogue_service.h"
#include "http/router.h"

namespace zhifa::catalogue {

// Registers /api/v1/catalogue/*.
void RegisterCatalogueRoutes(http::Router& router, CatalogueService& catalogue);

// The uploaded file of an import request: the raw body (Content-Type xlsx or csv), or the first
// file part of a multipart/form-data body. Errors: kUnsupportedMediaType (field "file") for any
// other type, kInvalidArgument for a malformed multipart body or an empty file.
struct Upload {
  std::string bytes;
  FileFormat format = FileFormat::kXlsx;
};
core::Result<Upload> ReadUpload(const http::Request& req);

// Content-Disposition for a download with a UTF-8 file name (RFC 6266 + RFC 5987 filename*),
// with an ASCII fallback.
std::string AttachmentHeader(std::string_view utf8_name, std::string_view ascii_fallback);

}  // namespace zhifa::catalogue
