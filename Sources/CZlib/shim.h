#ifndef TRIBUTARY_CZLIB_H
#define TRIBUTARY_CZLIB_H
// zlib (already mapped in every worker: librdkafka links it): crc32 for Avro's snappy blocks, and the
// reference decoder of the codec tests. inflateInit2 is a macro over inflateInit2_ with the library
// version and stream size, which Swift cannot expand: wrap it.
#include <zlib.h>

static inline int tz_inflate_init2(z_stream *s, int windowBits) { return inflateInit2(s, windowBits); }
#endif
