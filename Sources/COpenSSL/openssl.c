// Intentionally empty: SwiftPM needs one source file in a C target; the shims live beside it.
#include "COpenSSL.h"
