// Resolves the libcurl functions CurlClient uses, once, from libcurl.so.4 (see CCurl.h for why).
#include "CCurl.h"

#include <dlfcn.h>
#include <stdatomic.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static CURLcode (*p_global_init)(long);
static CURL *(*p_easy_init)(void);
static void (*p_easy_cleanup)(CURL *);
static void (*p_easy_reset)(CURL *);
static const char *(*p_easy_strerror)(CURLcode);
static CURLcode (*p_easy_setopt)(CURL *, CURLoption, ...);
static CURLcode (*p_easy_getinfo)(CURL *, CURLINFO, ...);
static CURLcode (*p_easy_perform)(CURL *);
static struct curl_slist *(*p_slist_append)(struct curl_slist *, const char *);
static void (*p_slist_free_all)(struct curl_slist *);

static pthread_once_t once = PTHREAD_ONCE_INIT;
static char load_error[512];

#define RESOLVE(var, name)                                                                                \
    *(void **)(&var) = dlsym(h, name);                                                                    \
    if (!var) {                                                                                           \
        snprintf(load_error, sizeof load_error, "libcurl.so.4 has no %s: %s", name, dlerror());           \
        return;                                                                                           \
    }

static void load(void) {
    void *h = dlopen("libcurl.so.4", RTLD_NOW | RTLD_LOCAL);
    if (!h) {
        snprintf(load_error, sizeof load_error, "cannot load libcurl.so.4 (install libcurl4): %s", dlerror());
        return;
    }
    RESOLVE(p_global_init, "curl_global_init")
    RESOLVE(p_easy_init, "curl_easy_init")
    RESOLVE(p_easy_cleanup, "curl_easy_cleanup")
    RESOLVE(p_easy_reset, "curl_easy_reset")
    RESOLVE(p_easy_strerror, "curl_easy_strerror")
    RESOLVE(p_easy_setopt, "curl_easy_setopt")
    RESOLVE(p_easy_getinfo, "curl_easy_getinfo")
    RESOLVE(p_easy_perform, "curl_easy_perform")
    RESOLVE(p_slist_append, "curl_slist_append")
    RESOLVE(p_slist_free_all, "curl_slist_free_all")
    // Not thread-safe in old libcurls, hence inside pthread_once; easy handles then never init globally.
    CURLcode rc = p_global_init(CURL_GLOBAL_DEFAULT);
    if (rc != CURLE_OK) snprintf(load_error, sizeof load_error, "curl_global_init failed: %d", (int)rc);
}

int tcurl_load(char *err, size_t errlen) {
    pthread_once(&once, load);
    if (load_error[0]) {
        snprintf(err, errlen, "%s", load_error);
        return -1;
    }
    return 0;
}

CURL *tcurl_easy_init(void) { return p_easy_init(); }
void tcurl_easy_cleanup(CURL *h) { p_easy_cleanup(h); }
void tcurl_easy_reset(CURL *h) { p_easy_reset(h); }
const char *tcurl_easy_strerror(CURLcode c) { return p_easy_strerror(c); }
CURLcode tcurl_setopt_long(CURL *h, CURLoption o, long v) { return p_easy_setopt(h, o, v); }
CURLcode tcurl_setopt_off(CURL *h, CURLoption o, curl_off_t v) { return p_easy_setopt(h, o, v); }
CURLcode tcurl_setopt_string(CURL *h, CURLoption o, const char *v) { return p_easy_setopt(h, o, v); }
CURLcode tcurl_setopt_pointer(CURL *h, CURLoption o, const void *v) { return p_easy_setopt(h, o, v); }
CURLcode tcurl_getinfo_long(CURL *h, CURLINFO i, long *out) { return p_easy_getinfo(h, i, out); }
CURLcode tcurl_setopt_blob(CURL *h, CURLoption o, const void *data, size_t len) {
    struct curl_blob b = {(void *)data, len, CURL_BLOB_COPY};
    return p_easy_setopt(h, o, &b);
}
struct curl_slist *tcurl_slist_append(struct curl_slist *l, const char *s) { return p_slist_append(l, s); }
void tcurl_slist_free_all(struct curl_slist *l) { p_slist_free_all(l); }

void tcurl_buffer_free(tcurl_buffer *b) {
    free(b->data);
    b->data = NULL;
    b->length = b->capacity = 0;
}

// libcurl's write and header callbacks: append to the tcurl_buffer passed as userdata. Returning less
// than asked aborts the transfer (out of memory, or the caller's limit).
static size_t append(char *ptr, size_t size, size_t nmemb, void *userdata) {
    tcurl_buffer *b = userdata;
    size_t n = size * nmemb;
    if (b->limit && b->length + n > b->limit) return 0;
    if (b->length + n > b->capacity) {
        size_t cap = b->capacity ? b->capacity : 4096;
        while (cap < b->length + n) cap *= 2;
        unsigned char *grown = realloc(b->data, cap);
        if (!grown) return 0;
        b->data = grown;
        b->capacity = cap;
    }
    memcpy(b->data + b->length, ptr, n);
    b->length += n;
    return n;
}

struct tcurl_abort {
    atomic_int value;
};

tcurl_abort *tcurl_abort_new(void) {
    tcurl_abort *a = malloc(sizeof *a);
    if (a) atomic_init(&a->value, 0);
    return a;
}
void tcurl_abort_free(tcurl_abort *a) { free(a); }
void tcurl_abort_set(tcurl_abort *a) { atomic_store(&a->value, 1); }
int tcurl_abort_get(tcurl_abort *a) { return atomic_load(&a->value); }

// libcurl's progress callback: a non-zero return aborts the transfer.
static int check_abort(void *clientp, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal, curl_off_t ulnow) {
    (void)dltotal, (void)dlnow, (void)ultotal, (void)ulnow;
    return atomic_load(&((tcurl_abort *)clientp)->value) != 0;
}

CURLcode tcurl_perform(CURL *h, tcurl_buffer *body, tcurl_buffer *headers, tcurl_abort *abort) {
    if (abort) {
        if (atomic_load(&abort->value)) return CURLE_ABORTED_BY_CALLBACK;
        p_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, check_abort);
        p_easy_setopt(h, CURLOPT_XFERINFODATA, abort);
        p_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
    }
    p_easy_setopt(h, CURLOPT_WRITEFUNCTION, append);
    p_easy_setopt(h, CURLOPT_WRITEDATA, body);
    p_easy_setopt(h, CURLOPT_HEADERFUNCTION, append);
    p_easy_setopt(h, CURLOPT_HEADERDATA, headers);
    return p_easy_perform(h);
}
