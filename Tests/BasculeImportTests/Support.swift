import BasculeDomain
import BasculeImport
import Foundation
import Testing

func fixture(_ name: String) -> URL {
    Bundle.module.url(forResource: "Fixtures", withExtension: nil)!.appendingPathComponent(name)
}

func students(_ e: ParsedExport) throws -> SiecleStudentsExport {
    guard case .students(let s) = e else { throw Failure("expected a students export, got \(e.header.source)") }
    return s
}

func sts(_ e: ParsedExport) throws -> STSExport {
    guard case .sts(let s) = e else { throw Failure("expected an STS export, got \(e.header.source)") }
    return s
}

func persons(_ e: ParsedExport) throws -> SieclePersonsExport {
    guard case .persons(let s) = e else { throw Failure("expected a responsables export, got \(e.header.source)") }
    return s
}

struct Failure: Error, CustomStringConvertible {
    let description: String
    init(_ d: String) { description = d }
}

/// Reads `url` and returns the error it was refused with, or fails the test.
func refusal(_ url: URL, sourceLocation: SourceLocation = #_sourceLocation) -> ImportError? {
    do {
        let e = try ExportReader().read(url)
        Issue.record("expected a refusal, read \(e.recordCount) records", sourceLocation: sourceLocation)
        return nil
    } catch {
        return error
    }
}

/// A minimal students export around `body` (the content of ELEVES) and `structures`.
func studentsXML(body: String, structures: String = "", uai: String = "0860001X", encoding: String = "UTF-8") -> String {
    """
    <?xml version="1.0" encoding="\(encoding)"?>
    <BEE_ELEVES VERSION="3.1">
      <PARAMETRES>
        <UAJ>\(uai)</UAJ>
        <ANNEE_SCOLAIRE>2026</ANNEE_SCOLAIRE>
      </PARAMETRES>
      <DONNEES>
        <ELEVES>
    \(body)
        </ELEVES>
        <STRUCTURES>
    \(structures)
        </STRUCTURES>
      </DONNEES>
    </BEE_ELEVES>

    """
}

func student(_ id: String, first: String = "Léa", family: String = "DUPONT", birth: String = "01/02/2014",
             ine: String? = nil) -> String {
    """
          <ELEVE ELEVE_ID="\(id)">
            \(ine.map { "<ID_NATIONAL>\($0)</ID_NATIONAL>" } ?? "")
            <NOM_DE_FAMILLE>\(family)</NOM_DE_FAMILLE>
            <PRENOM>\(first)</PRENOM>
            <DATE_NAISS>\(birth)</DATE_NAISS>
          </ELEVE>
    """
}

typealias SourceLocation = Testing.SourceLocation
