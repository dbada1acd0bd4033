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
    /// The most a zipped export may inflate to, whatever its size: 2 GiB. A whole académie's
    /// students export is a few hundred megabytes; past that, an archive is a bomb or broken.
    public static let defaultMaxExtractedBytes: Int64 = 2 << 30
    /// The most a zipped export may inflate to, relative to the archive on disk: 200 times. XML
    /// exports compress 10 to 30 times; a ZIP bomb, about 1,000 times (deflate's limit).
    public static let defaultMaxExpansion: Int64 = 200

    /// The cap on what one ZIP may inflate to is the smaller of these two.
    public var maxExtractedBytes: Int64
    public var maxExpansion: Int64

    public init(maxExtractedBytes: Int64 = ExportReader.defaultMaxExtractedBytes,
                maxExpansion: Int64 = ExportReader.defaultMaxExpansion) {
        self.maxExtractedBytes = maxExtractedBytes
        self.maxExpansion = maxExpansion
    }

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
        let (export, digest) = try readXMLWithDigest(url, displayName: name)
        return ReadExport(export: export, xmlSHA256: digest)
    }

    /// Parses an XML file streaming: memory holds the records read, never the document.
    public func readXML(_ url: URL, displayName: String) throws(ImportError) -> ParsedExport {
        try readXMLWithDigest(url, displayName: displayName).export
    }

    /// The same, with the SHA-256 of the bytes parsed (read once for both).
    func readXMLWithDigest(_ url: URL, displayName: String) throws(ImportError) -> (export: ParsedExport, sha256: String) {
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
        let digest = try reader.read(url)
        guard let finish else { throw .malformed(file: displayName, line: 1, column: 1, reason: "aucun élément") }
        return (try finish(), digest)
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
        let archiveBytes = (try? FileManager.default.attributesOfItem(atPath: url.path)[.size] as? NSNumber)?.int64Value ?? 0
        let limit = min(maxExtractedBytes, maxExpansion * max(archiveBytes, 1))
        // The size the archive declares is the attacker's word: checked first because it costs
        // nothing, then the bytes actually inflated are counted as they come, and the extraction
        // stops at the limit, so that the disk never holds more than the limit and one chunk.
        if Int64(clamping: entry.uncompressedSize) > limit {
            throw .tooLarge(file: inner, limit: limit, archiveBytes: archiveBytes)
        }
        do {
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            guard FileManager.default.createFile(atPath: target.path, contents: nil, attributes: [.posixPermissions: 0o600]) else {
                throw CocoaError(.fileWriteUnknown)
            }
            let out = try FileHandle(forWritingTo: target)
            defer { try? out.close() }
            var inflated: Int64 = 0
            _ = try archive.extract(entry) { chunk in
                inflated += Int64(chunk.count)
                if inflated > limit { throw ExtractionLimitReached() }
                try out.write(contentsOf: chunk)
            }
        } catch is ExtractionLimitReached {
            throw .tooLarge(file: inner, limit: limit, archiveBytes: archiveBytes)
        } catch {
            throw .notAnArchive(file: inner, reason: "\(error)")
        }
        let (export, digest) = try readXMLWithDigest(target, displayName: inner)
        return ReadExport(export: export, xmlSHA256: digest)
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

/// Thrown from inside the extraction to stop it at the limit.
private struct ExtractionLimitReached: Error {}
