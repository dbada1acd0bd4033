// OpenLDAP's client library (Debian: libldap-dev). Deprecated synchronous helpers are not used;
// Bascule calls the *_ext_s functions.
#include <lber.h>
#include <ldap.h>

// LDAPMod's value union, filled from Swift without naming the union member.
static inline void bascule_ldapmod_set_bvals(LDAPMod *mod, struct berval **values) {
    mod->mod_bvalues = values;
}
