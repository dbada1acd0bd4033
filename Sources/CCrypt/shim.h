// libxcrypt (Debian: libcrypt-dev), the crypt(3) that slapd's {CRYPT} scheme calls.
#include <crypt.h>
