#ifndef TRIBUTARY_CRDKAFKA_SHIM_H
#define TRIBUTARY_CRDKAFKA_SHIM_H
#include <librdkafka/rdkafka.h>

// Swift cannot call variadic C functions (rd_kafka_producev). We use rd_kafka_produceva with an array of
// rd_kafka_vu_t instead; these helpers fill one element each, so the Swift side never touches the union.
static inline void tributary_vu_topic(rd_kafka_vu_t *vu, const char *topic) {
    vu->vtype = RD_KAFKA_VTYPE_TOPIC; vu->u.cstr = topic;
}
static inline void tributary_vu_rkt(rd_kafka_vu_t *vu, rd_kafka_topic_t *rkt) {
    vu->vtype = RD_KAFKA_VTYPE_RKT; vu->u.rkt = rkt;
}
static inline void tributary_vu_partition(rd_kafka_vu_t *vu, int32_t partition) {
    vu->vtype = RD_KAFKA_VTYPE_PARTITION; vu->u.i32 = partition;
}
static inline void tributary_vu_key(rd_kafka_vu_t *vu, const void *key, size_t len) {
    vu->vtype = RD_KAFKA_VTYPE_KEY; vu->u.mem.ptr = (void *)key; vu->u.mem.size = len;
}
static inline void tributary_vu_value(rd_kafka_vu_t *vu, const void *value, size_t len) {
    vu->vtype = RD_KAFKA_VTYPE_VALUE; vu->u.mem.ptr = (void *)value; vu->u.mem.size = len;
}
static inline void tributary_vu_msgflags(rd_kafka_vu_t *vu, int flags) {
    vu->vtype = RD_KAFKA_VTYPE_MSGFLAGS; vu->u.i32 = flags;
}
static inline void tributary_vu_opaque(rd_kafka_vu_t *vu, void *opaque) {
    vu->vtype = RD_KAFKA_VTYPE_OPAQUE; vu->u.ptr = opaque;
}
static inline void tributary_vu_timestamp(rd_kafka_vu_t *vu, int64_t ts) {
    vu->vtype = RD_KAFKA_VTYPE_TIMESTAMP; vu->u.i64 = ts;
}
static inline void tributary_vu_headers(rd_kafka_vu_t *vu, rd_kafka_headers_t *hdrs) {
    // Ownership of hdrs passes to librdkafka only when the produce call succeeds.
    vu->vtype = RD_KAFKA_VTYPE_HEADERS; vu->u.headers = hdrs;
}
#endif
