import CLibXML2
import Crypto
import Foundation

/// Receives the elements of one export as the parser streams them. Implementations keep only the
/// record they are reading and the compact values already read, never a tree.
protocol ExportElementHandler: AnyObject {
    /// `path` holds the open elements, the root first and this element last.
    func start(_ name: String, attributes: [String: String], path: [String], line: Int) throws(ImportError)
    /// `text` is the element's own character data, trimmed.
    func end(_ name: String, text: String, path: [String], line: Int) throws(ImportError)
}

/// Streams an export through libxml2's SAX2 push parser, chunk by chunk: memory holds the record
/// being read, never the document.
///
/// libxml2 is driven directly rather than through FoundationXML's `XMLParser` because the parser
/// itself is the only place that sees a DOCTYPE or an entity wherever it stands and whatever the
/// encoding (it decodes before it parses): `XMLParser` tells its delegate nothing of a DOCTYPE, and
/// silently drops a reference to an entity the DOCTYPE declared (`Zo&e;` read as `Zo`). Here:
/// - any DOCTYPE is refused at its line (`internalSubset` is called for every one, with or without
///   an internal subset; a DOCTYPE anywhere else is a well-formedness error);
/// - any declaration (entity, element, attribute, notation) is refused, a second lock;
/// - any entity reference but the five predefined ones is refused with its name and line
///   (libxml2 answers `&amp; &lt; &gt; &quot; &apos;` and character references itself, and asks
///   `getEntity` for anything else, in text and in attribute values);
/// - the encoding the file declares, and the one libxml2 detected from its first bytes, must be
///   one SIECLE and STS-Web write.
/// No entity is ever loaded: nothing is declared, `getEntity` never answers one, and neither the
/// network (`XML_PARSE_NONET`) nor an external subset (no `XML_PARSE_DTDLOAD`) is reachable.
final class StreamingXMLReader {
    static let acceptedEncodings: Set<String> = [
        "UTF-8", "UTF8", "ISO-8859-1", "ISO8859-1", "LATIN1", "LATIN-1", "ISO-8859-15", "ISO8859-15",
        "LATIN-9", "LATIN9", "WINDOWS-1252", "CP1252", "US-ASCII", "ASCII",
    ]

    /// The five entities XML predefines; everything else is refused.
    static let predefinedEntities: Set<String> = ["amp", "lt", "gt", "quot", "apos"]

    private static let chunkSize = 1 << 18

    /// libxml2's global set-up, once per process before any parser is made (it is not safe to race).
    private static let libraryReady: Void = { xmlInitParser() }()

    private let displayName: String
    private let makeHandler: (String, [String: String]) throws(ImportError) -> any ExportElementHandler
    private var handler: (any ExportElementHandler)?
    private var path: [String] = []
    private var text: [UInt8] = []
    private var failure: ImportError? { didSet { failed = failure != nil } }
    /// `failure != nil`, read by every callback: comparing the optional error copied it each time.
    private var failed = false
    private var rootClosed = false
    private var finishing = false
    private var documentStarted = false
    private var context: xmlParserCtxtPtr?
    /// Element and attribute names, by the address of libxml2's interned copy: each name is made
    /// a Swift string once per file, not once per element.
    private var names: [UnsafeRawPointer: String] = [:]

    init(displayName: String,
         makeHandler: @escaping (String, [String: String]) throws(ImportError) -> any ExportElementHandler) {
        self.displayName = displayName
        self.makeHandler = makeHandler
    }

    /// Parses the file at `url` and returns the SHA-256 of its bytes, hashed from the very chunks
    /// the parser reads (the file is read once, not once more to digest it), on another core
    /// while the parser works (`ChunkDigest`).
    @discardableResult
    func read(_ url: URL) throws(ImportError) -> String {
        _ = Self.libraryReady
        let digest = ChunkDigest()
        guard let file = try? FileHandle(forReadingFrom: url) else {
            throw .unreadable(file: displayName, reason: "ouverture impossible")
        }
        defer { try? file.close() }
        var first = Data()
        do { first = try file.read(upToCount: Self.chunkSize) ?? Data() } catch {
            throw .unreadable(file: displayName, reason: "lecture impossible")
        }
        if first.isEmpty { throw .malformed(file: displayName, line: 1, column: 1, reason: "document vide") }
        digest.update(data: first)
        var sax = Self.saxHandler()
        // The first bytes go with the context: libxml2 detects the encoding from them.
        let head = min(4, first.count)
        let created = first.prefix(head).withUnsafeBytes { raw in
            xmlCreatePushParserCtxt(&sax, Unmanaged.passUnretained(self).toOpaque(),
                                    raw.baseAddress?.assumingMemoryBound(to: CChar.self), Int32(head), nil)
        }
        guard let ctxt = created else { throw .unreadable(file: displayName, reason: "analyseur XML indisponible") }
        context = ctxt
        // Errors libxml2 raises outside the parser (a decoder failing on the declared encoding)
        // come here too rather than to standard error; the setting is the thread's, put back after.
        xmlSetStructuredErrorFunc(Unmanaged.passUnretained(self).toOpaque(), { ctx, error in StreamingXMLReader.reader(ctx).parseError(error) })
        defer {
            xmlSetStructuredErrorFunc(nil, nil)
            context = nil
            xmlFreeParserCtxt(ctxt)
        }
        // NOENT: the predefined entities and character references arrive decoded, in attribute
        // values too; it can substitute nothing else, since nothing else is ever declared.
        xmlCtxtUseOptions(ctxt, Int32(bitPattern: XML_PARSE_NOENT.rawValue | XML_PARSE_NONET.rawValue))

        var chunk = first.dropFirst(head)
        while !failed {
            if chunk.isEmpty {
                do { chunk = try file.read(upToCount: Self.chunkSize) ?? Data() } catch {
                    throw .unreadable(file: displayName, reason: "lecture impossible")
                }
                if chunk.isEmpty { break }
                digest.update(data: chunk)
            }
            _ = chunk.withUnsafeBytes { raw in
                xmlParseChunk(ctxt, raw.baseAddress?.assumingMemoryBound(to: CChar.self), Int32(raw.count), 0)
            }
            chunk = Data()
        }
        if !failed {
            finishing = true
            _ = xmlParseChunk(ctxt, nil, 0, 1)
        }
        if let failure { throw failure }
        if handler == nil { throw .malformed(file: displayName, line: 1, column: 1, reason: "aucun élément") }
        if !rootClosed { throw .truncated(file: displayName, line: line) }
        return digest.finish()
    }

    private var line: Int { context.map { Int(xmlSAX2GetLineNumber(UnsafeMutableRawPointer($0))) } ?? 1 }
    private var column: Int { context.map { Int(xmlSAX2GetColumnNumber(UnsafeMutableRawPointer($0))) } ?? 1 }

    /// Keeps the first refusal and stops the parser: nothing after it is read. From an error
    /// callback the parser is not stopped (`stop: false`): libxml2 may be in the middle of
    /// switching decoders, whose buffers stopping frees; after a fatal error it delivers nothing
    /// more anyway, and every callback here ignores what follows a refusal.
    private func fail(_ error: ImportError, stop: Bool = true) {
        if failure == nil { failure = error }
        if stop, let context { xmlStopParser(context) }
    }

    private func name(_ pointer: UnsafePointer<xmlChar>?) -> String {
        guard let pointer else { return "" }
        let key = UnsafeRawPointer(pointer)
        if let known = names[key] { return known }
        let made = String(cString: pointer)
        names[key] = made
        return made
    }

    static func isBlank(_ b: UInt8) -> Bool { b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 }

    /// Most leaf texts have no surrounding blanks and container texts are only blanks: both are
    /// answered without Foundation's character-set machinery, which dominated the profile.
    static func trimmed(_ s: String) -> String {
        let u = s.utf8
        guard let first = u.first, let last = u.last else { return s }
        func blank(_ b: UInt8) -> Bool { b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 }
        if !blank(first) && !blank(last) { return s }
        guard let start = u.firstIndex(where: { !blank($0) }) else { return "" }
        let end = u.lastIndex(where: { !blank($0) })!
        return String(s[start...end])
    }

    private static func reason(for code: Int) -> String {
        switch code {
        case 9: "caractère invalide : l'encodage déclaré ne correspond pas au contenu ?"
        case 32, 33, 34: "encodage"
        case 73, 76, 77: "balise non fermée ou mal imbriquée"
        case 41: "attribut mal écrit"
        case 26, 27: "entité inconnue"
        default: "code libxml2 \(code)"
        }
    }

    // MARK: - What libxml2 tells

    private func startDocument() {
        documentStarted = true
        checkEncodings()
    }

    private func checkEncodings(stop: Bool = true) {
        guard let ctxt = context else { return }
        // The declared encoding (`encoding="…"`), and the decoder libxml2 chose (from a BOM or the
        // first bytes: UTF-16, UCS-4, EBCDIC), must both be one SIECLE and STS-Web write.
        let declared = (ctxt.pointee.encoding ?? ctxt.pointee.input?.pointee.encoding).map { String(cString: $0) }
        let detected = bascule_xml_decoder_name(ctxt).map { String(cString: $0) }
        for encoding in [declared, detected].compactMap({ $0 }) where !Self.acceptedEncodings.contains(encoding.uppercased()) {
            fail(.unsupportedEncoding(file: displayName, declared: encoding), stop: stop)
            return
        }
    }

    private func startElement(_ localname: UnsafePointer<xmlChar>?, _ prefix: UnsafePointer<xmlChar>?, count: Int32,
                              attributes: UnsafeMutablePointer<UnsafePointer<xmlChar>?>?) {
        guard !failed else { return }
        var elementName = name(localname)
        if prefix != nil { elementName = name(prefix) + ":" + elementName }
        var attributeDict: [String: String] = [:]
        if let attributes, count > 0 {
            for i in 0..<Int(count) {
                // localname, prefix, URI, value, end of value
                let base = i * 5
                var key = name(attributes[base])
                if attributes[base + 1] != nil { key = name(attributes[base + 1]) + ":" + key }
                if let value = attributes[base + 3], let end = attributes[base + 4] {
                    attributeDict[key] = String(decoding: UnsafeBufferPointer(start: value, count: end - value), as: UTF8.self)
                } else {
                    attributeDict[key] = ""
                }
            }
        }
        path.append(elementName)
        text.removeAll(keepingCapacity: true)
        do throws(ImportError) {
            if handler == nil { handler = try makeHandler(elementName, attributeDict) }
            try handler?.start(elementName, attributes: attributeDict, path: path, line: line)
        } catch {
            fail(error)
        }
    }

    private func characters(_ bytes: UnsafePointer<xmlChar>?, _ count: Int32) {
        guard !failed, let bytes, count > 0 else { return }
        text.append(contentsOf: UnsafeBufferPointer(start: bytes, count: Int(count)))
    }

    private func endElement(_ localname: UnsafePointer<xmlChar>?, _ prefix: UnsafePointer<xmlChar>?) {
        guard !failed, let elementName = path.last else { return }
        do throws(ImportError) {
            // A container's text is only the blanks between its children: "" without a String made.
            let value = text.allSatisfy(Self.isBlank) ? "" : Self.trimmed(String(decoding: text, as: UTF8.self))
            try handler?.end(elementName, text: value, path: path, line: line)
        } catch {
            fail(error)
        }
        path.removeLast()
        text.removeAll(keepingCapacity: true)
        if path.isEmpty { rootClosed = true }
    }

    /// Every DOCTYPE, and every declaration a DTD could hold.
    private func doctype() {
        fail(.doctypeForbidden(file: displayName, line: line))
    }

    /// libxml2 answers the predefined entities itself and asks for anything else: refused.
    private func entity(_ entityName: UnsafePointer<xmlChar>?) -> xmlEntityPtr? {
        // Not through the names' cache: only element and attribute names are known to be interned.
        let n = entityName.map { String(cString: $0) } ?? ""
        if Self.predefinedEntities.contains(n), let predefined = xmlGetPredefinedEntity(entityName) { return predefined }
        // Not stopped here: libxml2 is inside an attribute value or a text run; the undeclared
        // entity it reports next disables every callback.
        fail(.entityForbidden(file: displayName, line: line, name: n), stop: false)
        return nil
    }

    /// A parameter entity can only stand in a DTD, which is refused first: a second lock.
    private func parameterEntity(_ entityName: UnsafePointer<xmlChar>?) {
        fail(.entityForbidden(file: displayName, line: line, name: "%" + (entityName.map { String(cString: $0) } ?? "")), stop: false)
    }

    // libxml2 reports an error at the right line, and could recover and go on: the first error
    // stops everything, or a broken file would half-import. Warnings (a namespace URI that is not
    // absolute) are not errors.
    private func parseError(_ error: xmlErrorPtr?) {
        guard let error, error.pointee.level.rawValue >= XML_ERR_ERROR.rawValue, failure == nil else { return }
        // libxml2 switches to the declared encoding while it reads the declaration, before the
        // document starts: an encoding it cannot decode fails there, and is named as such.
        if !documentStarted {
            checkEncodings(stop: false)
            if failure != nil { return }
        }
        let code = Int(error.pointee.code)
        let at = error.pointee.line > 0 ? Int(error.pointee.line) : line
        if code == Int(XML_ERR_USER_STOP.rawValue) { return }
        // Premature end of the data: what a file cut short gives when its end is reached.
        if code == Int(XML_ERR_DOCUMENT_END.rawValue) || (finishing && !rootClosed && code == Int(XML_ERR_TAG_NOT_FINISHED.rawValue)) {
            fail(.truncated(file: displayName, line: at), stop: false)
        } else if code == Int(XML_ERR_DOCUMENT_EMPTY.rawValue) {
            fail(.malformed(file: displayName, line: at, column: Int(error.pointee.int2), reason: "document vide"), stop: false)
        } else {
            fail(.malformed(file: displayName, line: at, column: error.pointee.int2 > 0 ? Int(error.pointee.int2) : column,
                            reason: Self.reason(for: code)), stop: false)
        }
    }

    // MARK: - The SAX2 handler

    private static func reader(_ ctx: UnsafeMutableRawPointer?) -> StreamingXMLReader {
        Unmanaged<StreamingXMLReader>.fromOpaque(ctx!).takeUnretainedValue()
    }

    /// C callbacks capture nothing: each finds its reader through libxml2's user data.
    private static func saxHandler() -> xmlSAXHandler {
        var sax = xmlSAXHandler()
        sax.initialized = UInt32(XML_SAX2_MAGIC)
        sax.startDocument = { ctx in StreamingXMLReader.reader(ctx).startDocument() }
        // The callbacks of every element borrow the reader (`_withUnsafeGuaranteedRef`: `read`
        // holds it for the whole parse) rather than retain and release it three times an element.
        sax.startElementNs = { ctx, localname, prefix, _, _, _, count, _, attributes in
            Unmanaged<StreamingXMLReader>.fromOpaque(ctx!)._withUnsafeGuaranteedRef {
                $0.startElement(localname, prefix, count: count, attributes: attributes)
            }
        }
        sax.endElementNs = { ctx, localname, prefix, _ in
            Unmanaged<StreamingXMLReader>.fromOpaque(ctx!)._withUnsafeGuaranteedRef { $0.endElement(localname, prefix) }
        }
        sax.characters = { ctx, bytes, count in
            Unmanaged<StreamingXMLReader>.fromOpaque(ctx!)._withUnsafeGuaranteedRef { $0.characters(bytes, count) }
        }
        sax.ignorableWhitespace = { ctx, bytes, count in
            Unmanaged<StreamingXMLReader>.fromOpaque(ctx!)._withUnsafeGuaranteedRef { $0.characters(bytes, count) }
        }
        sax.cdataBlock = { ctx, bytes, count in StreamingXMLReader.reader(ctx).characters(bytes, count) }
        sax.internalSubset = { ctx, _, _, _ in StreamingXMLReader.reader(ctx).doctype() }
        sax.externalSubset = { ctx, _, _, _ in StreamingXMLReader.reader(ctx).doctype() }
        sax.entityDecl = { ctx, _, _, _, _, _ in StreamingXMLReader.reader(ctx).doctype() }
        sax.unparsedEntityDecl = { ctx, _, _, _, _ in StreamingXMLReader.reader(ctx).doctype() }
        sax.notationDecl = { ctx, _, _, _ in StreamingXMLReader.reader(ctx).doctype() }
        sax.elementDecl = { ctx, _, _, _ in StreamingXMLReader.reader(ctx).doctype() }
        sax.attributeDecl = { ctx, _, _, _, _, _, tree in
            xmlFreeEnumeration(tree)
            StreamingXMLReader.reader(ctx).doctype()
        }
        sax.getEntity = { ctx, entityName in StreamingXMLReader.reader(ctx).entity(entityName) }
        sax.getParameterEntity = { ctx, entityName in
            StreamingXMLReader.reader(ctx).parameterEntity(entityName)
            return nil
        }
        sax.reference = { ctx, entityName in _ = StreamingXMLReader.reader(ctx).entity(entityName) }
        sax.serror = { ctx, error in StreamingXMLReader.reader(ctx).parseError(error) }
        return sax
    }
}

/// SHA-256 of the chunks it is given, computed in order on a queue of its own: the parser, on
/// this thread, does not wait for it (the digest was a sixth of a parse, callgrind).
private final class ChunkDigest: @unchecked Sendable {
    private let queue = DispatchQueue(label: "bascule.import.digest")
    /// Touched only on `queue`.
    private var hasher = SHA256()

    func update(data: Data) {
        queue.async { self.hasher.update(data: data) }
    }

    /// Waits for the chunks given so far and returns their digest, in hexadecimal.
    func finish() -> String {
        queue.sync { hasher.finalize().map { String(format: "%02x", $0) }.joined() }
    }
}
