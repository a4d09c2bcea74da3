// Resolves the libpq functions PostgresClient uses, once, from libpq.so.5 (see CLibPQ.h for why).
// Our wrappers have their own names: were they called PQ*, libpq's internal calls could bind to them.
#include "CLibPQ.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>

#define TPQ_FUNCTIONS(X)                                                                                  \
    X(PGconn *, PQconnectdbParams, (const char *const *, const char *const *, int))                      \
    X(int, PQstatus, (const PGconn *))                                                                    \
    X(char *, PQerrorMessage, (const PGconn *))                                                           \
    X(void, PQfinish, (PGconn *))                                                                         \
    X(int, PQserverVersion, (const PGconn *))                                                             \
    X(PGcancel *, PQgetCancel, (PGconn *))                                                                \
    X(void, PQfreeCancel, (PGcancel *))                                                                   \
    X(int, PQcancel, (PGcancel *, char *, int))                                                           \
    X(PGresult *, PQexec, (PGconn *, const char *))                                                       \
    X(PGresult *, PQexecParams,                                                                           \
      (PGconn *, const char *, int, const Oid *, const char *const *, const int *, const int *, int))     \
    X(int, PQresultStatus, (const PGresult *))                                                            \
    X(char *, PQresultErrorField, (const PGresult *, int))                                                \
    X(void, PQclear, (PGresult *))                                                                        \
    X(int, PQntuples, (const PGresult *))                                                                 \
    X(int, PQnfields, (const PGresult *))                                                                 \
    X(char *, PQfname, (const PGresult *, int))                                                           \
    X(Oid, PQftable, (const PGresult *, int))                                                             \
    X(int, PQftablecol, (const PGresult *, int))                                                          \
    X(Oid, PQftype, (const PGresult *, int))                                                              \
    X(int, PQfmod, (const PGresult *, int))                                                               \
    X(char *, PQgetvalue, (const PGresult *, int, int))                                                   \
    X(int, PQgetlength, (const PGresult *, int, int))                                                     \
    X(int, PQgetisnull, (const PGresult *, int, int))                                                     \
    X(char *, PQcmdTuples, (PGresult *))                                                                  \
    X(int, PQputCopyData, (PGconn *, const char *, int))                                                  \
    X(int, PQputCopyEnd, (PGconn *, const char *))                                                        \
    X(PGresult *, PQgetResult, (PGconn *))                                                                \
    X(int, PQsendQuery, (PGconn *, const char *))

#define DECLARE(ret, name, args) static ret(*p_##name) args;
TPQ_FUNCTIONS(DECLARE)

static pthread_once_t once = PTHREAD_ONCE_INIT;
static char load_error[512];

static void load(void) {
    void *h = dlopen("libpq.so.5", RTLD_NOW | RTLD_LOCAL);
    if (!h) {
        snprintf(load_error, sizeof load_error, "cannot load libpq.so.5 (install libpq5): %s", dlerror());
        return;
    }
#define RESOLVE(ret, name, args)                                                                          \
    p_##name = (ret(*) args)dlsym(h, #name);                                                              \
    if (!p_##name) {                                                                                      \
        snprintf(load_error, sizeof load_error, "libpq.so.5 has no %s: %s", #name, dlerror());            \
        return;                                                                                           \
    }
    TPQ_FUNCTIONS(RESOLVE)
}

int tpq_load(char *err, size_t errlen) {
    pthread_once(&once, load);
    if (load_error[0]) {
        snprintf(err, errlen, "%s", load_error);
        return -1;
    }
    return 0;
}

PGconn *tpq_connectdbParams(const char *const *k, const char *const *v, int e) { return p_PQconnectdbParams(k, v, e); }
int tpq_status(const PGconn *c) { return p_PQstatus(c); }
char *tpq_errorMessage(const PGconn *c) { return p_PQerrorMessage(c); }
void tpq_finish(PGconn *c) { p_PQfinish(c); }
int tpq_serverVersion(const PGconn *c) { return p_PQserverVersion(c); }
PGcancel *tpq_getCancel(PGconn *c) { return p_PQgetCancel(c); }
void tpq_freeCancel(PGcancel *c) { p_PQfreeCancel(c); }
int tpq_cancel(PGcancel *c, char *b, int n) { return p_PQcancel(c, b, n); }
PGresult *tpq_exec(PGconn *c, const char *q) { return p_PQexec(c, q); }
PGresult *tpq_execParams(PGconn *c, const char *q, int n, const Oid *t, const char *const *v, const int *l,
                         const int *f, int r) {
    return p_PQexecParams(c, q, n, t, v, l, f, r);
}
int tpq_resultStatus(const PGresult *r) { return p_PQresultStatus(r); }
char *tpq_resultErrorField(const PGresult *r, int f) { return p_PQresultErrorField(r, f); }
void tpq_clear(PGresult *r) { p_PQclear(r); }
int tpq_ntuples(const PGresult *r) { return p_PQntuples(r); }
int tpq_nfields(const PGresult *r) { return p_PQnfields(r); }
char *tpq_fname(const PGresult *r, int i) { return p_PQfname(r, i); }
Oid tpq_ftable(const PGresult *r, int i) { return p_PQftable(r, i); }
int tpq_ftablecol(const PGresult *r, int i) { return p_PQftablecol(r, i); }
Oid tpq_ftype(const PGresult *r, int i) { return p_PQftype(r, i); }
int tpq_fmod(const PGresult *r, int i) { return p_PQfmod(r, i); }
char *tpq_getvalue(const PGresult *r, int t, int f) { return p_PQgetvalue(r, t, f); }
int tpq_getlength(const PGresult *r, int t, int f) { return p_PQgetlength(r, t, f); }
int tpq_getisnull(const PGresult *r, int t, int f) { return p_PQgetisnull(r, t, f); }
char *tpq_cmdTuples(PGresult *r) { return p_PQcmdTuples(r); }
int tpq_putCopyData(PGconn *c, const char *buf, int n) { return p_PQputCopyData(c, buf, n); }
int tpq_putCopyEnd(PGconn *c, const char *msg) { return p_PQputCopyEnd(c, msg); }
PGresult *tpq_getResult(PGconn *c) { return p_PQgetResult(c); }
int tpq_sendQuery(PGconn *c, const char *q) { return p_PQsendQuery(c, q); }
