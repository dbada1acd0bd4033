// libxml2's push parser and SAX2 interface (Debian: libxml2-dev), the library FoundationXML
// itself runs on Linux. Bascule drives it directly to see what XMLParser never reports to its
// delegate: a DOCTYPE, an entity declaration, an entity reference.
#include <libxml/xmlversion.h>
// Debian builds libxml2 with ICU, whose headers clash with Foundation's own copy of ICU. Only the
// end of xmlCharEncodingHandler depends on it, which Bascule never reads (see below).
#undef LIBXML_ICU_ENABLED
#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/SAX2.h>
#include <libxml/entities.h>
#include <libxml/xmlerror.h>
#include <libxml/valid.h>

// The name of the decoder libxml2 chose for the document (from a BOM, its first bytes or its
// declaration), or NULL when it reads UTF-8 as is. `name` is the handler's first field, the same
// with or without ICU.
static inline const char *bascule_xml_decoder_name(xmlParserCtxtPtr ctxt) {
    if (ctxt == NULL || ctxt->input == NULL || ctxt->input->buf == NULL || ctxt->input->buf->encoder == NULL) return NULL;
    return ctxt->input->buf->encoder->name;
}
