// UTF-8 validation (RFC 3629) — used on every request body, so it has an ASCII fast path.
//
// Pure functions, no allocation; thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace zhifa::core {

// Returns true iff `s` is well-formed UTF-8 per RFC 3629 / Unicode Table 3-7: rejects stray
// continuation bytes, truncated sequences, overlong forms (C0, C1, E0 80..9F, F0 80..8F),
// UTF-16 surrogates U+D800..U+DFFF (ED A0..BF) and code points above U+10FFFF (F4 90.., F5..FF).
// NUL bytes are valid UTF-8 and are accepted; callers that forbid them check separately.
bool IsValidUtf8(std::string_view s);

// Returns the number of code points in `s`. Precondition: IsValidUtf8(s); on invalid input the
// result counts the bytes that are not continuation bytes (never crashes).
size_t Utf8Length(std::string_view s);

// True when `s` contains a control character (C0 U+0000–U+001F including tab and newline, DEL
// U+007F, or C1 U+0080–U+009F): single-line fields such as names refuse them.
bool HasControlChars(std::string_view s);

// Appends code point `cp` (≤ U+10FFFF, not a surrogate) as UTF-8.
void AppendUtf8(std::string& out, char32_t cp);

}  // namespace zhifa::core
