#ifndef TRIBUTARY_CZLIB_H
#define TRIBUTARY_CZLIB_H
// zlib (already mapped in every worker: librdkafka links it). deflateInit2 is a macro over
// deflateInit2_ with the library version and stream size, which Swift cannot expand: wrap it.
#include <zlib.h>

static inline int tz_deflate_init2(z_stream *s, int level, int windowBits) {
    return deflateInit2(s, level, Z_DEFLATED, windowBits, 8, Z_DEFAULT_STRATEGY);
}
#endif
