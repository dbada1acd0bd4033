import BasculeDomain
import BasculeGenerator
import BasculeImport
import Foundation
import Testing
import ZIPFoundation

@Suite("Generated files")
struct GeneratorFilesTests {
    @Test("Same seed, same bytes; another seed, other bytes")
    func determinism() throws {
        let a = try Scratch(), b = try Scratch(), c = try Scratch()
        defer { a.remove(); b.remove(); c.remove() }
        let first = try AcademyGenerator(options: Fixture.options).write(to: a.url)
        let second = try AcademyGenerator(options: Fixture.options).write(to: b.url)
        var other = Fixture.options
        other.seed = 43
        let third = try AcademyGenerator(options: other).write(to: c.url)

        #expect(first.count == 2 * 2 * 3)
        #expect(first.map(\.url.lastPathComponent) == second.map(\.url.lastPathComponent))
        #expect(first.map(\.bytes) == second.map(\.bytes))
        for (x, y) in zip(first, second) {
            #expect(try Data(contentsOf: x.url) == Data(contentsOf: y.url), "\(x.url.lastPathComponent) differs")
        }
        // Writing an academy generated beforehand gives the same bytes as writing in one go.
        let d = try Scratch()
        defer { d.remove() }
        let fourth = try AcademyGenerator(options: Fixture.options).write(Fixture.academy, to: d.url)
        for (x, w) in zip(first, fourth) {
            #expect(try Data(contentsOf: x.url) == Data(contentsOf: w.url), "\(w.url.lastPathComponent) differs")
        }
        var differing = 0
        for (x, z) in zip(first, third) where x.kind == z.kind {
            if (try? Data(contentsOf: x.url)) != (try? Data(contentsOf: z.url)) { differing += 1 }
        }
        #expect(differing == third.count, "every file of another seed should differ")
    }

    @Test("Layout, names and order of the files")
    func layout() throws {
        let dir = try Scratch()
        defer { dir.remove() }
        let academy = Fixture.academy
        let files = try AcademyGenerator(options: Fixture.options).write(academy, to: dir.url)
        var expected: [String] = []
        for school in academy.schools {
            for y in school.years {
                let base = "\(school.uai.code)/\(y.year.startYear)/"
                expected += [base + "ExportXML_ElevesSansAdresses.zip", base + "ResponsablesSansAdresses.xml",
                             base + "sts_emp_\(school.uai.code)_\(y.year.startYear).xml"]
            }
        }
        let root = dir.url.standardizedFileURL.path + "/"
        #expect(files.map { $0.url.standardizedFileURL.path.replacingOccurrences(of: root, with: "") } == expected)
        #expect(files.map(\.kind) == Array(repeating: [SourceKind.siecleStudents, .sieclePersons, .sts], count: 4).flatMap { $0 })
        for f in files {
            let size = try FileManager.default.attributesOfItem(atPath: f.url.path)[.size] as? Int
            #expect(size == f.bytes)
        }
        // The students export is a ZIP holding ElevesSansAdresses.xml, declared ISO-8859-15.
        let archive = try Archive(url: files[0].url, accessMode: .read)
        let entries = archive.map(\.path)
        #expect(entries == ["ElevesSansAdresses.xml"])
        var xml = Data()
        _ = try archive.extract(archive["ElevesSansAdresses.xml"]!) { xml.append($0) }
        #expect(xml.starts(with: Array("<?xml version=\"1.0\" encoding=\"ISO-8859-15\"?>".utf8)))
        let sts = try Data(contentsOf: files[2].url)
        #expect(sts.starts(with: Array("<?xml version=\"1.0\" encoding=\"ISO-8859-15\"?>".utf8)))
        // Real-file noise the reader must skip.
        let text = Latin9.decode(xml)
        for piece in ["<SCOLARITE_AN_DERNIER>", "<HORODATAGE>", "<NOM_USAGE></NOM_USAGE>", "<OPTIONS>", "ELENOET=\""] {
            #expect(text.contains(piece), "missing \(piece)")
        }
    }

    @Test("Every file reads back as the generated truth")
    func readBack() throws {
        let dir = try Scratch()
        defer { dir.remove() }
        let academy = Fixture.academy
        let files = try AcademyGenerator(options: Fixture.options).write(academy, to: dir.url)
        for f in files {
            let school = try #require(academy.school(f.uai))
            let truth = try #require(school.year(f.year.startYear))
            let parsed = try ExportReader().read(f.url)
            #expect(parsed.header.source == f.kind)
            #expect(parsed.header.uai == f.uai)
            #expect(parsed.header.schoolYear == f.year)
            switch f.kind {
            case .siecleStudents:
                let e = try students(parsed)
                #expect(e.header.exportDate == truth.exportDate)
                #expect(e.header.formatVersion == "2.1")
                #expect(e.students.count == truth.students.count)
                #expect(e.students.map(\.located) == truth.students)
                #expect(e.notices.isEmpty, "\(e.notices)")
            case .sieclePersons:
                let e = try persons(parsed)
                #expect(e.header.exportDate == truth.exportDate)
                #expect(e.parents.count == truth.parents.count)
                #expect(e.parents.map(\.located) == truth.parents)
                #expect(e.notices.isEmpty, "\(e.notices)")
            case .sts:
                let e = try sts(parsed)
                #expect(e.staff.count == truth.staff.count)
                #expect(e.staff.map(\.located) == truth.staff)
                #expect(e.subjects == truth.subjects)
                #expect(e.structures.map(\.located) == truth.structures)
                #expect(e.services == truth.services)
                #expect(e.notices.isEmpty, "\(e.notices)")
                for s in e.staff { #expect(e.kind(of: s) == truth.kind(of: s)) }
            }
        }
    }

    @Test("Accents, particles, apostrophes and ligatures survive ISO-8859-15")
    func namesRoundTrip() throws {
        let dir = try Scratch()
        defer { dir.remove() }
        let academy = Fixture.academy
        let files = try AcademyGenerator(options: Fixture.options).write(academy, to: dir.url)
        for school in academy.schools {
            let year = school.years[0]
            let names = year.students.flatMap { [$0.name.familyName, $0.name.firstName] + $0.name.otherFirstNames }
            #expect(names.contains { $0.contains("Œ") || $0.contains("œ") }, "no ligature in \(school.uai)")
            #expect(names.contains { $0.contains("'") }, "no apostrophe in \(school.uai)")
            #expect(names.contains { $0.hasPrefix("DE ") || $0.hasPrefix("LE ") || $0.hasPrefix("D'") }, "no particle in \(school.uai)")
            #expect(names.contains { $0.contains("-") }, "no compound name in \(school.uai)")
            #expect(names.contains { $0.contains("é") || $0.contains("É") }, "no accent in \(school.uai)")
            #expect(year.students.allSatisfy { $0.name.familyName == $0.name.familyName.uppercased() })
            #expect(year.students.contains { $0.name.firstName != $0.name.firstName.uppercased() })

            let file = try #require(files.first { $0.uai == school.uai && $0.kind == .siecleStudents && $0.year == year.year })
            let read = try students(ExportReader().read(file.url)).students
            let byID = Dictionary(uniqueKeysWithValues: read.map { ($0.sourceID, $0.name) })
            for s in year.students where !s.name.full.allSatisfy(\.isASCII) {
                #expect(byID[s.sourceID] == s.name)
            }
        }
    }

    @Test("The encoder writes ISO-8859-15, and ? for what it cannot")
    func encoder() {
        #expect(Latin9.encode("Lecœur") == [0x4C, 0x65, 0x63, 0xBD, 0x75, 0x72])
        #expect(Latin9.encode("ŒŸ€Šš Žž") == [0xBC, 0xBE, 0xA4, 0xA6, 0xA8, 0x20, 0xB4, 0xB8])
        #expect(Latin9.encode("Hélène Müller") == [0x48, 0xE9, 0x6C, 0xE8, 0x6E, 0x65, 0x20, 0x4D, 0xFC, 0x6C, 0x6C, 0x65, 0x72])
        // Latin-1 characters Latin-9 replaced, and letters outside it.
        #expect(Latin9.encode("¤½¼") == [0x3F, 0x3F, 0x3F])
        #expect(Latin9.representable("Łukasz Nguyễn") == "?ukasz Nguy?n")
        let sample = "D'Alembert Saint-Exupéry Anaïs Maël Zoé Chloé Jean-Étienne Marie-Noëlle Œuvrard ç ÿ"
        #expect(Latin9.decode(Latin9.encode(sample)) == sample)
        #expect(Latin9.canEncode(sample))
    }
}
