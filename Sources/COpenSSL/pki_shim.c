// Bodies of fsh_pki_shim.h: each wraps a macro, or a call Swift cannot make safely.
#include "fsh_pki_shim.h"

#include <openssl/pem.h>
#include <openssl/rsa.h>

EVP_PKEY *fsh_pki_rsa_generate(int bits) {
  EVP_PKEY_CTX *context = EVP_PKEY_CTX_new_id(EVP_PKEY_RSA, NULL);
  EVP_PKEY *key = NULL;
  if (context == NULL) return NULL;
  if (EVP_PKEY_keygen_init(context) <= 0 || EVP_PKEY_CTX_set_rsa_keygen_bits(context, bits) <= 0
      || EVP_PKEY_keygen(context, &key) <= 0) {
    EVP_PKEY_free(key);
    key = NULL;
  }
  EVP_PKEY_CTX_free(context);
  return key;
}

// No passphrase: decrypting fails, and OpenSSL's default callback (a terminal prompt) is never
// used.
static int no_passphrase(char *buffer, int size, int writing, void *user) {
  (void)buffer;
  (void)size;
  (void)writing;
  (void)user;
  return 0;
}

EVP_PKEY *fsh_pki_read_private_key(BIO *bio) {
  return PEM_read_bio_PrivateKey(bio, NULL, no_passphrase, NULL);
}

long fsh_pki_bio_contents(BIO *bio, const char **data) {
  char *pointer = NULL;
  long count = BIO_get_mem_data(bio, &pointer);
  *data = pointer;
  return count;
}

int fsh_pki_general_names_count(const GENERAL_NAMES *names) {
  return sk_GENERAL_NAME_num(names);
}

GENERAL_NAME *fsh_pki_general_names_value(const GENERAL_NAMES *names, int index) {
  return sk_GENERAL_NAME_value(names, index);
}

int fsh_pki_general_names_push(GENERAL_NAMES *names, GENERAL_NAME *name) {
  return sk_GENERAL_NAME_push(names, name) > 0;
}

int fsh_pki_eku_count(const EXTENDED_KEY_USAGE *usage) { return sk_ASN1_OBJECT_num(usage); }

const ASN1_OBJECT *fsh_pki_eku_value(const EXTENDED_KEY_USAGE *usage, int index) {
  return sk_ASN1_OBJECT_value(usage, index);
}

int fsh_pki_eku_push(EXTENDED_KEY_USAGE *usage, ASN1_OBJECT *object) {
  return sk_ASN1_OBJECT_push(usage, object) > 0;
}
