#ifndef TRIBUTARY_CCURL_H
#define TRIBUTARY_CCURL_H
// libcurl, loaded on first use (dlopen) rather than linked: a worker that runs no HTTP or S3 connector
// never maps libcurl and the TLS, SSH, LDAP and Kerberos libraries Debian's libcurl pulls in. Only
// Sources/CurlClient uses this. curl.h supplies the types and option numbers (stable ABI of
// libcurl.so.4); every function is called through the wrappers below, never directly.
#include <curl/curl.h>
#include <stddef.h>

/// Loads libcurl.so.4 once and runs curl_global_init (thread-safe). 0 on success, else -1 with the reason.
int tcurl_load(char *err, size_t errlen);

CURL *tcurl_easy_init(void);
void tcurl_easy_cleanup(CURL *h);
/// Forgets every option set on `h` but keeps its connection cache (keep-alive to the same host).
void tcurl_easy_reset(CURL *h);
const char *tcurl_easy_strerror(CURLcode code);

// Typed wrappers for the variadic curl_easy_setopt / curl_easy_getinfo.
CURLcode tcurl_setopt_long(CURL *h, CURLoption opt, long value);
CURLcode tcurl_setopt_off(CURL *h, CURLoption opt, curl_off_t value);
CURLcode tcurl_setopt_string(CURL *h, CURLoption opt, const char *value);  // libcurl copies the string
CURLcode tcurl_setopt_pointer(CURL *h, CURLoption opt, const void *value);  // caller keeps it alive
CURLcode tcurl_getinfo_long(CURL *h, CURLINFO info, long *out);
/// A `struct curl_blob` option (CAINFO_BLOB, SSLCERT_BLOB, SSLKEY_BLOB): libcurl copies the bytes.
CURLcode tcurl_setopt_blob(CURL *h, CURLoption opt, const void *data, size_t len);

struct curl_slist *tcurl_slist_append(struct curl_slist *list, const char *line);
void tcurl_slist_free_all(struct curl_slist *list);

/// A growable byte buffer filled by libcurl's callbacks; freed with tcurl_buffer_free.
typedef struct tcurl_buffer {
    unsigned char *data;
    size_t length;
    size_t capacity;
    size_t limit;  // more than this many bytes fails the transfer (CURLE_WRITE_ERROR); 0 = no limit
} tcurl_buffer;

void tcurl_buffer_free(tcurl_buffer *b);

/// A flag another thread sets to abort the transfers of a session (C11 atomic).
typedef struct tcurl_abort tcurl_abort;
tcurl_abort *tcurl_abort_new(void);
void tcurl_abort_free(tcurl_abort *a);
void tcurl_abort_set(tcurl_abort *a);
int tcurl_abort_get(tcurl_abort *a);

/// Performs the transfer configured on `h`, appending the response body to `body` and the raw response
/// header lines (of every response, including 100 Continue and redirects) to `headers`. Fails with
/// CURLE_ABORTED_BY_CALLBACK soon (libcurl checks at least once a second) after `abort` is set.
CURLcode tcurl_perform(CURL *h, tcurl_buffer *body, tcurl_buffer *headers, tcurl_abort *abort);

#endif
