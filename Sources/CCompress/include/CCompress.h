#ifndef TRIBUTARY_CCOMPRESS_H
#define TRIBUTARY_CCOMPRESS_H
// The system compression libraries, each loaded on first use (dlopen) rather than linked: a worker that
// writes no compressed file never maps them. Only Sources/Codecs uses this. We declare the few functions
// we call ourselves (their -dev headers are not needed to build): each is part of its library's stable
// ABI under the soname named below.
//   libdeflate.so.0 (Debian libdeflate0): whole-buffer DEFLATE, raw and gzip
//   libsnappy.so.1  (libsnappy1v5):       snappy's C API (snappy-c.h)
//   libzstd.so.1    (libzstd1):           ZSTD_compress/ZSTD_decompress
//   liblz4.so.1     (liblz4-1):           LZ4 blocks
#include <stddef.h>

enum { TCOMP_DEFLATE = 0, TCOMP_SNAPPY = 1, TCOMP_ZSTD = 2, TCOMP_LZ4 = 3 };

/// Loads library `which` (TCOMP_*) once (thread-safe). Returns 0 on success, else -1 with the reason,
/// which names the library and the Debian package that provides it, in err.
int tcomp_load(int which, char *err, size_t errlen);

// libdeflate. A compressor holds its level's tables (a few hundred KB) and is used by one thread at a time.
struct libdeflate_compressor;
struct libdeflate_compressor *tcomp_deflate_alloc(int level);
void tcomp_deflate_free(struct libdeflate_compressor *c);
/// Raw DEFLATE (RFC 1951); 0 when `avail` is too small.
size_t tcomp_deflate_compress(struct libdeflate_compressor *c, const void *in, size_t n, void *out, size_t avail);
size_t tcomp_deflate_bound(struct libdeflate_compressor *c, size_t n);
/// One gzip member (RFC 1952); 0 when `avail` is too small.
size_t tcomp_gzip_compress(struct libdeflate_compressor *c, const void *in, size_t n, void *out, size_t avail);
size_t tcomp_gzip_bound(struct libdeflate_compressor *c, size_t n);

// snappy (status 0 = OK).
int tcomp_snappy_compress(const void *in, size_t n, void *out, size_t *out_len);
size_t tcomp_snappy_bound(size_t n);
int tcomp_snappy_uncompressed_length(const void *in, size_t n, size_t *result);
int tcomp_snappy_uncompress(const void *in, size_t n, void *out, size_t *out_len);

// zstd (results are sizes or error codes: test with tcomp_zstd_is_error).
size_t tcomp_zstd_compress(void *dst, size_t cap, const void *src, size_t n, int level);
size_t tcomp_zstd_bound(size_t n);
unsigned tcomp_zstd_is_error(size_t code);
const char *tcomp_zstd_error_name(size_t code);
size_t tcomp_zstd_decompress(void *dst, size_t cap, const void *src, size_t n);
unsigned long long tcomp_zstd_frame_content_size(const void *src, size_t n);

// LZ4 blocks (0 or negative = failure).
int tcomp_lz4_compress(const void *src, void *dst, int n, int cap);
int tcomp_lz4_bound(int n);
int tcomp_lz4_decompress(const void *src, void *dst, int n, int cap);

#endif
