// zhifa::core::EmbeddedFile — a file linked into the binary by cmake/Embed.cmake.
//
// The generated function `std::span<const EmbeddedFile> zhifa::embed::GROUP()` lists the files
// of one group, sorted by path; the bytes live in .rodata for the life of the process, so the
// string_views never dangle. Thread-safety: immutable data, safe from any thread.
#pragma once

#include <optional>
#include <span>
#include <string_view>

namespace zhifa::core {

struct EmbeddedFile {
  std::string_view path;  // relative to the group's base directory, '/'-separated
  std::string_view data;  // the file's bytes
};

// Returns the bytes of the file at `path` in `files`, or nullopt when there is none.
inline std::optional<std::string_view> FindEmbedded(std::span<const EmbeddedFile> files,
                                                    std::string_view path) {
  for (const EmbeddedFile& f : files) {
    if (f.path == path) return f.data;
  }
  return std::nullopt;
}

}  // namespace zhifa::core

// The groups linked into the zhifa executable (see CMakeLists.txt).
namespace zhifa::embed {
std::span<const core::EmbeddedFile> sql();   // src/**/*.sql (migrations, queries)
std::span<const core::EmbeddedFile> data();  // data/*.json, data/*.csv
std::span<const core::EmbeddedFile> web();   // web/dist (the built SPA)
}  // namespace zhifa::embed
