import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// Receives the elements of one export as the parser streams them. Implementations keep only the
/// record they are reading and the compact values already read, never a tree.
protocol ExportElementHandler: AnyObject {
    /// `path` holds the open elements, the root first and this element last.
    func start(_ name: String, attributes: [String: String], path: [String], line: Int) throws(ImportError)
    /// `text` is the element's own character data, trimmed.
    func end(_ name: String, text: String, path: [String], line: Int) throws(ImportError)
}

/// Drives FoundationXML's streaming parser over a file. `XMLParser(stream:)` is used, never
/// `XMLParser(data:)`, which on Linux fails on files past about 10 MB; and `parserError` is always
/// checked, because `parse()` can report success on a truncated file.
final class StreamingXMLReader: NSObject, XMLParserDelegate {
    private let displayName: String
    private let makeHandler: (String, [String: String]) throws(ImportError) -> any ExportElementHandler
    private var handler: (any ExportElementHandler)?
    private var path: [String] = []
    private var text = ""
    private var failure: ImportError?
    private var rootClosed = false
    private weak var parser: XMLParser?

    init(displayName: String,
         makeHandler: @escaping (String, [String: String]) throws(ImportError) -> any ExportElementHandler) {
        self.displayName = displayName
        self.makeHandler = makeHandler
    }

    func read(_ url: URL) throws(ImportError) {
        try XMLPrescan.check(url, displayName: displayName)
        guard let stream = InputStream(url: url) else {
            throw .unreadable(file: displayName, reason: "ouverture impossible")
        }
        let parser = XMLParser(stream: stream)
        parser.shouldResolveExternalEntities = false
        parser.shouldProcessNamespaces = false
        parser.delegate = self
        self.parser = parser
        let ok = parser.parse()
        if let failure { throw failure }
        if let error = parser.parserError as NSError? {
            let line = parser.lineNumber
            switch error.code {
            case 5: throw .truncated(file: displayName, line: line)
            case 4: throw .malformed(file: displayName, line: line, column: parser.columnNumber, reason: "document vide")
            default:
                throw .malformed(file: displayName, line: line, column: parser.columnNumber,
                                 reason: Self.reason(for: error.code))
            }
        }
        if !ok { throw .malformed(file: displayName, line: parser.lineNumber, column: parser.columnNumber, reason: "erreur d'analyse") }
        if handler == nil { throw .malformed(file: displayName, line: 1, column: 1, reason: "aucun élément") }
        if !rootClosed { throw .truncated(file: displayName, line: parser.lineNumber) }
    }

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

    private func fail(_ error: ImportError) {
        if failure == nil { failure = error }
        parser?.abortParsing()
    }

    func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
                qualifiedName qName: String?, attributes attributeDict: [String: String] = [:]) {
        guard failure == nil else { return }
        path.append(elementName)
        text = ""
        do throws(ImportError) {
            if handler == nil { handler = try makeHandler(elementName, attributeDict) }
            try handler?.start(elementName, attributes: attributeDict, path: path, line: parser.lineNumber)
        } catch {
            fail(error)
        }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        text += string
    }

    func parser(_ parser: XMLParser, foundCDATA CDATABlock: Data) {
        text += String(decoding: CDATABlock, as: UTF8.self)
    }

    func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName qName: String?) {
        guard failure == nil else { return }
        do throws(ImportError) {
            try handler?.end(elementName, text: Self.trimmed(text), path: path,
                             line: parser.lineNumber)
        } catch {
            fail(error)
        }
        path.removeLast()
        text = ""
        if path.isEmpty { rootClosed = true }
    }

    // libxml2 reports an error here, at the right line, and then recovers and goes on delivering
    // elements: the first error must stop everything, or a broken file would half-import.
    func parser(_ parser: XMLParser, parseErrorOccurred parseError: any Error) {
        let code = (parseError as NSError).code
        if code == 5 {
            fail(.truncated(file: displayName, line: parser.lineNumber))
        } else {
            fail(.malformed(file: displayName, line: parser.lineNumber, column: parser.columnNumber,
                            reason: Self.reason(for: code)))
        }
    }

    // An entity declaration can only come from a DOCTYPE, which the prescan refuses; this is the
    // second lock on that door.
    func parser(_ parser: XMLParser, foundInternalEntityDeclarationWithName name: String, value: String?) {
        fail(.doctypeForbidden(file: displayName, line: parser.lineNumber))
    }

    func parser(_ parser: XMLParser, foundExternalEntityDeclarationWithName name: String, publicID: String?, systemID: String?) {
        fail(.doctypeForbidden(file: displayName, line: parser.lineNumber))
    }
}
