#ifndef TRIBUTARY_CLIBPQ_SHIM_H
#define TRIBUTARY_CLIBPQ_SHIM_H
// libpq, wrapped by Sources/PostgresClient only.
#include <libpq-fe.h>
#endif
