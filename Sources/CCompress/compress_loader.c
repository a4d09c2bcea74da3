// Resolves the compression functions Codecs uses, once per library (see CCompress.h for why).
// Our wrappers have their own names: were they called like the library's, the library's internal
// calls could bind to them.
#include "CCompress.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>

struct libdeflate_compressor;

#define DEFLATE_FUNCTIONS(X)                                                                              \
    X(struct libdeflate_compressor *, libdeflate_alloc_compressor, (int))                                \
    X(void, libdeflate_free_compressor, (struct libdeflate_compressor *))                                 \
    X(size_t, libdeflate_deflate_compress, (struct libdeflate_compressor *, const void *, size_t, void *, size_t)) \
    X(size_t, libdeflate_deflate_compress_bound, (struct libdeflate_compressor *, size_t))               \
    X(size_t, libdeflate_gzip_compress, (struct libdeflate_compressor *, const void *, size_t, void *, size_t)) \
    X(size_t, libdeflate_gzip_compress_bound, (struct libdeflate_compressor *, size_t))

#define SNAPPY_FUNCTIONS(X)                                                                               \
    X(int, snappy_compress, (const char *, size_t, char *, size_t *))                                    \
    X(int, snappy_uncompress, (const char *, size_t, char *, size_t *))                                  \
    X(size_t, snappy_max_compressed_length, (size_t))                                                    \
    X(int, snappy_uncompressed_length, (const char *, size_t, size_t *))

#define ZSTD_FUNCTIONS(X)                                                                                 \
    X(size_t, ZSTD_compress, (void *, size_t, const void *, size_t, int))                                \
    X(size_t, ZSTD_compressBound, (size_t))                                                               \
    X(unsigned, ZSTD_isError, (size_t))                                                                   \
    X(const char *, ZSTD_getErrorName, (size_t))                                                          \
    X(size_t, ZSTD_decompress, (void *, size_t, const void *, size_t))                                   \
    X(unsigned long long, ZSTD_getFrameContentSize, (const void *, size_t))

#define LZ4_FUNCTIONS(X)                                                                                  \
    X(int, LZ4_compress_default, (const char *, char *, int, int))                                       \
    X(int, LZ4_compressBound, (int))                                                                      \
    X(int, LZ4_decompress_safe, (const char *, char *, int, int))

#define DECLARE(ret, name, args) static ret(*p_##name) args;
DEFLATE_FUNCTIONS(DECLARE)
SNAPPY_FUNCTIONS(DECLARE)
ZSTD_FUNCTIONS(DECLARE)
LZ4_FUNCTIONS(DECLARE)

static char errors[4][512];

#define RESOLVE_INTO(slot, soname)                                                                        \
    static void resolve_##slot##_fn(void *h);                                                             \
    static void load_##slot(void) {                                                                       \
        void *h = dlopen(soname, RTLD_NOW | RTLD_LOCAL);                                                  \
        if (!h) {                                                                                         \
            snprintf(errors[TCOMP_##slot], sizeof errors[0], "cannot load %s (install the Debian package %s): %s", \
                     soname, PACKAGE_##slot, dlerror());                                                  \
            return;                                                                                       \
        }                                                                                                 \
        resolve_##slot##_fn(h);                                                                           \
    }

#define PACKAGE_DEFLATE "libdeflate0"
#define PACKAGE_SNAPPY "libsnappy1v5"
#define PACKAGE_ZSTD "libzstd1"
#define PACKAGE_LZ4 "liblz4-1"

RESOLVE_INTO(DEFLATE, "libdeflate.so.0")
RESOLVE_INTO(SNAPPY, "libsnappy.so.1")
RESOLVE_INTO(ZSTD, "libzstd.so.1")
RESOLVE_INTO(LZ4, "liblz4.so.1")

#define RESOLVE_ONE(ret, name, args)                                                                      \
    p_##name = (ret(*) args)dlsym(h, #name);                                                              \
    if (!p_##name) {                                                                                      \
        snprintf(errors[slot], sizeof errors[0], "%s has no %s: %s", soname, #name, dlerror());           \
        return;                                                                                           \
    }

static void resolve_DEFLATE_fn(void *h) {
    const int slot = TCOMP_DEFLATE;
    const char *soname = "libdeflate.so.0";
    DEFLATE_FUNCTIONS(RESOLVE_ONE)
}
static void resolve_SNAPPY_fn(void *h) {
    const int slot = TCOMP_SNAPPY;
    const char *soname = "libsnappy.so.1";
    SNAPPY_FUNCTIONS(RESOLVE_ONE)
}
static void resolve_ZSTD_fn(void *h) {
    const int slot = TCOMP_ZSTD;
    const char *soname = "libzstd.so.1";
    ZSTD_FUNCTIONS(RESOLVE_ONE)
}
static void resolve_LZ4_fn(void *h) {
    const int slot = TCOMP_LZ4;
    const char *soname = "liblz4.so.1";
    LZ4_FUNCTIONS(RESOLVE_ONE)
}

static pthread_once_t once[4] = {PTHREAD_ONCE_INIT, PTHREAD_ONCE_INIT, PTHREAD_ONCE_INIT, PTHREAD_ONCE_INIT};
static void (*const loaders[4])(void) = {load_DEFLATE, load_SNAPPY, load_ZSTD, load_LZ4};

int tcomp_load(int which, char *err, size_t errlen) {
    if (which < 0 || which > 3) {
        snprintf(err, errlen, "unknown compression library %d", which);
        return -1;
    }
    pthread_once(&once[which], loaders[which]);
    if (errors[which][0]) {
        snprintf(err, errlen, "%s", errors[which]);
        return -1;
    }
    return 0;
}

struct libdeflate_compressor *tcomp_deflate_alloc(int level) { return p_libdeflate_alloc_compressor(level); }
void tcomp_deflate_free(struct libdeflate_compressor *c) { p_libdeflate_free_compressor(c); }
size_t tcomp_deflate_compress(struct libdeflate_compressor *c, const void *in, size_t n, void *out, size_t avail) {
    return p_libdeflate_deflate_compress(c, in, n, out, avail);
}
size_t tcomp_deflate_bound(struct libdeflate_compressor *c, size_t n) { return p_libdeflate_deflate_compress_bound(c, n); }
size_t tcomp_gzip_compress(struct libdeflate_compressor *c, const void *in, size_t n, void *out, size_t avail) {
    return p_libdeflate_gzip_compress(c, in, n, out, avail);
}
size_t tcomp_gzip_bound(struct libdeflate_compressor *c, size_t n) { return p_libdeflate_gzip_compress_bound(c, n); }

int tcomp_snappy_compress(const void *in, size_t n, void *out, size_t *out_len) {
    return p_snappy_compress((const char *)in, n, (char *)out, out_len);
}
size_t tcomp_snappy_bound(size_t n) { return p_snappy_max_compressed_length(n); }
int tcomp_snappy_uncompressed_length(const void *in, size_t n, size_t *result) {
    return p_snappy_uncompressed_length((const char *)in, n, result);
}
int tcomp_snappy_uncompress(const void *in, size_t n, void *out, size_t *out_len) {
    return p_snappy_uncompress((const char *)in, n, (char *)out, out_len);
}

size_t tcomp_zstd_compress(void *dst, size_t cap, const void *src, size_t n, int level) {
    return p_ZSTD_compress(dst, cap, src, n, level);
}
size_t tcomp_zstd_bound(size_t n) { return p_ZSTD_compressBound(n); }
unsigned tcomp_zstd_is_error(size_t code) { return p_ZSTD_isError(code); }
const char *tcomp_zstd_error_name(size_t code) { return p_ZSTD_getErrorName(code); }
size_t tcomp_zstd_decompress(void *dst, size_t cap, const void *src, size_t n) {
    return p_ZSTD_decompress(dst, cap, src, n);
}
unsigned long long tcomp_zstd_frame_content_size(const void *src, size_t n) { return p_ZSTD_getFrameContentSize(src, n); }

int tcomp_lz4_compress(const void *src, void *dst, int n, int cap) {
    return p_LZ4_compress_default((const char *)src, (char *)dst, n, cap);
}
int tcomp_lz4_bound(int n) { return p_LZ4_compressBound(n); }
int tcomp_lz4_decompress(const void *src, void *dst, int n, int cap) {
    return p_LZ4_decompress_safe((const char *)src, (char *)dst, n, cap);
}
