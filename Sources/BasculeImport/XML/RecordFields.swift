import BasculeDomain

/// The element being read as one record (an `ELEVE`, a `PERSONNE`, an `INDIVIDU`...): its
/// attributes, the line it starts on, and the text of its direct children.
struct RecordFields {
    let element: String
    let attributes: [String: String]
    let line: Int
    /// Depth of the record element in the path.
    let depth: Int
    /// Room for a record's fields from the start: growing the dictionary one field at a time
    /// (1, 2, 4, 8, 16) was a tenth of a responsables file's parse.
    var fields: [String: String] = Dictionary(minimumCapacity: 24)

    /// A direct child's text, trimmed; nil when omitted or empty (SIECLE omits null values and
    /// writes empty strings as empty elements: both mean "no value" here).
    func value(_ name: String) -> String? {
        guard let v = fields[name], !v.isEmpty else { return nil }
        return v
    }

    func attribute(_ name: String) -> String? {
        guard let v = attributes[name]?.trimmingSpaces, !v.isEmpty else { return nil }
        return v
    }

    /// How errors name the record: `ELEVE ELEVE_ID=1234`.
    func label(idAttribute: String) -> String {
        "\(element) \(idAttribute)=\(attributes[idAttribute] ?? "?")"
    }

    /// Records a direct child's text when `path` ends one level below the record.
    mutating func collect(_ name: String, text: String, path: [String]) {
        if path.count == depth + 1 { fields[name] = text }
    }

    func required(_ name: String, file: String, record: String) throws(ImportError) -> String {
        guard let v = value(name) else { throw .missingField(file: file, line: line, record: record, field: name) }
        return v
    }

    func date(_ name: String, file: String, record: String) throws(ImportError) -> CivilDate? {
        guard let raw = value(name) else { return nil }
        guard let d = CivilDate(parsing: raw) else {
            throw .invalidValue(file: file, line: line, record: record, field: name, value: raw)
        }
        return d
    }
}

/// Keeps the first line each id was seen on, to refuse duplicates with both places named.
struct UniqueIDs {
    private var firstLine: [String: Int] = [:]

    mutating func insert(_ id: String, line: Int, file: String, record: String, field: String) throws(ImportError) {
        if let first = firstLine[id] {
            throw .duplicateID(file: file, line: line, record: record, field: field, firstLine: first)
        }
        firstLine[id] = line
    }

    func contains(_ id: String) -> Bool { firstLine[id] != nil }
}

/// `StructureCodes.problem` for each distinct code once per file. The check folds every role
/// group's name for each code it is given (accents, case) and a students export repeats a school's
/// forty codes for each of its students: before this, the check was a third of a students file's
/// parse (callgrind). The answer depends on the code alone, so it is kept.
struct StructureCodeChecks {
    private var answers: [String: StructureCodeProblem?] = [:]

    mutating func problem(_ code: String) -> StructureCodeProblem? {
        if let known = answers[code] { return known }
        let answer = StructureCodes.problem(code)
        answers[code] = answer
        return answer
    }
}
