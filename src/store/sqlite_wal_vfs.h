// A SQLite VFS that hands a commit's WAL frames to the kernel in one write.
//
// SQLite writes each WAL frame with two pwrite(2) calls (its 24-byte header, then the page) and
// syncs the WAL at the commit (synchronous=FULL). Under step load that is ≈ 10 system calls per
// step on the one writer thread, each dearer on a virtual machine than the copy it makes
// (bench/README.md). This VFS wraps the default one: writes to a WAL file that continue where the
// pending ones end are gathered in memory and written at once before the next sync, read,
// truncate, size query, file control or close, or when 8 MB are pending — so the kernel holds
// every frame before SQLite's sync, as without the wrapper, and nothing is ever read from the
// file that is still in the buffer. Only for connections that sync each commit: with
// synchronous=OFF no sync would ever write the buffer out before other connections read the
// frames. Every other file passes straight through.
#pragma once

namespace zhifa::store {

// Registers the VFS (once; not the default) and returns its name for sqlite3_open_v2, or
// nullptr if SQLite has no default VFS to wrap.
const char* WalBufferVfs();

}  // namespace zhifa::store
