import BasculeDomain
import Foundation
import ZIPFoundation

/// Writes one school year's three exports as SIECLE and STS-Web deliver them.
struct ExportWriter {
    let school: GeneratedSchool
    let details: YearDetails
    let places: [Place]

    private var year: Int { details.year }

    // MARK: Siècle-BEE students

    func studentsXML() -> [UInt8] {
        var x = XMLBuffer(capacity: 1_600 * details.students.count + 4_096)
        x.open("BEE_ELEVES", "VERSION", "2.1")
        siecleParameters(&x)
        x.open("DONNEES")
        if details.structuresFirst { studentStructures(&x) }
        x.open("ELEVES")
        for s in details.students { student(s, into: &x) }
        x.close("ELEVES")
        options(&x)
        if !details.structuresFirst { studentStructures(&x) }
        x.close("DONNEES")
        x.close("BEE_ELEVES")
        x.finish()
        return x.bytes
    }

    private func siecleParameters(_ x: inout XMLBuffer) {
        x.open("PARAMETRES")
        x.leaf("UAJ", school.uai.code)
        x.leaf("ANNEE_SCOLAIRE", String(year))
        x.leaf("DATE_EXPORT", details.exportDate.french)
        x.leaf("HORODATAGE", "\(details.exportDate.french) \(Self.clock(details.exportSeconds))")
        x.close("PARAMETRES")
    }

    static func clock(_ seconds: Int) -> String {
        let parts = [seconds / 3600, seconds / 60 % 60, seconds % 60]
        return parts.map { $0 < 10 ? "0\($0)" : String($0) }.joined(separator: ":")
    }

    private func student(_ s: StudentState, into x: inout XMLBuffer) {
        let h = stableHash(s.sourceID, UInt64(year))
        x.open("ELEVE", "ELEVE_ID", s.sourceID, "ELENOET", s.elenoet)
        x.leaf("ID_NATIONAL", ifPresent: s.ine)
        x.leaf("NOM_DE_FAMILLE", s.upper)
        x.leaf("NOM_USAGE", s.usageUpper ?? "")
        x.leaf("PRENOM", s.first)
        if !s.others.isEmpty {
            x.leaf("PRENOM2", s.others[0])
            if s.others.count > 1 { x.leaf("PRENOM3", s.others[1]) } else if h & 1 == 0 { x.leaf("PRENOM3", "") }
        }
        x.date("DATE_NAISS", s.birth)
        let place = Corpus.birthPlaces[s.birthPlace]
        x.leaf("CODE_PAYS", place.pays)
        x.leaf("CODE_DEPARTEMENT_NAISS", ifPresent: place.dept)
        x.leaf("CODE_COMMUNE_INSEE_NAISS", ifPresent: place.insee)
        x.leaf("VILLE_NAISS", ifPresent: place.ville)
        x.leaf("CODE_SEXE", String(s.sex))
        x.leaf("CODE_MEF", Level.mef[s.level])
        x.leaf("CODE_REGIME", s.regime)
        x.leaf("CODE_STATUT", "ST")
        x.date("DATE_ENTREE", s.entry)
        if let l = s.leaving {
            x.date("DATE_SORTIE", l)
            x.leaf("CODE_MOTIF_SORTIE", "DEM")
        }
        let modified = details.exportDate.adding(days: -Int(h >> 8 % 120))
        x.date("DATE_MODIFICATION", modified < s.entry ? s.entry : modified)
        let p = places[s.previous.place]
        x.open("SCOLARITE_AN_DERNIER")
        x.leaf("CODE_MEF", ifPresent: s.previous.mef)
        x.leaf("CODE_STRUCTURE", ifPresent: s.previous.division)
        x.leaf("CODE_RNE", p.uai)
        x.leaf("SIGLE", p.sigle)
        x.leaf("DENOM_PRINC", p.denomination)
        x.leaf("DENOM_COMPL", p.complement)
        x.leaf("LL_COMMUNE_INSEE", p.commune)
        x.leaf("CODE_DEPARTEMENT", p.department)
        x.close("SCOLARITE_AN_DERNIER")
        x.close("ELEVE")
    }

    /// Subjects chosen (`OPTIONS`): the reader skips them, real files have them.
    private func options(_ x: inout XMLBuffer) {
        x.open("OPTIONS")
        for s in details.students where s.leaving == nil {
            x.open("OPTION", "ELEVE_ID", s.sourceID)
            var chosen: [(String, String)] = [(Subjects.english.code, "S")]
            if s.bilingual, s.level == 0 { chosen.append((Subjects.german1.code, "S")) }
            if s.level > 0 { chosen.append((s.lv2 == .german ? Subjects.german2.code : Subjects.spanish2.code, "S")) }
            if s.latin { chosen.append((Subjects.latin.code, "F")) }
            for (n, c) in chosen.enumerated() {
                x.open("OPTIONS_ELEVE")
                x.leaf("NUM_OPTION", String(n + 1))
                x.leaf("CODE_MODALITE_ELECT", c.1)
                x.leaf("CODE_MATIERE", c.0)
                x.close("OPTIONS_ELEVE")
            }
            x.close("OPTION")
        }
        x.close("OPTIONS")
    }

    private func studentStructures(_ x: inout XMLBuffer) {
        x.open("STRUCTURES")
        for s in details.students {
            guard let division = s.division else { continue }
            x.open("STRUCTURES_ELEVE", "ELEVE_ID", s.sourceID)
            for (code, type) in [(division, "D")] + s.groups.map({ ($0, "G") }) {
                x.open("STRUCTURE")
                // Now and then a code padded with blanks, as real exports have them.
                x.leaf("CODE_STRUCTURE", stableHash(s.sourceID + code, UInt64(year)) % 23 == 0 ? code + "   " : code)
                x.leaf("TYPE_STRUCTURE", type)
                x.close("STRUCTURE")
            }
            x.close("STRUCTURES_ELEVE")
        }
        x.close("STRUCTURES")
    }

    // MARK: Siècle-BEE responsables

    func personsXML() -> [UInt8] {
        var x = XMLBuffer(capacity: 700 * details.parents.count + 250 * details.students.count + 4_096)
        x.open("BEE_RESPONSABLES", "VERSION", "2.1")
        siecleParameters(&x)
        x.open("DONNEES")
        x.open("PERSONNES")
        let mixed = details.mixedCaseParents
        for p in details.parents {
            x.open("PERSONNE", "PERSONNE_ID", p.sourceID)
            x.leaf("LC_CIVILITE", p.civility)
            x.leaf("NOM_DE_FAMILLE", mixed ? p.family : p.upper)
            x.leaf("NOM_USAGE", (mixed ? p.usage : p.usageUpper) ?? "")
            x.leaf("PRENOM", p.first)
            x.leaf("TEL_PERSONNEL", ifPresent: p.home)
            x.leaf("TEL_PORTABLE", ifPresent: p.mobile)
            x.leaf("MEL", ifPresent: p.email)
            x.leaf("ACCEPTE_SMS", p.mobile == nil ? "0" : "1")
            x.leaf("CODE_PROFESSION", p.profession)
            x.close("PERSONNE")
        }
        x.close("PERSONNES")
        x.open("RESPONSABLES")
        let relation = Dictionary(uniqueKeysWithValues: details.parents.map { ($0.sourceID, $0.relation) })
        for s in details.students {
            for (level, pid) in s.parentIDs.enumerated() {
                x.open("RESPONSABLE_ELEVE")
                x.leaf("ELEVE_ID", s.sourceID)
                x.leaf("PERSONNE_ID", pid)
                x.leaf("RESP_LEGAL", String(level + 1))
                x.leaf("CODE_PARENTE", relation[pid] ?? "90")
                x.leaf("RESP_FINANCIER", level == 0 ? "1" : "0")
                x.leaf("PERS_PAIEMENT", level == 0 ? "1" : "0")
                x.leaf("PERS_CONTACT", "1")
                x.close("RESPONSABLE_ELEVE")
            }
        }
        x.close("RESPONSABLES")
        x.close("DONNEES")
        x.close("BEE_RESPONSABLES")
        x.finish()
        return x.bytes
    }

    // MARK: STS-Web

    func stsXML() -> [UInt8] {
        var x = XMLBuffer(capacity: 900 * details.staff.count + 2_500 * details.divisions.count + 16_384)
        let from = "\(year)-09-01"
        let to = "\(year + 1)-08-31"
        x.open("STS_EDT")
        x.open("PARAMETRES")
        x.open("UAJ", "CODE", school.uai.code)
        x.open("ACADEMIE")
        x.leaf("CODE", "13")
        x.leaf("LIBELLE", "POITIERS")
        x.close("ACADEMIE")
        x.leaf("SIGLE", "CLG")
        x.leaf("DENOM_PRINC", "COLLEGE")
        x.leaf("DENOM_COMPL", places.first { $0.uai == school.uai.code }?.complement ?? "")
        x.close("UAJ")
        x.open("ANNEE_SCOLAIRE", "ANNEE", String(year))
        x.leaf("DATE_DEBUT", from)
        x.leaf("DATE_FIN", to)
        x.close("ANNEE_SCOLAIRE")
        x.leaf("HORODATAGE", "\(details.stsDate.french) \(Self.clock(details.stsSeconds))")
        x.close("PARAMETRES")

        x.open("NOMENCLATURES")
        x.open("MATIERES")
        for s in Subjects.all {
            x.open("MATIERE", "CODE", s.code)
            x.leaf("CODE_GESTION", s.management)
            x.leaf("LIBELLE_COURT", s.short)
            x.leaf("LIBELLE_LONG", s.long)
            x.close("MATIERE")
        }
        x.close("MATIERES")
        x.open("MEFS")
        for level in 0..<Level.count {
            x.open("MEF", "CODE", Level.mef[level])
            x.leaf("FORMATION", Level.mefLabel[level])
            x.leaf("LIBELLE_LONG", Level.mefLabel[level])
            x.close("MEF")
        }
        x.close("MEFS")
        x.close("NOMENCLATURES")

        x.open("DONNEES")
        x.open("INDIVIDUS")
        for p in details.staff {
            x.open("INDIVIDU", "ID", p.sourceID, "TYPE", "epp")
            x.leaf("SEXE", String(p.sex))
            x.leaf("CIVILITE", p.civility)
            x.leaf("NOM_USAGE", p.usage.uppercased())
            x.leaf("NOM_PATRONYMIQUE", p.patronymic.uppercased())
            x.leaf("PRENOM", p.first)
            x.date("DATE_NAISSANCE", p.birth, french: false)
            x.leaf("GRADE", p.grade)
            x.leaf("FONCTION", p.function)
            if !p.mainTeacherOf.isEmpty {
                x.open("PROFS_PRINC")
                for code in p.mainTeacherOf {
                    x.open("PROF_PRINC")
                    x.leaf("CODE_STRUCTURE", code)
                    x.leaf("DATE_DEBUT", from)
                    x.leaf("DATE_FIN", to)
                    x.close("PROF_PRINC")
                }
                x.close("PROFS_PRINC")
            }
            if let pool = p.pool {
                let d = p.classics ? (code: "L0201", label: "LETTRES CLASSIQUES") : pool.discipline
                x.open("DISCIPLINES")
                x.open("DISCIPLINE", "CODE", d.code)
                x.leaf("LIBELLE_COURT", d.label)
                x.leaf("NB_HEURES", p.grade == "AGREGE" ? "15.00" : "18.00")
                x.close("DISCIPLINE")
                x.close("DISCIPLINES")
            } else if p.function == "DOC" {
                x.open("DISCIPLINES")
                x.open("DISCIPLINE", "CODE", "L0080")
                x.leaf("LIBELLE_COURT", "DOCUMENTATION")
                x.leaf("NB_HEURES", "30.00")
                x.close("DISCIPLINE")
                x.close("DISCIPLINES")
            }
            x.close("INDIVIDU")
        }
        x.close("INDIVIDUS")

        x.open("STRUCTURE")
        x.open("DIVISIONS")
        for d in details.divisions {
            x.open("DIVISION", "CODE", d.code)
            x.leaf("LIBELLE_LONG", d.label)
            x.leaf("EFFECTIF_PREVU", String(d.size))
            x.open("MEFS_APPARTENANCE")
            x.empty("MEF_APPARTENANCE", "CODE", Level.mef[d.level])
            x.close("MEFS_APPARTENANCE")
            services(d.services, into: &x)
            x.close("DIVISION")
        }
        x.close("DIVISIONS")
        x.open("GROUPES")
        for g in details.groups {
            x.open("GROUPE", "CODE", g.code)
            x.leaf("LIBELLE_LONG", g.label)
            x.leaf("EFFECTIF_PREVU", String(g.size))
            x.open("DIVISIONS_APPARTENANCE")
            for d in g.divisions { x.empty("DIVISION_APPARTENANCE", "CODE", d) }
            x.close("DIVISIONS_APPARTENANCE")
            services(g.services, into: &x)
            x.close("GROUPE")
        }
        x.close("GROUPES")
        x.close("STRUCTURE")
        x.close("DONNEES")
        x.close("STS_EDT")
        x.finish()
        return x.bytes
    }

    private func services(_ list: [ServiceInfo], into x: inout XMLBuffer) {
        x.open("SERVICES")
        for s in list {
            x.open("SERVICE", "CODE_MATIERE", s.subject.code, "CODE_MOD_COURS", "CG")
            x.open("ENSEIGNANTS")
            x.empty("ENSEIGNANT", "ID", s.teacher, "TYPE", "epp")
            x.close("ENSEIGNANTS")
            x.close("SERVICE")
        }
        x.close("SERVICES")
    }

    // MARK: Files

    /// Writes the three files into `<directory>/<UAI>/<year>/` and describes them.
    func write(to directory: URL) throws -> [GeneratedFile] {
        let folder = directory.appendingPathComponent(school.uai.code, isDirectory: true)
            .appendingPathComponent(String(year), isDirectory: true)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let schoolYear = SchoolYear(startYear: year)

        let zipURL = folder.appendingPathComponent("ExportXML_ElevesSansAdresses.zip")
        let stamp = Date(timeIntervalSince1970: Double(details.exportDate.dayNumber * 86_400 + details.exportSeconds))
        let zipBytes = try Self.zip(Data(studentsXML()), entry: "ElevesSansAdresses.xml", modified: stamp, to: zipURL)

        let personsURL = folder.appendingPathComponent("ResponsablesSansAdresses.xml")
        let persons = Data(personsXML())
        try persons.write(to: personsURL)

        let stsURL = folder.appendingPathComponent("sts_emp_\(school.uai.code)_\(year).xml")
        let sts = Data(stsXML())
        try sts.write(to: stsURL)

        return [
            GeneratedFile(url: zipURL, uai: school.uai, year: schoolYear, kind: .siecleStudents, bytes: zipBytes),
            GeneratedFile(url: personsURL, uai: school.uai, year: schoolYear, kind: .sieclePersons, bytes: persons.count),
            GeneratedFile(url: stsURL, uai: school.uai, year: schoolYear, kind: .sts, bytes: sts.count),
        ]
    }

    /// A ZIP holding one deflated entry, dated `modified` so that the bytes never depend on when
    /// they were written. Returns the archive's size.
    static func zip(_ data: Data, entry: String, modified: Date, to url: URL) throws -> Int {
        if FileManager.default.fileExists(atPath: url.path) { try FileManager.default.removeItem(at: url) }
        do {
            let archive = try Archive(url: url, accessMode: .create)
            try archive.addEntry(with: entry, type: .file, uncompressedSize: Int64(data.count), modificationDate: modified,
                                 permissions: 0o644, compressionMethod: .deflate, bufferSize: 1 << 18) { position, size in
                let start = Int(position)
                return data.subdata(in: start..<min(start + size, data.count))
            }
        }
        let attributes = try FileManager.default.attributesOfItem(atPath: url.path)
        return (attributes[.size] as? NSNumber)?.intValue ?? 0
    }
}
