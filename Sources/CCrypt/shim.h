#ifndef TRIBUTARY_CCRYPT_SHIM_H
#define TRIBUTARY_CCRYPT_SHIM_H
// libcrypt (libxcrypt on Debian): crypt_r for the CRYPT: passwords of Jetty password files, which hold
// traditional DES crypt(3) hashes. Only RestServing uses it.
#include <crypt.h>
#endif
