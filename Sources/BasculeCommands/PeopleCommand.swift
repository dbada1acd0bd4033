import ArgumentParser
import BasculeApp
import BasculeDomain
import BasculeStore

struct PeopleCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "people",
        abstract: "Liste les personnes connues par les imports (élèves, enseignants, personnels, responsables).")

    @OptionGroup var options: DataOptions

    @Option(help: "Seulement cet établissement (UAI).")
    var school: UAI?

    @Option(help: "Seulement ce type : student, teacher, staff, parent.")
    var kind: PersonKind?

    @Flag(help: "Un tableau JSON, un objet par personne.")
    var json = false

    func run() async throws {
        try await reportingErrors {
            let people = try await options.withStore { store in
                try await PeopleQuery(store: store).people(uai: school, kind: kind)
            }
            if json {
                say(try renderJSON(people))
                return
            }
            if people.isEmpty { say("Aucune personne : importez d'abord des exports (bascule import).") }
            for p in people {
                let place = p.division ?? (p.kind == .parent ? "" : "—")
                let groups = p.groups.isEmpty ? "" : " [\(p.groups.joined(separator: ", "))]"
                say("\(p.uai)  \(p.kind.french.padding(toLength: 11, withPad: " ", startingAt: 0)) \(p.lastName.uppercased()) \(p.firstName)  \(place)\(groups)  (\(p.status.rawValue))")
            }
        }
    }
}
