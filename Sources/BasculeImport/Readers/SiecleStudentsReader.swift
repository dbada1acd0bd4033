import BasculeDomain

/// Reads `BEE_ELEVES` (ElevesSansAdresses.xml / ElevesAvecAdresses.xml). Addresses, previous
/// schooling (`SCOLARITE_AN_DERNIER`) and other nested blocks are skipped: only the direct
/// fields of `ELEVE` are kept. Memberships live in `STRUCTURES_ELEVE`, which can come before or
/// after the students: they are joined on `ELEVE_ID` at the end.
final class SiecleStudentsReader: ExportElementHandler {
    private let file: String
    private let version: String?
    private var header = HeaderFields()
    private var codeChecks = StructureCodeChecks()
    private var current: RecordFields?
    private var structureOwner: RecordFields?
    private var structure: RecordFields?
    private var ids = UniqueIDs()
    private var partial: [StudentRecord] = []
    private var structures: [String: (division: String?, groups: Set<String>, line: Int)] = [:]
    private var notices: [ImportNotice] = []

    init(file: String, version: String?) {
        self.file = file
        self.version = version
    }

    func start(_ name: String, attributes: [String: String], path: [String], line: Int) throws(ImportError) {
        header.start(name, attributes: attributes, path: path, line: line)
        guard path.count >= 4, path[1] == "DONNEES" else { return }
        if path.count == 4, path[2] == "ELEVES", name == "ELEVE" {
            current = RecordFields(element: name, attributes: attributes, line: line, depth: 4)
        } else if path.count == 4, path[2] == "STRUCTURES", name == "STRUCTURES_ELEVE" {
            structureOwner = RecordFields(element: name, attributes: attributes, line: line, depth: 4)
        } else if path.count == 5, name == "STRUCTURE", structureOwner != nil {
            structure = RecordFields(element: name, attributes: attributes, line: line, depth: 5)
        }
    }

    func end(_ name: String, text: String, path: [String], line: Int) throws(ImportError) {
        header.end(name, text: text, path: path)
        // Mutated in place (`current?.collect`): copying the record out and back would copy its
        // fields on every element.
        // Tested with `!= nil`, never bound (`if let`), until the record ends: a binding copies
        // the record, and retains and releases its fields, at every element.
        if current != nil {
            if path.count == 4 && name == "ELEVE", let r = current {
                current = nil
                try finishStudent(r)
            } else {
                current?.collect(name, text: text, path: path)
            }
            return
        }
        if structure != nil {
            if path.count == 5 && name == "STRUCTURE", let s = structure {
                structure = nil
                try finishStructure(s)
            } else {
                structure?.collect(name, text: text, path: path)
            }
            return
        }
        if path.count == 4 && name == "STRUCTURES_ELEVE" { structureOwner = nil }
    }

    private func finishStudent(_ r: RecordFields) throws(ImportError) {
        let record = r.label(idAttribute: "ELEVE_ID")
        guard let id = r.attribute("ELEVE_ID") else {
            throw .missingField(file: file, line: r.line, record: record, field: "ELEVE_ID")
        }
        try ids.insert(id, line: r.line, file: file, record: record, field: "ELEVE_ID")
        let name = try PersonName.read(r, file: file, record: record)
        guard let birth = try r.date("DATE_NAISS", file: file, record: record) else {
            throw .missingField(file: file, line: r.line, record: record, field: "DATE_NAISS")
        }
        let location = SourceLocation(file: file, line: r.line)
        if name.hasPlaceholder { notices.append(.placeholder(name, record: record, at: location)) }
        partial.append(StudentRecord(
            sourceID: id, ine: r.value("ID_NATIONAL")?.uppercased(), elenoet: r.attribute("ELENOET"), name: name,
            birthDate: birth, sex: r.value("CODE_SEXE"), mef: r.value("CODE_MEF"),
            entryDate: try r.date("DATE_ENTREE", file: file, record: record),
            leavingDate: try r.date("DATE_SORTIE", file: file, record: record),
            division: nil, groups: [], location: location))
    }

    private func finishStructure(_ s: RecordFields) throws(ImportError) {
        guard let owner = structureOwner else { return }
        let record = owner.label(idAttribute: "ELEVE_ID")
        guard let id = owner.attribute("ELEVE_ID") else {
            throw .missingField(file: file, line: owner.line, record: record, field: "ELEVE_ID")
        }
        let code = try s.required("CODE_STRUCTURE", file: file, record: record)
        let type = try s.required("TYPE_STRUCTURE", file: file, record: record).uppercased()
        // `Inactifs` is SIECLE's own pseudo-division for students who left: it names no group.
        if code != inactiveDivisionCode, let problem = codeChecks.problem(code) {
            throw .unusableCode(file: file, line: s.line, record: record, field: "CODE_STRUCTURE", value: code, problem: problem)
        }
        var entry = structures[id] ?? (nil, [], owner.line)
        switch type {
        case "D": if entry.division == nil || entry.division == inactiveDivisionCode { entry.division = code }
        case "G": entry.groups.insert(code)
        default: throw .invalidValue(file: file, line: s.line, record: record, field: "TYPE_STRUCTURE", value: type)
        }
        structures[id] = entry
    }

    func finish() throws(ImportError) -> SiecleStudentsExport {
        let header = try header.header(source: .siecleStudents, version: version, file: file)
        for (id, s) in structures.sorted(by: { $0.value.line < $1.value.line }) where !ids.contains(id) {
            throw .danglingReference(file: file, line: s.line, record: "STRUCTURES_ELEVE ELEVE_ID=\(id)",
                                     reference: "l'élève ELEVE_ID=\(id)")
        }
        var students = partial
        for i in students.indices {
            guard let s = structures[students[i].sourceID] else { continue }
            students[i].division = s.division
            students[i].groups = s.groups.sorted()
        }
        if !students.isEmpty, structures.values.allSatisfy({ $0.groups.isEmpty }) {
            notices.append(ImportNotice(.noGroups,
                french: "Aucun groupe dans cet export : normal tant que les liens élèves/groupes n'ont pas été remontés dans Siècle-BEE depuis l'emploi du temps.",
                english: "No groups in this export: expected until the student-group links are sent back to SIECLE from the timetable."))
        }
        return SiecleStudentsExport(header: header, students: students, notices: notices)
    }
}
