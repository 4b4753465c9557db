// zhifa record pubkey | checkpoint, zhifa verify.
#pragma once

#include <vector>

#include "app/config.h"
#include "record/verify.h"

namespace zhifa::cli {

int Fail(const core::Error& e);

// Prints the PEM public key that signs checkpoints.
int RunRecordPubkey(const app::Config& cfg);
// Signs a checkpoint now (when the log grew) and prints the latest checkpoint note.
int RunRecordCheckpoint(const app::Config& cfg);

struct VerifyArgs {
  bool from_checkpoint = false;
  bool record = true;  // write the result as a record.verified entry
};
// Exit 0 when the log verifies (summary on stdout), 1 naming the first fault on stderr.
// `extra` are further checks (the evidence store's files).
int RunVerify(const app::Config& cfg, const VerifyArgs& a,
              const std::vector<record::ExtraCheck*>& extra = {});

}  // namespace zhifa::cli
