import BasculeDomain
import BasculeImport
import BasculeStore
import Foundation

/// Imports export files into the store: parse every file, match identities, then write all of
/// them in one transaction. A refused file leaves the store exactly as it was.
public struct ImportService: Sendable {
    public let store: Store
    /// The day the import happens, for "has this student left yet?" when an export has no date.
    public let today: CivilDate
    /// When the import happens, recorded with it.
    public let now: Date
    /// Makes ids for new people and imports; replaceable so tests get stable ids.
    public let makeID: @Sendable () -> String
    /// Where a copy of each file imported is kept, if anywhere.
    public var archive: ImportFileArchive?

    /// An export under this share of its predecessor's people is reported (the planner refuses to
    /// act on it without a person's confirmation).
    public static let shrinkWarningRatio = 0.8

    public init(store: Store, today: CivilDate, now: Date = Date(), makeID: @escaping @Sendable () -> String = { UUID().uuidString.lowercased() }) {
        self.store = store
        self.today = today
        self.now = now
        self.makeID = makeID
    }

    /// Imports `files`. With `school`, a file of another school is refused.
    public func importFiles(_ files: [URL], school: UAI? = nil) async throws -> ImportSummary {
        var parsed: [(url: URL, export: ParsedExport, sha: String)] = []
        // The files are parsed side by side, one a core (a school's three exports at once); what
        // each gave is then taken in the order given, so the error reported is the first file's,
        // as when they were read one after the other.
        let reads = ParsedFiles(count: files.count)
        DispatchQueue.concurrentPerform(iterations: files.count) { i in
            reads.set(i, Result { try ExportReader().readWithDigest(files[i]) })
        }
        for (i, url) in files.enumerated() {
            let read = try reads.get(i).get()
            if let school, read.export.header.uai != school {
                throw ImportError.schoolMismatch(file: url.lastPathComponent, expected: school.code, found: read.export.header.uai.code)
            }
            parsed.append((url, read.export, read.xmlSHA256))
        }
        // Structures first, then students, then parents: each can be checked against the previous.
        let order: [SourceKind: Int] = [.sts: 0, .siecleStudents: 1, .sieclePersons: 2]
        parsed = parsed.enumerated().sorted {
            (order[$0.element.export.header.source]!, $0.offset) < (order[$1.element.export.header.source]!, $1.offset)
        }.map(\.element)

        var batch = ImportBatch(store: store)
        var seq = try await store.nextImportSeq()
        var results: [ImportSummary.FileResult] = []
        var writes: [SnapshotWrite] = []
        var imported: [(URL, ImportInfo)] = []
        for (url, export, sha) in parsed {
            let header = export.header
            let previous = try await batch.latest(uai: header.uai, source: header.source)
            var result = ImportSummary.FileResult(
                file: url.lastPathComponent, uai: header.uai, source: header.source, schoolYear: header.schoolYear,
                exportDate: header.exportDate, records: export.recordCount, newPeople: 0, knownPeople: 0,
                alreadyImported: try await batch.sameContent(uai: header.uai, source: header.source, sha256: sha) != nil,
                notices: [])
            if result.alreadyImported {
                results.append(result)
                continue
            }
            if let previous, Self.isOlder(header, than: previous) {
                throw ImportError.staleExport(file: url.lastPathComponent, exported: Self.dateLabel(header.schoolYear, header.exportDate),
                                              newest: Self.dateLabel(previous.schoolYear, previous.exportDate),
                                              newestFile: previous.fileName)
            }
            let info = ImportInfo(id: makeID(), seq: seq, uai: header.uai, source: header.source,
                                  schoolYear: header.schoolYear, exportDate: header.exportDate,
                                  formatVersion: header.formatVersion, fileName: url.lastPathComponent,
                                  fileSHA256: sha, importedAt: Self.timestamp(now), importedOn: today,
                                  recordCount: export.recordCount)
            seq += 1
            var write = try await batch.snapshot(export, info: info, today: today, makeID: makeID)
            write.notices = export.notices + write.notices
            if let previous, previous.recordCount > 0,
               Double(export.recordCount) < Double(previous.recordCount) * Self.shrinkWarningRatio {
                write.notices.append(ImportNotice(.exportShrank,
                    french: "Cet export compte \(export.recordCount) fiche(s) contre \(previous.recordCount) dans le précédent (\(previous.fileName)) : export partiel ou tronqué ? Aucune suppression ne sera faite sans confirmation.",
                    english: "This export has \(export.recordCount) records against \(previous.recordCount) in the previous one: partial or truncated export? Nothing will be deleted without confirmation."))
            }
            if header.uai.isNationalForm == false {
                write.notices.append(ImportNotice(.nonNationalUAI,
                    french: "Le code établissement « \(header.uai) » n'a pas la forme nationale (7 chiffres et une lettre).",
                    english: "School code \(header.uai) is not of the national form (7 digits and a letter)."))
            }
            result.newPeople = write.persons.filter(\.isNew).count
            result.knownPeople = write.persons.count - result.newPeople
            result.notices = write.notices
            results.append(result)
            writes.append(write)
            imported.append((url, info))
            batch.record(write)
        }
        let stored = Dictionary(try await store.commit(writes).map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        // After the commit: a refused import keeps nothing. A copy that fails loses nothing
        // either (the file is still where it was given) and is said, not hidden.
        var summary = ImportSummary(files: results)
        if let archive {
            for (url, given) in imported {
                let info = stored[given.id] ?? given
                do {
                    try archive.keep(url, info: info, day: today)
                } catch {
                    summary.keptCopyFailures.append("\(url.lastPathComponent) : \(error.localizedDescription)")
                }
            }
        }
        return summary
    }

    /// Older by school year, then by export date; an export without dates is never called older.
    static func isOlder(_ header: ExportHeader, than previous: ImportInfo) -> Bool {
        if let y = header.schoolYear, let p = previous.schoolYear, y != p { return y < p }
        if let d = header.exportDate, let p = previous.exportDate { return d < p }
        return false
    }

    static func dateLabel(_ year: SchoolYear?, _ date: CivilDate?) -> String {
        [date?.french, year.map { "année \($0)" }].compactMap { $0 }.joined(separator: ", ")
    }

    static func timestamp(_ date: Date) -> String { date.formatted(.iso8601) }
}

/// What each file's parse gave, written by concurrent workers, each to its own slot.
private final class ParsedFiles: @unchecked Sendable {
    private var slots: [Result<ReadExport, any Error>?]
    private let lock = NSLock()
    init(count: Int) { slots = Array(repeating: nil, count: count) }
    func set(_ i: Int, _ r: Result<ReadExport, any Error>) { lock.withLock { slots[i] = r } }
    func get(_ i: Int) -> Result<ReadExport, any Error> { lock.withLock { slots[i]! } }
}
