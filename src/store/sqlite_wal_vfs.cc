#include "store/sqlite_wal_vfs.h"

#include <sqlite3.h>

#include <algorithm>
#include <cstring>
#include <new>
#include <string>

namespace zhifa::store {
namespace {

constexpr const char* kName = "zhifa-walbuf";
constexpr size_t kMaxPending = 8u << 20;  // bytes gathered before they are written anyway

// Our file: SQLite allocates szOsFile bytes; the wrapped VFS's file follows this struct.
struct File {
  sqlite3_file base;
  sqlite3_file* real;
  bool wal;              // a WAL file: writes are gathered
  std::string* pending;  // bytes not yet written, from offset `at`
  sqlite3_int64 at;
};

const sqlite3_io_methods* Real(sqlite3_file* f) {
  return reinterpret_cast<File*>(f)->real->pMethods;
}
sqlite3_file* RealFile(sqlite3_file* f) { return reinterpret_cast<File*>(f)->real; }

// Writes the pending bytes, in pieces the unix VFS takes in one pwrite(2) (its writes are
// meant for a page or a frame: it handles at most 128 KiB − 1 per call). On failure the rest
// stays pending and the error goes to the caller (SQLite reports it from the sync, read … it was
// about to do).
int Flush(File* f) {
  if (!f->pending || f->pending->empty()) return SQLITE_OK;
  constexpr size_t kPiece = 120u << 10;
  std::string& p = *f->pending;
  size_t done = 0;
  int rc = SQLITE_OK;
  while (done < p.size() && rc == SQLITE_OK) {
    const size_t n = std::min(kPiece, p.size() - done);
    rc = f->real->pMethods->xWrite(f->real, p.data() + done, static_cast<int>(n),
                                   f->at + static_cast<sqlite3_int64>(done));
    if (rc == SQLITE_OK) done += n;
  }
  p.erase(0, done);
  f->at += static_cast<sqlite3_int64>(done);
  return rc;
}

int Close(sqlite3_file* file) {
  auto* f = reinterpret_cast<File*>(file);
  int rc = Flush(f);
  const int closed = f->real->pMethods->xClose(f->real);
  delete f->pending;
  f->pending = nullptr;
  return rc != SQLITE_OK ? rc : closed;
}

int Read(sqlite3_file* file, void* out, int n, sqlite3_int64 offset) {
  auto* f = reinterpret_cast<File*>(file);
  if (int rc = Flush(f); rc != SQLITE_OK) return rc;
  return Real(file)->xRead(RealFile(file), out, n, offset);
}

int Write(sqlite3_file* file, const void* data, int n, sqlite3_int64 offset) {
  auto* f = reinterpret_cast<File*>(file);
  if (!f->wal || n <= 0) return Real(file)->xWrite(RealFile(file), data, n, offset);
  std::string& p = *f->pending;
  const auto* bytes = static_cast<const char*>(data);
  const auto end = f->at + static_cast<sqlite3_int64>(p.size());
  if (!p.empty() && offset >= f->at && offset + n <= end) {
    // A frame of this commit written again (SQLite rewrites checksums in place).
    std::memcpy(p.data() + (offset - f->at), bytes, static_cast<size_t>(n));
    return SQLITE_OK;
  }
  if (p.empty() || offset != end) {
    if (int rc = Flush(f); rc != SQLITE_OK) return rc;
    f->at = offset;
  }
  p.append(bytes, static_cast<size_t>(n));
  if (p.size() >= kMaxPending) return Flush(f);
  return SQLITE_OK;
}

int Truncate(sqlite3_file* file, sqlite3_int64 size) {
  if (int rc = Flush(reinterpret_cast<File*>(file)); rc != SQLITE_OK) return rc;
  return Real(file)->xTruncate(RealFile(file), size);
}

int Sync(sqlite3_file* file, int flags) {
  if (int rc = Flush(reinterpret_cast<File*>(file)); rc != SQLITE_OK) return rc;
  return Real(file)->xSync(RealFile(file), flags);
}

int FileSize(sqlite3_file* file, sqlite3_int64* size) {
  if (int rc = Flush(reinterpret_cast<File*>(file)); rc != SQLITE_OK) return rc;
  return Real(file)->xFileSize(RealFile(file), size);
}

int Lock(sqlite3_file* file, int level) { return Real(file)->xLock(RealFile(file), level); }
int Unlock(sqlite3_file* file, int level) { return Real(file)->xUnlock(RealFile(file), level); }
int CheckReservedLock(sqlite3_file* file, int* out) {
  return Real(file)->xCheckReservedLock(RealFile(file), out);
}
int FileControl(sqlite3_file* file, int op, void* arg) {
  if (int rc = Flush(reinterpret_cast<File*>(file)); rc != SQLITE_OK) return rc;
  return Real(file)->xFileControl(RealFile(file), op, arg);
}
int SectorSize(sqlite3_file* file) { return Real(file)->xSectorSize(RealFile(file)); }
int DeviceCharacteristics(sqlite3_file* file) {
  return Real(file)->xDeviceCharacteristics(RealFile(file));
}
int ShmMap(sqlite3_file* file, int page, int size, int extend, void volatile** out) {
  return Real(file)->xShmMap(RealFile(file), page, size, extend, out);
}
int ShmLock(sqlite3_file* file, int offset, int n, int flags) {
  return Real(file)->xShmLock(RealFile(file), offset, n, flags);
}
void ShmBarrier(sqlite3_file* file) { Real(file)->xShmBarrier(RealFile(file)); }
int ShmUnmap(sqlite3_file* file, int remove) {
  return Real(file)->xShmUnmap(RealFile(file), remove);
}
int Fetch(sqlite3_file* file, sqlite3_int64 offset, int n, void** out) {
  return Real(file)->xFetch(RealFile(file), offset, n, out);
}
int Unfetch(sqlite3_file* file, sqlite3_int64 offset, void* p) {
  return Real(file)->xUnfetch(RealFile(file), offset, p);
}

// The methods of a wrapped file, one table per version of the wrapped VFS's methods (1–3).
const sqlite3_io_methods* Methods(int version) {
  static const sqlite3_io_methods kMethods[3] = {
      {1, Close, Read, Write, Truncate, Sync, FileSize, Lock, Unlock, CheckReservedLock,
       FileControl, SectorSize, DeviceCharacteristics, nullptr, nullptr, nullptr, nullptr, nullptr,
       nullptr},
      {2, Close, Read, Write, Truncate, Sync, FileSize, Lock, Unlock, CheckReservedLock,
       FileControl, SectorSize, DeviceCharacteristics, ShmMap, ShmLock, ShmBarrier, ShmUnmap,
       nullptr, nullptr},
      {3, Close, Read, Write, Truncate, Sync, FileSize, Lock, Unlock, CheckReservedLock,
       FileControl, SectorSize, DeviceCharacteristics, ShmMap, ShmLock, ShmBarrier, ShmUnmap, Fetch,
       Unfetch},
  };
  return &kMethods[std::clamp(version, 1, 3) - 1];
}

int Open(sqlite3_vfs* vfs, const char* name, sqlite3_file* file, int flags, int* out_flags) {
  auto* f = reinterpret_cast<File*>(file);
  f->real = reinterpret_cast<sqlite3_file*>(f + 1);
  f->pending = nullptr;
  f->at = 0;
  f->wal = (flags & SQLITE_OPEN_WAL) != 0;
  auto* real = static_cast<sqlite3_vfs*>(vfs->pAppData);
  const int rc = real->xOpen(real, name, f->real, flags, out_flags);
  if (rc != SQLITE_OK || !f->real->pMethods) {
    file->pMethods = nullptr;  // SQLite calls no method of a file that failed to open
    return rc;
  }
  if (f->wal) {
    f->pending = new (std::nothrow) std::string();
    if (!f->pending) {
      f->real->pMethods->xClose(f->real);
      file->pMethods = nullptr;
      return SQLITE_NOMEM;
    }
  }
  file->pMethods = Methods(f->real->pMethods->iVersion);
  return SQLITE_OK;
}

sqlite3_vfs* Make() {
  sqlite3_vfs* real_vfs = sqlite3_vfs_find(nullptr);
  if (!real_vfs) return nullptr;
  static sqlite3_vfs vfs;
  vfs = *real_vfs;  // every other method is the wrapped VFS's own (they get pAppData = real)
  vfs.iVersion = std::min(real_vfs->iVersion, 3);
  vfs.szOsFile = static_cast<int>(sizeof(File)) + real_vfs->szOsFile;
  vfs.zName = kName;
  vfs.pNext = nullptr;
  vfs.pAppData = real_vfs;
  vfs.xOpen = Open;
  // The rest take the sqlite3_vfs* they were called with: pass the real one through.
  vfs.xDelete = [](sqlite3_vfs* v, const char* n, int sync) {
    auto* r = static_cast<sqlite3_vfs*>(v->pAppData);
    return r->xDelete(r, n, sync);
  };
  vfs.xAccess = [](sqlite3_vfs* v, const char* n, int flags, int* out) {
    auto* r = static_cast<sqlite3_vfs*>(v->pAppData);
    return r->xAccess(r, n, flags, out);
  };
  vfs.xFullPathname = [](sqlite3_vfs* v, const char* n, int size, char* out) {
    auto* r = static_cast<sqlite3_vfs*>(v->pAppData);
    return r->xFullPathname(r, n, size, out);
  };
  vfs.xDlOpen = [](sqlite3_vfs* v, const char* n) {
    auto* r = static_cast<sqlite3_vfs*>(v->pAppData);
    return r->xDlOpen(r, n);
  };
  vfs.xDlError = [](sqlite3_vfs* v, int n, char* out) {
    auto* r = static_cast<sqlite3_vfs*>(v->pAppData);
    r->xDlError(r, n, out);
  };
  vfs.xDlSym = [](sqlite3_vfs* v, void* h, const char* n) {
    auto* r = static_cast<sqlite3_vfs*>(v->pAppData);
    return r->xDlSym(r, h, n);
  };
  vfs.xDlClose = [](sqlite3_vfs* v, void* h) {
    auto* r = static_cast<sqlite3_vfs*>(v->pAppData);
    r->xDlClose(r, h);
  };
  vfs.xRandomness = [](sqlite3_vfs* v, int n, char* out) {
    auto* r = static_cast<sqlite3_vfs*>(v->pAppData);
    return r->xRandomness(r, n, out);
  };
  vfs.xSleep = [](sqlite3_vfs* v, int us) {
    auto* r = static_cast<sqlite3_vfs*>(v->pAppData);
    return r->xSleep(r, us);
  };
  vfs.xCurrentTime = [](sqlite3_vfs* v, double* out) {
    auto* r = static_cast<sqlite3_vfs*>(v->pAppData);
    return r->xCurrentTime(r, out);
  };
  vfs.xGetLastError = [](sqlite3_vfs* v, int n, char* out) {
    auto* r = static_cast<sqlite3_vfs*>(v->pAppData);
    return r->xGetLastError ? r->xGetLastError(r, n, out) : 0;
  };
  if (vfs.iVersion >= 2) {
    vfs.xCurrentTimeInt64 = [](sqlite3_vfs* v, sqlite3_int64* out) {
      auto* r = static_cast<sqlite3_vfs*>(v->pAppData);
      return r->xCurrentTimeInt64(r, out);
    };
  }
  if (vfs.iVersion >= 3) {
    vfs.xSetSystemCall = [](sqlite3_vfs* v, const char* n, sqlite3_syscall_ptr p) {
      auto* r = static_cast<sqlite3_vfs*>(v->pAppData);
      return r->xSetSystemCall(r, n, p);
    };
    vfs.xGetSystemCall = [](sqlite3_vfs* v, const char* n) {
      auto* r = static_cast<sqlite3_vfs*>(v->pAppData);
      return r->xGetSystemCall(r, n);
    };
    vfs.xNextSystemCall = [](sqlite3_vfs* v, const char* n) {
      auto* r = static_cast<sqlite3_vfs*>(v->pAppData);
      return r->xNextSystemCall(r, n);
    };
  }
  if (sqlite3_vfs_register(&vfs, 0) != SQLITE_OK) return nullptr;
  return &vfs;
}

}  // namespace

const char* WalBufferVfs() {
  static sqlite3_vfs* vfs = Make();
  return vfs ? kName : nullptr;
}

}  // namespace zhifa::store
