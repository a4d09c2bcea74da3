#ifndef TRIBUTARY_CLIBPQ_H
#define TRIBUTARY_CLIBPQ_H
// libpq, loaded on first use (dlopen) rather than linked: a worker that runs no PostgreSQL connector
// does not load libpq and the GSSAPI/LDAP/GnuTLS libraries Debian's libpq pulls in (about 3.5 MB of
// resident memory). Only Sources/PostgresClient uses this. The types are libpq's opaque handles and the
// few enum values we test; they are part of libpq's stable ABI (libpq.so.5).
#include <stddef.h>

typedef struct pg_conn PGconn;
typedef struct pg_result PGresult;
typedef struct pg_cancel PGcancel;
typedef unsigned int Oid;

enum { TPQ_CONNECTION_OK = 0 };
enum { TPQ_PGRES_EMPTY_QUERY = 0, TPQ_PGRES_COMMAND_OK = 1, TPQ_PGRES_TUPLES_OK = 2, TPQ_PGRES_COPY_IN = 4 };

/// Loads libpq.so.5 once (thread-safe). Returns 0 on success, else -1 with the reason in err.
int tpq_load(char *err, size_t errlen);

PGconn *tpq_connectdbParams(const char *const *keywords, const char *const *values, int expand_dbname);
int tpq_status(const PGconn *conn);
char *tpq_errorMessage(const PGconn *conn);
void tpq_finish(PGconn *conn);
int tpq_serverVersion(const PGconn *conn);
PGcancel *tpq_getCancel(PGconn *conn);
void tpq_freeCancel(PGcancel *cancel);
int tpq_cancel(PGcancel *cancel, char *errbuf, int errbufsize);
PGresult *tpq_exec(PGconn *conn, const char *query);
PGresult *tpq_execParams(PGconn *conn, const char *command, int nParams, const Oid *paramTypes,
                         const char *const *paramValues, const int *paramLengths, const int *paramFormats,
                         int resultFormat);
int tpq_resultStatus(const PGresult *res);
char *tpq_resultErrorField(const PGresult *res, int fieldcode);
void tpq_clear(PGresult *res);
int tpq_ntuples(const PGresult *res);
int tpq_nfields(const PGresult *res);
char *tpq_fname(const PGresult *res, int field_num);
Oid tpq_ftable(const PGresult *res, int field_num);
int tpq_ftablecol(const PGresult *res, int field_num);
Oid tpq_ftype(const PGresult *res, int field_num);
int tpq_fmod(const PGresult *res, int field_num);
char *tpq_getvalue(const PGresult *res, int tup_num, int field_num);
int tpq_getlength(const PGresult *res, int tup_num, int field_num);
int tpq_getisnull(const PGresult *res, int tup_num, int field_num);
char *tpq_cmdTuples(PGresult *res);
int tpq_putCopyData(PGconn *conn, const char *buffer, int nbytes);
int tpq_putCopyEnd(PGconn *conn, const char *errormsg);
PGresult *tpq_getResult(PGconn *conn);
int tpq_sendQuery(PGconn *conn, const char *query);

#endif
