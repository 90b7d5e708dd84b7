// The system's OpenSSL (Debian's libssl-dev), the library libcurl already loads into fsh.
// FshPKI makes and reads certificates with it and the sandbox serves mutual TLS with it, as
// Flocker itself does (pyOpenSSL on OpenSSL). Function-like macros do not import into Swift:
// the few that are needed get a plain function here (fsh_pki_shim.h, fsh_tls_shim.h).
#ifndef FSH_COPENSSL_H
#define FSH_COPENSSL_H

#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>
#include <openssl/sha.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "fsh_pki_shim.h"

#endif
