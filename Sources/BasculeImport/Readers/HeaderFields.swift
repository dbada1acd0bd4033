import BasculeDomain

/// `PARAMETRES`, common to every export: the school (`UAJ`), the school year and the export date.
/// SIECLE writes `<UAJ>0860001X</UAJ>`; STS-Web `<UAJ CODE="0860001X">` and
/// `<ANNEE_SCOLAIRE ANNEE="2026">`: both are read.
struct HeaderFields {
    var uai: String?
    var year: String?
    var exportDate: String?
    var line = 1

    mutating func start(_ name: String, attributes: [String: String], path: [String], line: Int) {
        guard path.count == 3, path[1] == "PARAMETRES" else {
            if path.count == 2, path[1] == "PARAMETRES" { self.line = line }
            return
        }
        if name == "UAJ", let code = attributes["CODE"] { uai = code }
        if name == "ANNEE_SCOLAIRE", let y = attributes["ANNEE"] { year = y }
    }

    mutating func end(_ name: String, text: String, path: [String]) {
        guard path.count == 3, path[1] == "PARAMETRES", !text.isEmpty else { return }
        switch name {
        case "UAJ": if uai == nil { uai = text }
        case "ANNEE_SCOLAIRE": if year == nil { year = text }
        case "DATE_EXPORT": exportDate = text
        default: break
        }
    }

    func header(source: SourceKind, version: String?, file: String) throws(ImportError) -> ExportHeader {
        guard let raw = uai, !raw.trimmingSpaces.isEmpty else {
            throw .missingField(file: file, line: line, record: "PARAMETRES", field: "UAJ")
        }
        guard let code = UAI(raw) else {
            throw .invalidValue(file: file, line: line, record: "PARAMETRES", field: "UAJ", value: raw)
        }
        var schoolYear: SchoolYear?
        if let y = year {
            guard let sy = SchoolYear(parsing: y) else {
                throw .invalidValue(file: file, line: line, record: "PARAMETRES", field: "ANNEE_SCOLAIRE", value: y)
            }
            schoolYear = sy
        }
        var date: CivilDate?
        if let d = exportDate {
            // HORODATAGE-like values carry a time after the date: keep the day.
            let day = String(d.prefix { $0 != " " })
            guard let cd = CivilDate(parsing: day) else {
                throw .invalidValue(file: file, line: line, record: "PARAMETRES", field: "DATE_EXPORT", value: d)
            }
            date = cd
        }
        return ExportHeader(source: source, uai: code, schoolYear: schoolYear, exportDate: date, formatVersion: version)
    }
}

extension PersonName {
    /// Names as SIECLE and STS-Web write them: old files have `NOM`, newer ones `NOM_DE_FAMILLE`
    /// and `NOM_USAGE`; STS-Web has `NOM_PATRONYMIQUE` and `NOM_USAGE`.
    static func read(_ r: RecordFields, file: String, record: String) throws(ImportError) -> PersonName {
        guard let family = r.value("NOM_DE_FAMILLE") ?? r.value("NOM") ?? r.value("NOM_PATRONYMIQUE") ?? r.value("NOM_USAGE") else {
            throw .missingField(file: file, line: r.line, record: record, field: "NOM_DE_FAMILLE")
        }
        let first = try r.required("PRENOM", file: file, record: record)
        return PersonName(familyName: family, usageName: r.value("NOM_USAGE"), firstName: first,
                          otherFirstNames: [r.value("PRENOM2"), r.value("PRENOM3")].compactMap { $0 })
    }
}

extension ImportNotice {
    static func placeholder(_ name: PersonName, record: String, at location: SourceLocation) -> ImportNotice {
        ImportNotice(.placeholderInName,
                     french: "\(record) : le nom « \(name.full) » contient « ? » (caractère que SIECLE n'a pas su écrire) ; conservé tel quel, à corriger dans la source.",
                     english: "\(record): name '\(name.full)' holds '?' placeholders; kept as is, to be fixed at the source.",
                     location: location)
    }
}
