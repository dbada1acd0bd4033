import BasculeDomain

/// Reads `BEE_RESPONSABLES`: the persons (`PERSONNE`) and their links to students
/// (`RESPONSABLE_ELEVE`), in both the old (`RESP_LEGAL`) and new (`NIVEAU_RESPONSABILITE`) forms.
/// Addresses and phone numbers are never kept.
final class SieclePersonsReader: ExportElementHandler {
    private let file: String
    private let version: String?
    private var header = HeaderFields()
    private var current: RecordFields?
    private var ids = UniqueIDs()
    private var parents: [ParentRecord] = []
    private var links: [(personID: String, link: GuardianLink, line: Int)] = []
    private var notices: [ImportNotice] = []

    init(file: String, version: String?) {
        self.file = file
        self.version = version
    }

    func start(_ name: String, attributes: [String: String], path: [String], line: Int) throws(ImportError) {
        header.start(name, attributes: attributes, path: path, line: line)
        guard path.count == 4, path[1] == "DONNEES" else { return }
        if (path[2] == "PERSONNES" && name == "PERSONNE") || (path[2] == "RESPONSABLES" && name == "RESPONSABLE_ELEVE") {
            current = RecordFields(element: name, attributes: attributes, line: line, depth: 4)
        }
    }

    func end(_ name: String, text: String, path: [String], line: Int) throws(ImportError) {
        header.end(name, text: text, path: path)
        // Tested with `!= nil`, bound only when the record ends (a binding copies it).
        guard current != nil else { return }
        if path.count == 4, let r = current {
            current = nil
            if name == "PERSONNE" { try finishPerson(r) } else { try finishLink(r) }
        } else {
            current?.collect(name, text: text, path: path)
        }
    }

    private func finishPerson(_ r: RecordFields) throws(ImportError) {
        let record = r.label(idAttribute: "PERSONNE_ID")
        guard let id = r.attribute("PERSONNE_ID") else {
            throw .missingField(file: file, line: r.line, record: record, field: "PERSONNE_ID")
        }
        try ids.insert(id, line: r.line, file: file, record: record, field: "PERSONNE_ID")
        let name = try PersonName.read(r, file: file, record: record)
        let location = SourceLocation(file: file, line: r.line)
        if name.hasPlaceholder { notices.append(.placeholder(name, record: record, at: location)) }
        parents.append(ParentRecord(sourceID: id, civility: r.value("LC_CIVILITE"), name: name,
                                    email: r.value("MEL"), links: [], location: location))
    }

    private func finishLink(_ r: RecordFields) throws(ImportError) {
        let record = "RESPONSABLE_ELEVE"
        let student = try r.required("ELEVE_ID", file: file, record: record)
        let person = try r.required("PERSONNE_ID", file: file, record: record)
        let link = GuardianLink(studentSourceID: student, relationCode: r.value("CODE_PARENTE"),
                                legalLevel: r.value("NIVEAU_RESPONSABILITE") ?? r.value("RESP_LEGAL"))
        links.append((person, link, r.line))
    }

    func finish() throws(ImportError) -> SieclePersonsExport {
        let header = try header.header(source: .sieclePersons, version: version, file: file)
        let index = Dictionary(uniqueKeysWithValues: parents.enumerated().map { ($1.sourceID, $0) })
        for l in links {
            guard let i = index[l.personID] else {
                throw .danglingReference(file: file, line: l.line,
                                         record: "RESPONSABLE_ELEVE ELEVE_ID=\(l.link.studentSourceID)",
                                         reference: "la personne PERSONNE_ID=\(l.personID)")
            }
            if !parents[i].links.contains(l.link) { parents[i].links.append(l.link) }
        }
        return SieclePersonsExport(header: header, parents: parents, notices: notices)
    }
}
