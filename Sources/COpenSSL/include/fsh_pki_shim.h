// Plain functions for what FshPKI needs from OpenSSL but cannot call from Swift: function-like
// macros (the typed stack accessors, EVP_RSA_gen, BIO_get_mem_data) and a PEM key reader that
// never asks for a passphrase on the terminal.
#ifndef FSH_PKI_SHIM_H
#define FSH_PKI_SHIM_H

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/x509v3.h>

/// A new RSA key of `bits` bits (public exponent 65537), or NULL.
EVP_PKEY *fsh_pki_rsa_generate(int bits);

/// The first private key in PEM text read from `bio`, or NULL. Encrypted keys fail (the
/// passphrase callback gives none) instead of prompting on the terminal.
EVP_PKEY *fsh_pki_read_private_key(BIO *bio);

/// The bytes written so far to a memory BIO; their count is returned.
long fsh_pki_bio_contents(BIO *bio, const char **data);

/// GENERAL_NAMES (a subjectAltName): count, element, append (takes ownership; 0 on failure).
int fsh_pki_general_names_count(const GENERAL_NAMES *names);
GENERAL_NAME *fsh_pki_general_names_value(const GENERAL_NAMES *names, int index);
int fsh_pki_general_names_push(GENERAL_NAMES *names, GENERAL_NAME *name);

/// EXTENDED_KEY_USAGE (a stack of ASN1_OBJECT): count, element, append (takes ownership).
int fsh_pki_eku_count(const EXTENDED_KEY_USAGE *usage);
const ASN1_OBJECT *fsh_pki_eku_value(const EXTENDED_KEY_USAGE *usage, int index);
int fsh_pki_eku_push(EXTENDED_KEY_USAGE *usage, ASN1_OBJECT *object);

#endif
