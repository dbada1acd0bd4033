import BasculeDomain
import Foundation
import SQLKit

extension Store {
    /// Writes several imports as one transaction: if one row fails, none of them is stored.
    /// Their sequence numbers are given here, in the order of those they came with, inside the
    /// transaction: another connection importing at the same time (the daily run's schools in
    /// parallel on PostgreSQL) may have taken the ones read before. Returns the imports as stored.
    @discardableResult
    public func commit(_ snapshots: [SnapshotWrite]) async throws -> [ImportInfo] {
        do {
            return try await transaction {
                var next = (try await self.maxInteger("seq", in: "imports", "imports") ?? 0) + 1
                var stored: [ImportInfo] = []
                for var s in snapshots.sorted(by: { $0.info.seq < $1.info.seq }) {
                    s.info.seq = next
                    next += 1
                    try await self.write(s)
                    stored.append(s.info)
                }
                return stored
            }
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError.queryFailed(operation: "import", reason: String(reflecting: error))
        }
    }

    private func write(_ s: SnapshotWrite) async throws {
        let i = s.info
        try await db.insert(into: "imports")
            .columns("id", "seq", "uai", "source", "school_year", "export_date", "format_version", "file_name",
                     "file_sha256", "imported_at", "imported_on", "record_count")
            .values(i.id, i.seq, i.uai.code, i.source.rawValue, i.schoolYear?.startYear, i.exportDate?.description,
                    i.formatVersion, i.fileName, i.fileSHA256, i.importedAt, i.importedOn?.description, i.recordCount)
            .run()
        let newPersons = s.persons.filter(\.isNew).map(\.person)
        // A newcomer whose source id a known person still holds (an ELEVE_ID the base gave again,
        // see `IdentityResolver.reusedSourceID`): the id goes to the newcomer, the other person
        // keeps their row under a name no export can give (`<id>#<person>`), so the next export
        // with that id finds the newcomer and never the person who left.
        // One statement per few hundred newcomers (a set, not a statement each: an import of
        // 1,700 people was 1,700 round trips through the driver here).
        let bySchoolAndSource = Dictionary(grouping: newPersons) { "\($0.uai.code)|\($0.source.rawValue)" }
        for key in bySchoolAndSource.keys.sorted() {
            for chunk in Self.chunks(bySchoolAndSource[key]!, 300) {
                guard let first = chunk.first else { continue }
                var sql: SQLQueryString = "UPDATE persons SET source_id = source_id || '#' || id WHERE uai = \(bind: first.uai.code) AND source = \(bind: first.source.rawValue) AND source_id IN "
                sql.appendInterpolation(Self.list(chunk.map(\.sourceID)))
                sql.appendLiteral(" AND id NOT IN ")
                sql.appendInterpolation(Self.list(chunk.map(\.id)))
                try await db.raw(sql).run()
            }
        }
        try await insertRows("persons",
            columns: ["id", "uai", "source", "source_id", "kind", "ine", "family_name", "usage_name", "first_name",
                      "birth_date", "first_import", "last_import"],
            rows: newPersons.map { p in
                [p.id, p.uai.code, p.source.rawValue, p.sourceID, p.kind.rawValue, p.ine, p.name.familyName,
                 p.name.usageName, p.name.firstName, p.birthDate?.description, i.id, i.id]
            })
        // Known people: their newest names and ids, then their INEs, each step one statement per
        // few hundred people (`UPDATE … FROM (VALUES …)`, which SQLite and PostgreSQL both read).
        // INEs move last, in two steps, so that the unique index never sees two holders at once.
        let known = s.persons.filter { !$0.isNew }.map(\.person)
        for chunk in Self.chunks(known, 200) {
            var sql: SQLQueryString = """
                UPDATE persons SET source_id = v.column2, kind = v.column3, family_name = v.column4, usage_name = v.column5,
                first_name = v.column6, birth_date = v.column7, last_import = v.column8 FROM
                """
            sql.appendInterpolation(Self.values(chunk.map { p in
                [p.id, p.sourceID, p.kind.rawValue, p.name.familyName, p.name.usageName, p.name.firstName, p.birthDate?.description, i.id]
            }))
            sql.appendLiteral(" AS v WHERE persons.id = v.column1")
            try await db.raw(sql).run()
        }
        for chunk in Self.chunks(known, 300) {
            var sql: SQLQueryString = "UPDATE persons SET ine = NULL FROM "
            sql.appendInterpolation(Self.values(chunk.map { [$0.id, $0.ine ?? ""] }))
            sql.appendLiteral(" AS v WHERE persons.id = v.column1 AND persons.ine IS NOT NULL AND persons.ine <> v.column2")
            try await db.raw(sql).run()
        }
        for chunk in Self.chunks(known.filter { $0.ine != nil }, 300) {
            var sql: SQLQueryString = "UPDATE persons SET ine = v.column2 FROM "
            sql.appendInterpolation(Self.values(chunk.map { [$0.id, $0.ine] }))
            sql.appendLiteral(" AS v WHERE persons.id = v.column1")
            try await db.raw(sql).run()
        }
        try await insertRows("snapshot_people",
            columns: ["import_id", "person_id", "kind", "source_id", "family_name", "usage_name", "first_name",
                      "division", "has_left", "entry_date", "leaving_date", "mef", "function", "email", "line"],
            rows: s.people.map { p in
                [i.id, p.personID, p.kind.rawValue, p.sourceID, p.name.familyName, p.name.usageName, p.name.firstName,
                 p.division, p.hasLeft ? 1 : 0, p.entryDate?.description, p.leavingDate?.description, p.mef,
                 p.function, p.email, p.line]
            })
        var memberships: [[any Encodable & Sendable]] = []
        for p in s.people {
            if let d = p.division { memberships.append([i.id, p.personID, d, StructureKind.division.rawValue]) }
            for g in p.groups { memberships.append([i.id, p.personID, g, StructureKind.group.rawValue]) }
        }
        try await insertRows("snapshot_memberships",
            columns: ["import_id", "person_id", "structure_code", "structure_kind"], rows: memberships)
        try await insertRows("snapshot_structures", columns: ["import_id", "code", "kind", "label", "divisions"],
            rows: s.structures.map { [i.id, $0.code, $0.kind.rawValue, $0.label, Self.encodeList($0.divisions)] })
        try await insertRows("snapshot_subjects",
            columns: ["import_id", "code", "management_code", "short_label", "long_label"],
            rows: s.subjects.map { [i.id, $0.code, $0.managementCode, $0.shortLabel, $0.longLabel] })
        try await insertRows("snapshot_services",
            columns: ["import_id", "structure_code", "structure_kind", "subject_code", "course_mode", "teacher_id"],
            rows: s.services.map { [i.id, $0.service.structureCode, $0.service.structureKind.rawValue,
                                    $0.service.subjectCode, $0.service.courseMode, $0.teacherID] })
        try await insertRows("snapshot_guardians",
            columns: ["import_id", "parent_id", "student_source_id", "relation_code", "legal_level"],
            rows: s.guardians.map { [i.id, $0.parentID, $0.link.studentSourceID, $0.link.relationCode, $0.link.legalLevel] })
        try await insertRows("import_notices", columns: ["import_id", "code", "french", "english", "file", "line"],
            rows: s.notices.map { [i.id, $0.code.rawValue, $0.french, $0.english, $0.location?.file, $0.location?.line] })
    }

    static func chunks<T>(_ items: [T], _ size: Int) -> [ArraySlice<T>] {
        stride(from: 0, to: items.count, by: size).map { items[$0..<min($0 + size, items.count)] }
    }

    /// `(?, ?, …)`: each value bound, never spliced into the SQL.
    static func list(_ values: [String]) -> SQLQueryString {
        var sql: SQLQueryString = "("
        for (n, v) in values.enumerated() {
            if n > 0 { sql.appendLiteral(", ") }
            sql.appendInterpolation(bind: v)
        }
        sql.appendLiteral(")")
        return sql
    }

    /// `(VALUES (?, …), (?, …))`, each value bound; its columns are `column1`, `column2`… on both
    /// backends. The first row's values are cast to text so that PostgreSQL types a column of NULLs.
    static func values(_ rows: [[String?]]) -> SQLQueryString {
        var sql: SQLQueryString = "(VALUES "
        for (r, row) in rows.enumerated() {
            sql.appendLiteral(r > 0 ? ", (" : "(")
            for (n, v) in row.enumerated() {
                if n > 0 { sql.appendLiteral(", ") }
                if r == 0 {
                    sql.appendLiteral("CAST(")
                    sql.appendInterpolation(bind: v)
                    sql.appendLiteral(" AS TEXT)")
                } else {
                    sql.appendInterpolation(bind: v)
                }
            }
            sql.appendLiteral(")")
        }
        sql.appendLiteral(")")
        return sql
    }

    /// A list in one column: codes may hold spaces but never a line break.
    static func encodeList(_ items: [String]) -> String { items.joined(separator: "\n") }
    static func decodeList(_ text: String) -> [String] { text.isEmpty ? [] : text.components(separatedBy: "\n") }

    // MARK: - Reading

    /// The next import sequence number (imports are ordered by it, not by clock).
    public func nextImportSeq() async throws -> Int {
        (try await maxInteger("seq", in: "imports", "imports") ?? 0) + 1
    }

    public func imports(uai: UAI? = nil, source: SourceKind? = nil) async throws -> [ImportInfo] {
        var sql: SQLQueryString = "SELECT * FROM imports WHERE 1 = 1"
        if let uai { sql.appendInterpolation(unsafeRaw: " AND uai = "); sql.appendInterpolation(bind: uai.code) }
        if let source { sql.appendInterpolation(unsafeRaw: " AND source = "); sql.appendInterpolation(bind: source.rawValue) }
        sql.appendInterpolation(unsafeRaw: " ORDER BY seq")
        return try await query(sql, "imports").map(Self.importInfo)
    }

    /// An earlier import of exactly this XML for the school and source, if any.
    public func importWithDigest(uai: UAI, source: SourceKind, sha256: String) async throws -> ImportInfo? {
        try await query("""
            SELECT * FROM imports WHERE uai = \(bind: uai.code) AND source = \(bind: source.rawValue)
            AND file_sha256 = \(bind: sha256) ORDER BY seq LIMIT 1
            """, "imports").first.map(Self.importInfo)
    }

    public func latestImport(uai: UAI, source: SourceKind) async throws -> ImportInfo? {
        try await imports(uai: uai, source: source).last
    }

    public func schools() async throws -> [UAI] {
        try await query("SELECT DISTINCT uai FROM imports ORDER BY uai", "schools")
            .compactMap { UAI(try $0.decode(column: "uai", as: String.self)) }
    }

    static func importInfo(_ r: any SQLRow) throws -> ImportInfo {
        ImportInfo(
            id: try r.decode(column: "id", as: String.self),
            seq: try r.decode(column: "seq", as: Int.self),
            uai: UAI(try r.decode(column: "uai", as: String.self))!,
            source: SourceKind(rawValue: try r.decode(column: "source", as: String.self)) ?? .siecleStudents,
            schoolYear: try r.decode(column: "school_year", as: Int?.self).map { SchoolYear(startYear: $0) },
            exportDate: try r.decode(column: "export_date", as: String?.self).flatMap(CivilDate.init(parsing:)),
            formatVersion: try r.decode(column: "format_version", as: String?.self),
            fileName: try r.decode(column: "file_name", as: String.self),
            fileSHA256: try r.decode(column: "file_sha256", as: String.self),
            importedAt: try r.decode(column: "imported_at", as: String.self),
            importedOn: try r.decode(column: "imported_on", as: String?.self).flatMap(CivilDate.init(parsing:)),
            recordCount: try r.decode(column: "record_count", as: Int.self))
    }

    /// For everyone of the school ever present in an export of `source`: the import (its seq) of
    /// the newest export that had them present, departed ones excluded.
    public func lastPresence(uai: UAI, source: SourceKind) async throws -> [String: Int] {
        let rows = try await query("""
            SELECT sp.person_id AS person_id, MAX(i.seq) AS last_seq FROM snapshot_people sp JOIN imports i ON i.id = sp.import_id
            WHERE i.uai = \(bind: uai.code) AND i.source = \(bind: source.rawValue) AND sp.has_left = 0
            GROUP BY sp.person_id
            """, "presence")
        var out: [String: Int] = [:]
        for r in rows { out[try r.decode(column: "person_id", as: String.self)] = try r.decode(column: "last_seq", as: Int.self) }
        return out
    }

    /// People already known for a school, as identity matching sees them.
    public func knownPeople(uai: UAI) async throws -> [KnownPerson] {
        try await query("""
            SELECT id, kind, source_id, ine, first_name, birth_date FROM persons WHERE uai = \(bind: uai.code) ORDER BY id
            """, "people").map { r in
            KnownPerson(id: try r.decode(column: "id", as: String.self),
                        kind: PersonKind(rawValue: try r.decode(column: "kind", as: String.self)) ?? .staff,
                        sourceID: try r.decode(column: "source_id", as: String.self),
                        ine: try r.decode(column: "ine", as: String?.self),
                        firstName: try r.decode(column: "first_name", as: String.self),
                        birthDate: try r.decode(column: "birth_date", as: String?.self).flatMap(CivilDate.init(parsing:)))
        }
    }

    /// Who one import saw, with their division and groups.
    public func snapshotPeople(importID: String) async throws -> [SnapshotPerson] {
        var groups: [String: [String]] = [:]
        for r in try await query("""
            SELECT person_id, structure_code FROM snapshot_memberships
            WHERE import_id = \(bind: importID) AND structure_kind = 'group'
            """, "snapshot") {
            groups[try r.decode(column: "person_id", as: String.self), default: []]
                .append(try r.decode(column: "structure_code", as: String.self))
        }
        return try await query("""
            SELECT * FROM snapshot_people WHERE import_id = \(bind: importID) ORDER BY line, person_id
            """, "snapshot").map { r in
            let id = try r.decode(column: "person_id", as: String.self)
            return SnapshotPerson(
                personID: id,
                kind: PersonKind(rawValue: try r.decode(column: "kind", as: String.self)) ?? .staff,
                sourceID: try r.decode(column: "source_id", as: String.self),
                name: PersonName(familyName: try r.decode(column: "family_name", as: String.self),
                                 usageName: try r.decode(column: "usage_name", as: String?.self),
                                 firstName: try r.decode(column: "first_name", as: String.self)),
                division: try r.decode(column: "division", as: String?.self),
                groups: (groups[id] ?? []).sorted(),
                hasLeft: try r.decode(column: "has_left", as: Int.self) != 0,
                entryDate: try r.decode(column: "entry_date", as: String?.self).flatMap(CivilDate.init(parsing:)),
                leavingDate: try r.decode(column: "leaving_date", as: String?.self).flatMap(CivilDate.init(parsing:)),
                mef: try r.decode(column: "mef", as: String?.self),
                function: try r.decode(column: "function", as: String?.self),
                email: try r.decode(column: "email", as: String?.self),
                line: try r.decode(column: "line", as: Int.self))
        }
    }

    public func structures(importID: String) async throws -> [StructureRecord] {
        try await query("""
            SELECT * FROM snapshot_structures WHERE import_id = \(bind: importID) ORDER BY kind, code
            """, "structures").map { r in
            StructureRecord(code: try r.decode(column: "code", as: String.self),
                            kind: StructureKind(rawValue: try r.decode(column: "kind", as: String.self)) ?? .group,
                            label: try r.decode(column: "label", as: String?.self),
                            divisions: Self.decodeList(try r.decode(column: "divisions", as: String.self)),
                            mefs: [], location: SourceLocation(file: "", line: 0))
        }
    }

    public func subjects(importID: String) async throws -> [SubjectRecord] {
        try await query("""
            SELECT * FROM snapshot_subjects WHERE import_id = \(bind: importID) ORDER BY code
            """, "subjects").map { r in
            SubjectRecord(code: try r.decode(column: "code", as: String.self),
                          managementCode: try r.decode(column: "management_code", as: String?.self),
                          shortLabel: try r.decode(column: "short_label", as: String?.self),
                          longLabel: try r.decode(column: "long_label", as: String?.self))
        }
    }

    public func services(importID: String) async throws -> [SnapshotService] {
        try await query("""
            SELECT s.*, p.source_id FROM snapshot_services s JOIN persons p ON p.id = s.teacher_id
            WHERE s.import_id = \(bind: importID)
            ORDER BY s.structure_code, s.subject_code, p.source_id
            """, "services").map { r in
            SnapshotService(service: TeachingService(
                structureCode: try r.decode(column: "structure_code", as: String.self),
                structureKind: StructureKind(rawValue: try r.decode(column: "structure_kind", as: String.self)) ?? .group,
                subjectCode: try r.decode(column: "subject_code", as: String.self),
                courseMode: try r.decode(column: "course_mode", as: String?.self),
                teacherSourceID: try r.decode(column: "source_id", as: String.self)),
                teacherID: try r.decode(column: "teacher_id", as: String.self))
        }
    }

    public func guardians(importID: String) async throws -> [SnapshotGuardian] {
        try await query("""
            SELECT * FROM snapshot_guardians WHERE import_id = \(bind: importID) ORDER BY parent_id, student_source_id
            """, "guardians").map { r in
            SnapshotGuardian(parentID: try r.decode(column: "parent_id", as: String.self),
                             link: GuardianLink(studentSourceID: try r.decode(column: "student_source_id", as: String.self),
                                                relationCode: try r.decode(column: "relation_code", as: String?.self),
                                                legalLevel: try r.decode(column: "legal_level", as: String?.self)))
        }
    }

    public func notices(importID: String) async throws -> [ImportNotice] {
        try await query("SELECT * FROM import_notices WHERE import_id = \(bind: importID)", "notices").map { r in
            let file = try r.decode(column: "file", as: String?.self)
            let line = try r.decode(column: "line", as: Int?.self)
            return ImportNotice(ImportNotice.Code(rawValue: try r.decode(column: "code", as: String.self)) ?? .alreadyImported,
                                french: try r.decode(column: "french", as: String.self),
                                english: try r.decode(column: "english", as: String.self),
                                location: file.map { SourceLocation(file: $0, line: line ?? 0) })
        }
    }

    /// Row counts of every table, to prove that a refused import left the store as it was.
    public func tableCounts() async throws -> [String: Int] {
        var counts: [String: Int] = [:]
        for t in ["imports", "persons", "snapshot_people", "snapshot_memberships", "snapshot_structures",
                  "snapshot_subjects", "snapshot_services", "snapshot_guardians", "import_notices"] {
            let rows = try await query("SELECT COUNT(*) AS n FROM \(unsafeRaw: t)", "count")
            counts[t] = try rows.first?.decode(column: "n", as: Int.self) ?? 0
        }
        return counts
    }
}

extension Store {
    /// Every person known from the imports, optionally of one school.
    public func persons(uai: UAI? = nil) async throws -> [StoredPerson] {
        var sql: SQLQueryString = "SELECT * FROM persons"
        if let uai { sql.appendInterpolation(unsafeRaw: " WHERE uai = "); sql.appendInterpolation(bind: uai.code) }
        sql.appendInterpolation(unsafeRaw: " ORDER BY uai, kind, family_name, first_name, source_id")
        return try await query(sql, "persons").map { r in
            StoredPerson(
                id: try r.decode(column: "id", as: String.self),
                uai: UAI(try r.decode(column: "uai", as: String.self))!,
                source: SourceKind(rawValue: try r.decode(column: "source", as: String.self)) ?? .sts,
                sourceID: try r.decode(column: "source_id", as: String.self),
                kind: PersonKind(rawValue: try r.decode(column: "kind", as: String.self)) ?? .staff,
                ine: try r.decode(column: "ine", as: String?.self),
                name: PersonName(familyName: try r.decode(column: "family_name", as: String.self),
                                 usageName: try r.decode(column: "usage_name", as: String?.self),
                                 firstName: try r.decode(column: "first_name", as: String.self)),
                birthDate: try r.decode(column: "birth_date", as: String?.self).flatMap(CivilDate.init(parsing:)))
        }
    }
}
