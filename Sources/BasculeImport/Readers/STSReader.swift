import BasculeDomain

/// Reads STS-Web's `STS_EDT` (`sts_emp_<UAI>_<year>.xml`): subjects, individuals, divisions and
/// groups, and the services that say who teaches what to whom.
final class STSReader: ExportElementHandler {
    private let file: String
    private let version: String?
    private var header = HeaderFields()
    private var codeChecks = StructureCodeChecks()
    private var current: RecordFields?
    private var mainTeacherOf: [String] = []
    private var structure: RecordFields?
    private var memberships: [String] = []
    private var mefs: [String] = []
    private var service: (subject: String, mode: String?, line: Int)?
    private var staffIDs = UniqueIDs()
    private var structureIDs = UniqueIDs()
    private var staff: [StaffRecord] = []
    private var subjects: [SubjectRecord] = []
    private var structures: [StructureRecord] = []
    private var services: [(TeachingService, line: Int)] = []
    private var notices: [ImportNotice] = []

    init(file: String, version: String?) {
        self.file = file
        self.version = version
    }

    func start(_ name: String, attributes: [String: String], path: [String], line: Int) throws(ImportError) {
        header.start(name, attributes: attributes, path: path, line: line)
        if path.count == 4, path[1] == "NOMENCLATURES", path[2] == "MATIERES", name == "MATIERE" {
            current = RecordFields(element: name, attributes: attributes, line: line, depth: 4)
        } else if path.count == 4, path[1] == "DONNEES", path[2] == "INDIVIDUS", name == "INDIVIDU" {
            current = RecordFields(element: name, attributes: attributes, line: line, depth: 4)
            mainTeacherOf = []
        } else if path.count == 5, path[1] == "DONNEES", path[2] == "STRUCTURE", name == "DIVISION" || name == "GROUPE" {
            structure = RecordFields(element: name, attributes: attributes, line: line, depth: 5)
            memberships = []
            mefs = []
        } else if let s = structure {
            let record = s.label(idAttribute: "CODE")
            switch name {
            case "MEF_APPARTENANCE": if let c = attributes["CODE"]?.trimmingSpaces, !c.isEmpty { mefs.append(c) }
            case "DIVISION_APPARTENANCE":
                guard let c = attributes["CODE"]?.trimmingSpaces, !c.isEmpty else { break }
                // The divisions a group draws from name their teams (`equipe-<division>`).
                if let problem = codeChecks.problem(c) {
                    throw .unusableCode(file: file, line: line, record: "\(record) DIVISION_APPARTENANCE", field: "CODE", value: c, problem: problem)
                }
                memberships.append(c)
            case "SERVICE":
                guard let subject = attributes["CODE_MATIERE"]?.trimmingSpaces, !subject.isEmpty else {
                    throw .missingField(file: file, line: line, record: "\(record) SERVICE", field: "CODE_MATIERE")
                }
                service = (subject, attributes["CODE_MOD_COURS"]?.trimmingSpaces, line)
            case "ENSEIGNANT":
                guard let svc = service else { break }
                guard let id = attributes["ID"]?.trimmingSpaces, !id.isEmpty else {
                    throw .missingField(file: file, line: line, record: "\(record) ENSEIGNANT", field: "ID")
                }
                let code = s.attribute("CODE") ?? ""
                services.append((TeachingService(structureCode: code, structureKind: s.element == "DIVISION" ? .division : .group,
                                                 subjectCode: svc.subject, courseMode: svc.mode, teacherSourceID: id), line))
            default: break
            }
        }
    }

    func end(_ name: String, text: String, path: [String], line: Int) throws(ImportError) {
        header.end(name, text: text, path: path)
        // Tested with `!= nil`, bound only when the record ends (a binding copies it).
        if current != nil {
            if path.count == 4, let r = current {
                current = nil
                if name == "MATIERE" { try finishSubject(r) } else { try finishIndividual(r) }
            } else if name == "CODE_STRUCTURE", path.count == 7, path[5] == "PROF_PRINC", !text.isEmpty {
                mainTeacherOf.append(text)
            } else {
                current?.collect(name, text: text, path: path)
            }
            return
        }
        guard structure != nil else { return }
        if path.count == 5, let s = structure {
            structure = nil
            try finishStructure(s)
        } else if name == "SERVICE" {
            service = nil
        } else {
            structure?.collect(name, text: text, path: path)
        }
    }

    private func finishSubject(_ r: RecordFields) throws(ImportError) {
        let record = r.label(idAttribute: "CODE")
        guard let code = r.attribute("CODE") else { throw .missingField(file: file, line: r.line, record: record, field: "CODE") }
        subjects.append(SubjectRecord(code: code, managementCode: r.value("CODE_GESTION"),
                                      shortLabel: r.value("LIBELLE_COURT"), longLabel: r.value("LIBELLE_LONG")))
    }

    private func finishIndividual(_ r: RecordFields) throws(ImportError) {
        let record = r.label(idAttribute: "ID")
        guard let id = r.attribute("ID") else { throw .missingField(file: file, line: r.line, record: record, field: "ID") }
        try staffIDs.insert(id, line: r.line, file: file, record: record, field: "INDIVIDU@ID")
        let name = try PersonName.read(r, file: file, record: record)
        let location = SourceLocation(file: file, line: r.line)
        if name.hasPlaceholder { notices.append(.placeholder(name, record: record, at: location)) }
        staff.append(StaffRecord(sourceID: id, name: name,
                                 birthDate: try r.date("DATE_NAISSANCE", file: file, record: record),
                                 civility: r.value("CIVILITE"), function: r.value("FONCTION"), grade: r.value("GRADE"),
                                 mainTeacherOf: mainTeacherOf, location: location))
    }

    private func finishStructure(_ s: RecordFields) throws(ImportError) {
        let record = s.label(idAttribute: "CODE")
        guard let code = s.attribute("CODE") else { throw .missingField(file: file, line: s.line, record: record, field: "CODE") }
        if let problem = codeChecks.problem(code) {
            throw .unusableCode(file: file, line: s.line, record: record, field: "\(s.element)@CODE", value: code, problem: problem)
        }
        try structureIDs.insert("\(s.element) \(code)", line: s.line, file: file, record: record, field: "\(s.element)@CODE")
        structures.append(StructureRecord(code: code, kind: s.element == "DIVISION" ? .division : .group,
                                          label: s.value("LIBELLE_LONG") ?? s.value("LIBELLE_COURT"),
                                          divisions: memberships, mefs: mefs,
                                          location: SourceLocation(file: file, line: s.line)))
    }

    func finish() throws(ImportError) -> STSExport {
        let header = try header.header(source: .sts, version: version, file: file)
        for (svc, line) in services where !staffIDs.contains(svc.teacherSourceID) {
            throw .danglingReference(file: file, line: line,
                                     record: "SERVICE \(svc.subjectCode) de \(svc.structureCode)",
                                     reference: "l'enseignant INDIVIDU ID=\(svc.teacherSourceID)")
        }
        return STSExport(header: header, staff: staff, subjects: subjects, structures: structures,
                         services: Array(Set(services.map(\.0))).sorted(), notices: notices)
    }
}
