import BasculeDomain
import BasculeImport
import BasculeTesting
import Foundation
import Testing
import ZIPFoundation

@Suite("Refusing bad exports with the file, line and record")
struct BadInputTests {
    let dir: TemporaryDirectory

    init() throws { dir = try TemporaryDirectory() }

    @Test("A truncated file is refused even though the parser reports success")
    func truncated() throws {
        let e = refusal(fixture("siecle-broken.xml"))
        guard case .truncated(let file, let line)? = e else { Issue.record("got \(String(describing: e))"); return }
        #expect(file == "siecle-broken.xml")
        #expect(line >= 4)
        #expect(e!.french.contains("tronqué"))
    }

    @Test("A generated export cut in the middle of a record is refused")
    func cutInTheMiddle() throws {
        let full = studentsXML(body: (1...50).map { student(String($0)) }.joined(separator: "\n"))
        let url = try dir.write("cut.xml", text: String(full.prefix(full.count / 2)))
        guard case .truncated? = refusal(url) else { Issue.record("not refused as truncated"); return }
    }

    @Test("Malformed XML names the line")
    func malformed() throws {
        let url = try dir.write("bad.xml", text: studentsXML(body: student("1") + "\n<ELEVE ELEVE_ID=\"2\"><PRENOM>x</NOM></ELEVE>"))
        guard case .malformed(let file, let line, _, _)? = refusal(url) else { Issue.record("not malformed"); return }
        #expect(file == "bad.xml")
        #expect(line == 15)
    }

    @Test("An unknown root element is refused, whatever the file is called")
    func unknownRoot() throws {
        let url = try dir.write("ElevesSansAdresses.xml", text: "<?xml version=\"1.0\"?>\n<BEE_NOMENCLATURES><X/></BEE_NOMENCLATURES>\n")
        #expect(refusal(url) == .unknownRoot(file: "ElevesSansAdresses.xml", element: "BEE_NOMENCLATURES"))
    }

    @Test("The same ELEVE_ID twice names both lines")
    func duplicateStudent() throws {
        let url = try dir.write("dup.xml", text: studentsXML(body: student("7") + "\n" + student("7", first: "Paul")))
        guard case .duplicateID(_, let line, let record, let field, let first)? = refusal(url) else {
            Issue.record("not a duplicate"); return
        }
        #expect(record == "ELEVE ELEVE_ID=7")
        #expect(field == "ELEVE_ID")
        #expect(first == 9)
        #expect(line == 15)
    }

    @Test("The same PERSONNE_ID or STS id twice is refused")
    func duplicatePersonAndStaff() throws {
        let resp = """
            <?xml version="1.0" encoding="UTF-8"?>
            <BEE_RESPONSABLES><PARAMETRES><UAJ>0860001X</UAJ></PARAMETRES><DONNEES><PERSONNES>
            <PERSONNE PERSONNE_ID="1"><NOM_DE_FAMILLE>A</NOM_DE_FAMILLE><PRENOM>B</PRENOM></PERSONNE>
            <PERSONNE PERSONNE_ID="1"><NOM_DE_FAMILLE>C</NOM_DE_FAMILLE><PRENOM>D</PRENOM></PERSONNE>
            </PERSONNES></DONNEES></BEE_RESPONSABLES>
            """
        guard case .duplicateID(_, 4, _, "PERSONNE_ID", 3)? = refusal(try dir.write("r.xml", text: resp)) else {
            Issue.record("duplicate PERSONNE_ID not refused"); return
        }
        let stsText = """
            <?xml version="1.0" encoding="UTF-8"?>
            <STS_EDT><PARAMETRES><UAJ CODE="0860001X"/></PARAMETRES><DONNEES><INDIVIDUS>
            <INDIVIDU ID="9"><NOM_USAGE>A</NOM_USAGE><PRENOM>B</PRENOM></INDIVIDU>
            <INDIVIDU ID="9"><NOM_USAGE>C</NOM_USAGE><PRENOM>D</PRENOM></INDIVIDU>
            </INDIVIDUS></DONNEES></STS_EDT>
            """
        guard case .duplicateID(_, 4, _, "INDIVIDU@ID", 3)? = refusal(try dir.write("s.xml", text: stsText)) else {
            Issue.record("duplicate INDIVIDU not refused"); return
        }
    }

    @Test("A missing mandatory field names the record and the field")
    func missingField() throws {
        let noFirstName = studentsXML(body: """
              <ELEVE ELEVE_ID="3">
                <NOM_DE_FAMILLE>DURAND</NOM_DE_FAMILLE>
                <PRENOM></PRENOM>
                <DATE_NAISS>01/01/2014</DATE_NAISS>
              </ELEVE>
            """)
        #expect(refusal(try dir.write("m.xml", text: noFirstName))
                == .missingField(file: "m.xml", line: 9, record: "ELEVE ELEVE_ID=3", field: "PRENOM"))
        let noUAI = studentsXML(body: student("1"), uai: "")
        guard case .missingField(_, _, "PARAMETRES", "UAJ")? = refusal(try dir.write("u.xml", text: noUAI)) else {
            Issue.record("missing UAJ not refused"); return
        }
        let noBirth = studentsXML(body: student("4", birth: ""))
        guard case .missingField(_, _, _, "DATE_NAISS")? = refusal(try dir.write("b.xml", text: noBirth)) else {
            Issue.record("missing birth date not refused"); return
        }
    }

    @Test("An impossible date is refused with its value")
    func invalidDate() throws {
        let url = try dir.write("d.xml", text: studentsXML(body: student("5", birth: "31/02/2014")))
        #expect(refusal(url) == .invalidValue(file: "d.xml", line: 9, record: "ELEVE ELEVE_ID=5", field: "DATE_NAISS", value: "31/02/2014"))
    }

    @Test("A membership pointing at a student the file does not contain is refused")
    func danglingMembership() throws {
        let url = try dir.write("g.xml", text: studentsXML(body: student("1"), structures: """
            <STRUCTURES_ELEVE ELEVE_ID="99"><STRUCTURE><CODE_STRUCTURE>6A</CODE_STRUCTURE><TYPE_STRUCTURE>D</TYPE_STRUCTURE></STRUCTURE></STRUCTURES_ELEVE>
            """))
        guard case .danglingReference(_, let line, let record, _)? = refusal(url) else { Issue.record("not refused"); return }
        #expect(record == "STRUCTURES_ELEVE ELEVE_ID=99")
        #expect(line == 17)
    }

    @Test("A class or group code that would name a role, a team, a subject, a system group, a path or an option is refused with the file, the line and the code",
          arguments: ["profs", "Eleves", "ÉLÈVES", "administratifs", "equipe-6A", "matiere-ANGL1", "root", "sudo", "adm", "wheel", "users",
                      "..", ".hidden", "6/A", "6A\\B", "-rf", "6A&#9;B", "6A&#xA;B", "6A\u{200B}", String(repeating: "6", count: 25)])
    func hostileStructureCode(_ code: String) throws {
        let url = try dir.write("codes.xml", text: studentsXML(body: student("1"), structures: """
            <STRUCTURES_ELEVE ELEVE_ID="1"><STRUCTURE><CODE_STRUCTURE>6A</CODE_STRUCTURE><TYPE_STRUCTURE>D</TYPE_STRUCTURE></STRUCTURE>
            <STRUCTURE><CODE_STRUCTURE>\(code)</CODE_STRUCTURE><TYPE_STRUCTURE>G</TYPE_STRUCTURE></STRUCTURE></STRUCTURES_ELEVE>
            """))
        guard case .unusableCode(let file, let line, let record, let field, _, _)? = refusal(url) else {
            Issue.record("\(code) not refused"); return
        }
        #expect(file == "codes.xml" && line == 18 && record == "STRUCTURES_ELEVE ELEVE_ID=1" && field == "CODE_STRUCTURE")
        #expect(refusal(url)?.french.contains("codes.xml, ligne 18") == true)
        #expect(refusal(url)?.french.contains("\n") == false, "a line break in a code is written out, never printed")
    }

    @Test("SIECLE's pseudo-division Inactifs and ordinary codes are read")
    func ordinaryCodes() throws {
        let url = try dir.write("ok.xml", text: studentsXML(body: student("1") + student("2"), structures: """
            <STRUCTURES_ELEVE ELEVE_ID="1"><STRUCTURE><CODE_STRUCTURE>Inactifs</CODE_STRUCTURE><TYPE_STRUCTURE>D</TYPE_STRUCTURE></STRUCTURE></STRUCTURES_ELEVE>
            <STRUCTURES_ELEVE ELEVE_ID="2"><STRUCTURE><CODE_STRUCTURE>4°1</CODE_STRUCTURE><TYPE_STRUCTURE>D</TYPE_STRUCTURE></STRUCTURE>
            <STRUCTURE><CODE_STRUCTURE>3 LAT_GR-1</CODE_STRUCTURE><TYPE_STRUCTURE>G</TYPE_STRUCTURE></STRUCTURE>
            <STRUCTURE><CODE_STRUCTURE>professeurs-bis</CODE_STRUCTURE><TYPE_STRUCTURE>G</TYPE_STRUCTURE></STRUCTURE></STRUCTURES_ELEVE>
            """))
        let e = try students(ExportReader().read(url))
        #expect(e.students.map(\.division) == ["Inactifs", "4°1"])
        #expect(e.students[1].groups == ["3 LAT_GR-1", "professeurs-bis"])
    }

    @Test("STS-Web: a division, a group or a group's division coded like a role or a system group is refused with its line")
    func hostileSTSCodes() throws {
        func sts(_ structure: String) -> String {
            """
            <?xml version="1.0" encoding="UTF-8"?>
            <STS_EDT><PARAMETRES><UAJ CODE="0860001X"/></PARAMETRES><DONNEES><INDIVIDUS>
            <INDIVIDU ID="9"><NOM_USAGE>A</NOM_USAGE><PRENOM>B</PRENOM></INDIVIDU></INDIVIDUS>
            <STRUCTURE>
            \(structure)
            </STRUCTURE></DONNEES></STS_EDT>
            """
        }
        let division = try dir.write("d.xml", text: sts("<DIVISIONS><DIVISION CODE=\"profs\"><SERVICES/></DIVISION></DIVISIONS>"))
        guard case .unusableCode(_, 5, "DIVISION CODE=profs", "DIVISION@CODE", "profs", .roleGroup("profs"))? = refusal(division) else {
            Issue.record("division profs: \(String(describing: refusal(division)))"); return
        }
        let group = try dir.write("g.xml", text: sts("<GROUPES><GROUPE CODE=\"sudo\"><SERVICES/></GROUPE></GROUPES>"))
        guard case .unusableCode(_, 5, _, "GROUPE@CODE", "sudo", .systemGroup("sudo"))? = refusal(group) else {
            Issue.record("group sudo: \(String(describing: refusal(group)))"); return
        }
        let member = try dir.write("m.xml", text: sts("""
            <GROUPES><GROUPE CODE="4ESP1">
            <DIVISIONS_APPARTENANCE><DIVISION_APPARTENANCE CODE="../x"/></DIVISIONS_APPARTENANCE></GROUPE></GROUPES>
            """))
        guard case .unusableCode(_, 6, _, "CODE", "../x", .forbiddenCharacter("/"))? = refusal(member) else {
            Issue.record("division of a group: \(String(describing: refusal(member)))"); return
        }
    }

    @Test("A service naming a teacher the file does not contain is refused")
    func danglingTeacher() throws {
        let text = """
            <?xml version="1.0" encoding="UTF-8"?>
            <STS_EDT><PARAMETRES><UAJ CODE="0860001X"/></PARAMETRES><DONNEES><INDIVIDUS>
            <INDIVIDU ID="9"><NOM_USAGE>A</NOM_USAGE><PRENOM>B</PRENOM></INDIVIDU></INDIVIDUS>
            <STRUCTURE><DIVISIONS><DIVISION CODE="6A"><SERVICES><SERVICE CODE_MATIERE="020100">
            <ENSEIGNANTS><ENSEIGNANT ID="10"/></ENSEIGNANTS></SERVICE></SERVICES></DIVISION></DIVISIONS></STRUCTURE>
            </DONNEES></STS_EDT>
            """
        guard case .danglingReference(_, 5, _, let ref)? = refusal(try dir.write("t.xml", text: text)) else {
            Issue.record("not refused"); return
        }
        #expect(ref.contains("ID=10"))
    }

    @Test("A DOCTYPE is refused, so an external entity is never read (XXE)")
    func xxe() throws {
        let secret = try dir.write("secret.txt", text: "TOP-SECRET-VALUE")
        let text = """
            <?xml version="1.0" encoding="UTF-8"?>
            <!DOCTYPE BEE_ELEVES [ <!ENTITY xxe SYSTEM "file://\(secret.path)"> ]>
            <BEE_ELEVES><PARAMETRES><UAJ>0860001X</UAJ></PARAMETRES><DONNEES><ELEVES>
            <ELEVE ELEVE_ID="1"><NOM_DE_FAMILLE>&xxe;</NOM_DE_FAMILLE><PRENOM>A</PRENOM><DATE_NAISS>01/01/2014</DATE_NAISS></ELEVE>
            </ELEVES></DONNEES></BEE_ELEVES>
            """
        let e = refusal(try dir.write("xxe.xml", text: text))
        #expect(e == .doctypeForbidden(file: "xxe.xml", line: 2))
        #expect(!(e?.french.contains("TOP-SECRET") ?? true))
    }

    /// A students export whose `DOCTYPE` declares `e` and uses it in a first name, after a comment
    /// of `commentLines` lines (so that the DOCTYPE stands past any fixed-size look-ahead).
    func doctypeAfterComment(encoding: String, commentLines: Int) -> String {
        let comment = (1...commentLines).map { "  ligne \($0) d'un très long commentaire : élèves, classes, groupes" }.joined(separator: "\n")
        return """
            <?xml version="1.0" encoding="\(encoding)"?>
            <!--
            \(comment)
            -->
            <!DOCTYPE BEE_ELEVES [ <!ENTITY e "e"> ]>
            <BEE_ELEVES VERSION="3.1"><PARAMETRES><UAJ>0860001X</UAJ></PARAMETRES><DONNEES><ELEVES>
            <ELEVE ELEVE_ID="1"><NOM_DE_FAMILLE>MARTIN</NOM_DE_FAMILLE><PRENOM>Zo&e;</PRENOM><DATE_NAISS>01/01/2014</DATE_NAISS></ELEVE>
            </ELEVES></DONNEES></BEE_ELEVES>

            """
    }

    @Test("A DOCTYPE after a comment longer than any look-ahead is refused at its line, in UTF-8, ISO-8859-1 and ISO-8859-15",
          arguments: [("UTF-8", String.Encoding.utf8), ("ISO-8859-1", .isoLatin1), ("ISO-8859-15", .isoLatin1)])
    func doctypeAfterLongComment(_ declared: String, _ encoding: String.Encoding) throws {
        let url = try dir.write("late-doctype.xml", text: doctypeAfterComment(encoding: declared, commentLines: 400), encoding: encoding)
        #expect(try Data(contentsOf: url).count > 20_000)
        #expect(refusal(url) == .doctypeForbidden(file: "late-doctype.xml", line: 404))
    }

    @Test("A file in UTF-16, with or without a byte order mark, is refused before its DOCTYPE is read",
          arguments: [("LE", [UInt8]([0xFF, 0xFE])), ("BE", [0xFE, 0xFF]), ("LE", []), ("BE", [])])
    func doctypeInUTF16(_ endianness: String, _ bom: [UInt8]) throws {
        let text = doctypeAfterComment(encoding: "UTF-16", commentLines: 3)
        let bytes = bom + [UInt8](text.data(using: endianness == "LE" ? .utf16LittleEndian : .utf16BigEndian)!)
        let e = refusal(try dir.write("utf16.xml", bytes: bytes))
        // libxml2 detects UTF-16 from the mark or the first bytes; SIECLE never writes it.
        #expect(e == .unsupportedEncoding(file: "utf16.xml", declared: "UTF-16"), "UTF-16 \(endianness), BOM \(!bom.isEmpty)")
    }

    @Test("A DOCTYPE anywhere else than before the root is refused too, at its line")
    func doctypeInside() throws {
        let text = studentsXML(body: student("1")).replacingOccurrences(of: "<ELEVES>", with: "<ELEVES><!DOCTYPE x>")
        let e = refusal(try dir.write("inside.xml", text: text))
        #expect(e?.line == 8, "\(String(describing: e))")
    }

    @Test("An entity reference that is not one of XML's five is refused with its name and line, in a text or an attribute; never read as an empty string")
    func unknownEntity() throws {
        let inText = try dir.write("zoe.xml", text: studentsXML(body: student("1", first: "Zo&e;")))
        #expect(refusal(inText) == .entityForbidden(file: "zoe.xml", line: 12, name: "e"))
        #expect(refusal(inText)?.french.contains("« &e; »") == true)
        let inAttribute = try dir.write("id.xml", text: studentsXML(body: student("&id;")))
        #expect(refusal(inAttribute) == .entityForbidden(file: "id.xml", line: 9, name: "id"))
        let named = try dir.write("nbsp.xml", text: studentsXML(body: student("1", family: "LE&nbsp;GALL")))
        #expect(refusal(named) == .entityForbidden(file: "nbsp.xml", line: 11, name: "nbsp"))
    }

    @Test("The five predefined entities and character references are read, in texts and attributes")
    func predefinedEntities() throws {
        let url = try dir.write("ok.xml", text: studentsXML(body: student("1&amp;2", first: "Zo&#233; &amp; L&#xE9;a", family: "D&apos;ALEMBERT &lt;&gt;&quot;")))
        let e = try students(ExportReader().read(url))
        #expect(e.students.first?.sourceID == "1&2")
        #expect(e.students.first?.name.firstName == "Zoé & Léa")
        #expect(e.students.first?.name.familyName == "D'ALEMBERT <>\"")
    }

    @Test("Latin-1 bytes in a file that declares UTF-8 are refused with the line")
    func wrongEncoding() throws {
        let text = studentsXML(body: student("1", first: "Hélène"))
        let url = try dir.write("enc.xml", bytes: [UInt8](text.data(using: .isoLatin1)!))
        guard case .malformed(_, let line, _, let reason)? = refusal(url) else { Issue.record("not refused"); return }
        #expect(line == 12)
        #expect(reason.contains("encodage"))
    }

    @Test("An encoding SIECLE never writes is refused by name")
    func unsupportedEncoding() throws {
        let url = try dir.write("ebcdic.xml", text: studentsXML(body: student("1"), encoding: "EBCDIC-FR"))
        #expect(refusal(url) == .unsupportedEncoding(file: "ebcdic.xml", declared: "EBCDIC-FR"))
    }

    @Test("An empty file is refused")
    func empty() throws {
        guard case .malformed? = refusal(try dir.write("empty.xml", bytes: [])) else { Issue.record("not refused"); return }
    }

    @Test("A ZIP as SIECLE delivers it is read; errors name the file inside")
    func zip() throws {
        let inner = try dir.write("ElevesSansAdresses.xml", text: studentsXML(body: student("1") + "\n" + student("2", ine: "1111111111A")))
        let zipURL = dir.file("ExportXML_ElevesSansAdresses.zip")
        let archive = try Archive(url: zipURL, accessMode: .create)
        try archive.addEntry(with: "ElevesSansAdresses.xml", relativeTo: dir.url)
        let e = try students(ExportReader().read(zipURL))
        #expect(e.students.count == 2)
        #expect(e.students[1].location.file == "ExportXML_ElevesSansAdresses.zip!ElevesSansAdresses.xml")

        try Data(studentsXML(body: student("1") + student("1")).utf8).write(to: inner)
        let badZip = dir.file("bad.zip")
        try Archive(url: badZip, accessMode: .create).addEntry(with: "ElevesSansAdresses.xml", relativeTo: dir.url)
        #expect(refusal(badZip)?.file == "bad.zip!ElevesSansAdresses.xml")

        try dir.write("secret.txt", text: "not an export")
        let noXML = dir.file("empty.zip")
        try Archive(url: noXML, accessMode: .create).addEntry(with: "secret.txt", relativeTo: dir.url)
        #expect(refusal(noXML) == .noXMLInArchive(file: "empty.zip"))
    }

    /// A ZIP as SIECLE delivers it, around `xml` (written as `ElevesSansAdresses.xml`).
    func zipped(_ xml: String, as name: String) throws -> URL {
        let folder = dir.file("zip-\(name)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try Data(xml.utf8).write(to: folder.appendingPathComponent("ElevesSansAdresses.xml"))
        let zip = dir.file(name)
        try Archive(url: zip, accessMode: .create).addEntry(with: "ElevesSansAdresses.xml", relativeTo: folder, compressionMethod: .deflate)
        return zip
    }

    /// A valid export padded with `megabytes` MiB of empty comments: hundreds of times smaller
    /// zipped, and read without complaint by the parser once inflated.
    func bomb(megabytes: Int) -> String {
        studentsXML(body: String(repeating: "<!---->", count: (megabytes << 20) / 7) + "\n" + student("1"))
    }

    @Test("A ZIP that inflates to more than 200 times its size is refused while it is read, naming the file inside")
    func zipBomb() throws {
        let zip = try zipped(bomb(megabytes: 16), as: "bombe.zip")
        let size = Int64(try Data(contentsOf: zip).count)
        #expect(size < 100_000, "\(size) bytes")
        #expect(refusal(zip) == .tooLarge(file: "bombe.zip!ElevesSansAdresses.xml", limit: 200 * size, archiveBytes: size))
        #expect(refusal(zip)?.french.contains("bombe ZIP") == true)

        // The archive lies about the size of its file: the bytes are counted as they inflate.
        var bytes = [UInt8](try Data(contentsOf: zip))
        var patched = 0
        for i in 0..<(bytes.count - 30) {
            let signature = bytes[i..<i + 4]
            if signature.elementsEqual([0x50, 0x4B, 0x03, 0x04]) { bytes.replaceSubrange(i + 22..<i + 26, with: [0xE8, 0x03, 0, 0]); patched += 1 }
            if signature.elementsEqual([0x50, 0x4B, 0x01, 0x02]) { bytes.replaceSubrange(i + 24..<i + 28, with: [0xE8, 0x03, 0, 0]); patched += 1 }
        }
        #expect(patched == 2)
        let liar = try dir.write("menteuse.zip", bytes: bytes)
        #expect(Array(try Archive(url: liar, accessMode: .read)).first?.uncompressedSize == 1000)
        #expect(refusal(liar) == .tooLarge(file: "menteuse.zip!ElevesSansAdresses.xml", limit: 200 * size, archiveBytes: size))
    }

    @Test("A ZIP is refused past the absolute cap too, and read below both")
    func zipCap() throws {
        let body = (1...300).map { student("\($0)", first: "Prénom\($0 * 7919 % 1000)", family: "NOM\($0 * 104729 % 10000)") }.joined(separator: "\n")
        let zip = try zipped(studentsXML(body: body), as: "eleves.zip")
        #expect(try students(ExportReader().read(zip)).students.count == 300)
        let capped = ExportReader(maxExtractedBytes: 20_000)
        do {
            _ = try capped.read(zip)
            Issue.record("read past the cap")
        } catch {
            #expect(error == .tooLarge(file: "eleves.zip!ElevesSansAdresses.xml", limit: 20_000, archiveBytes: Int64(try Data(contentsOf: zip).count)))
        }
    }

    @Test("A file that is not there is refused by name")
    func missingFile() throws {
        guard case .unreadable(let f, _)? = refusal(dir.file("nowhere.xml")) else { Issue.record("not refused"); return }
        #expect(f == "nowhere.xml")
    }
}

extension ImportError? {
    var file: String? { self.map { $0.file } }
}
