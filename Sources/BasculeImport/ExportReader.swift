import BasculeDomain
import Crypto
import Foundation
import ZIPFoundation

/// An export as read, with the SHA-256 of its XML: the same XML is the same import, whether it
/// came bare or in a ZIP (whose bytes change with every packing, timestamps included).
public struct ReadExport: Sendable {
    public var export: ParsedExport
    public var xmlSHA256: String
}

/// Reads one export file, whatever its kind, as SIECLE and STS-Web deliver it: a bare XML file or
/// a ZIP holding one. The kind comes from the root element, never from the file name.
public struct ExportReader: Sendable {
    public init() {}

    /// Parses `url`. `displayName` is how errors name the file (defaults to its last path component).
    public func read(_ url: URL, displayName: String? = nil) throws(ImportError) -> ParsedExport {
        try readWithDigest(url, displayName: displayName).export
    }

    /// Parses `url` and digests the XML it holds.
    public func readWithDigest(_ url: URL, displayName: String? = nil) throws(ImportError) -> ReadExport {
        let name = displayName ?? url.lastPathComponent
        if try Self.isZip(url, displayName: name) {
            return try readZip(url, displayName: name)
        }
        return ReadExport(export: try readXML(url, displayName: name), xmlSHA256: try Self.sha256(of: url, displayName: name))
    }

    static func sha256(of url: URL, displayName: String) throws(ImportError) -> String {
        guard let handle = try? FileHandle(forReadingFrom: url) else {
            throw .unreadable(file: displayName, reason: "lecture impossible")
        }
        defer { try? handle.close() }
        var hasher = SHA256()
        while let chunk = try? handle.read(upToCount: 1 << 20), !chunk.isEmpty { hasher.update(data: chunk) }
        return hasher.finalize().map { String(format: "%02x", $0) }.joined()
    }

    /// Parses an XML file streaming: memory holds the records read, never the document.
    public func readXML(_ url: URL, displayName: String) throws(ImportError) -> ParsedExport {
        var finish: (() throws(ImportError) -> ParsedExport)?
        let reader = StreamingXMLReader(displayName: displayName) { root, attributes throws(ImportError) in
            let version = attributes["VERSION"]
            switch SourceKind(rootElement: root) {
            case .siecleStudents:
                let h = SiecleStudentsReader(file: displayName, version: version)
                finish = { () throws(ImportError) in .students(try h.finish()) }
                return h
            case .sieclePersons:
                let h = SieclePersonsReader(file: displayName, version: version)
                finish = { () throws(ImportError) in .persons(try h.finish()) }
                return h
            case .sts:
                let h = STSReader(file: displayName, version: version)
                finish = { () throws(ImportError) in .sts(try h.finish()) }
                return h
            case nil:
                throw .unknownRoot(file: displayName, element: root)
            }
        }
        try reader.read(url)
        guard let finish else { throw .malformed(file: displayName, line: 1, column: 1, reason: "aucun élément") }
        return try finish()
    }

    private func readZip(_ url: URL, displayName: String) throws(ImportError) -> ReadExport {
        let archive: Archive
        do {
            archive = try Archive(url: url, accessMode: .read)
        } catch {
            throw .notAnArchive(file: displayName, reason: "\(error)")
        }
        let entries = archive.filter { $0.type == .file && $0.path.lowercased().hasSuffix(".xml") }
            .sorted { $0.path < $1.path }
        guard let entry = entries.first else { throw .noXMLInArchive(file: displayName) }
        let inner = "\(displayName)!\(entry.path)"
        // Names and birth dates: extracted where only this user can look (0700), never left behind.
        let scratch: ScratchDirectory
        do {
            scratch = try ScratchDirectory.make()
        } catch {
            throw .unreadable(file: inner, reason: "dossier temporaire privé impossible à créer : \(error)")
        }
        defer { scratch.remove() }
        let dir = scratch.url
        let target = dir.appendingPathComponent("export.xml")
        do {
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            _ = try archive.extract(entry, to: target)
        } catch {
            throw .notAnArchive(file: inner, reason: "\(error)")
        }
        return ReadExport(export: try readXML(target, displayName: inner), xmlSHA256: try Self.sha256(of: target, displayName: inner))
    }

    static func isZip(_ url: URL, displayName: String) throws(ImportError) -> Bool {
        guard let handle = try? FileHandle(forReadingFrom: url) else {
            throw .unreadable(file: displayName, reason: "fichier introuvable ou illisible")
        }
        defer { try? handle.close() }
        let magic = (try? handle.read(upToCount: 4)) ?? Data()
        return magic.elementsEqual([0x50, 0x4B, 0x03, 0x04])
    }
}
