// zhifa::record entry codec — the canonical bytes of one record-log entry, the input of its leaf
// hash H(0x00 ‖ entry bytes) (RFC 9162 §2.1.1). Specified byte for byte in
// docs/record-log-format.md ("Entry bytes, version 1"); this file is the reference implementation.
//
// The entry commits to its payload by hash (the log's hash algorithm over the payload text exactly
// as stored), so leaf bytes and proofs can be shown to people who may not see the personal data
// inside the payload. Every value has exactly one encoding: fixed-width big-endian integers, one
// presence byte (0x00/0x01) per optional integer, u16 length-prefixed UTF-8 strings, no padding,
// no trailing bytes. Decode rejects everything Encode cannot produce.
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.h"
#include "record/merkle.h"

namespace zhifa::record {

inline constexpr uint8_t kEntryFormatVersion = 1;
// Upper bound for kind and target (bytes of UTF-8); they are short identifiers in practice.
inline constexpr size_t kMaxEntryStringBytes = 1024;

struct EntryFields {
  uint64_t seq = 0;                 // record_log.seq, 1-based, gapless
  int64_t at_micros = 0;            // record_log.at as microseconds since the Unix epoch (UTC)
  std::optional<int64_t> actor_id;  // record_log.actor_id (absent: the system itself)
  std::optional<int64_t> unit_id;   // record_log.unit_id
  std::string kind;                 // record_log.kind, e.g. "unit.created"
  std::string target;               // record_log.target, e.g. "unit:1001"
  Hash payload_hash{};              // H(record_log.payload bytes), the log's hash algorithm

  friend bool operator==(const EntryFields&, const EntryFields&) = default;
};

// The same fields borrowing their strings (the verify and append paths encode without copies).
struct EntryView {
  uint64_t seq = 0;
  int64_t at_micros = 0;
  std::optional<int64_t> actor_id;
  std::optional<int64_t> unit_id;
  std::string_view kind;
  std::string_view target;
  Hash payload_hash{};
};

// Encodes `fields` (docs/record-log-format.md). Errors kInvalidArgument (field "kind"/"target")
// when a string is not valid UTF-8, contains a control character or is longer than
// kMaxEntryStringBytes.
core::Result<std::string> EncodeEntry(const EntryFields& fields);
// As EncodeEntry, into `out` (replaced; its capacity is reused).
core::Status EncodeEntryInto(const EntryView& entry, std::string& out);

// Decodes entry bytes. Errors kInvalidArgument with field "entry" and a message naming the byte
// offset and what is wrong: unknown version, truncated field, presence byte other than 0/1,
// invalid string, trailing bytes.
core::Result<EntryFields> DecodeEntry(std::string_view bytes);

// Convenience for the append path: fields with payload_hash = hasher.Digest(payload).
EntryFields MakeEntryFields(const TreeHasher& hasher, uint64_t seq, int64_t at_micros,
                            std::optional<int64_t> actor_id, std::optional<int64_t> unit_id,
                            std::string kind, std::string target, std::string_view payload);

}  // namespace zhifa::record
