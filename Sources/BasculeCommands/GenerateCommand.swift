import ArgumentParser
import BasculeGenerator
import Foundation

struct GenerateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Génère des exports fictifs mais réalistes (Siècle-BEE, STS-Web) de collèges, sur plusieurs années.",
        discussion: """
            Les fichiers sont écrits dans <out>/<UAI>/<année>/ : ExportXML_ElevesSansAdresses.zip,
            ResponsablesSansAdresses.xml et sts_emp_<UAI>_<année>.xml, en ISO-8859-15 comme les vrais.
            La même graine donne toujours les mêmes fichiers.
            """)

    @Option(help: "Nombre de collèges.")
    var schools: Int = 1

    @Option(help: "Nombre d'élèves par collège.")
    var students: Int = 600

    @Option(help: "Graine du générateur.")
    var seed: UInt64 = 1

    @Option(help: "Première année scolaire générée (année de la rentrée).")
    var firstYear: Int = 2025

    @Option(help: "Nombre d'années scolaires.")
    var years: Int = 2

    @Option(help: "Dossier de sortie.")
    var out: String = "./bascule-exports"

    @Option(help: "Élèves par collège qui prennent un nom d'usage chaque année après la première (leur identifiant changerait : renommage proposé).")
    var usageNameChanges: Int = 0

    func validate() throws {
        guard schools >= 1, students >= 20, years >= 1, usageNameChanges >= 0 else {
            throw ValidationError("--schools ≥ 1, --students ≥ 20, --years ≥ 1 et --usage-name-changes ≥ 0.")
        }
    }

    func run() async throws {
        let generator = AcademyGenerator(options: GeneratorOptions(
            schools: schools, studentsPerSchool: students, seed: seed, firstYear: firstYear, years: years,
            usageNameChanges: usageNameChanges))
        let files = try generator.write(to: URL(fileURLWithPath: out))
        let bytes = files.reduce(0) { $0 + $1.bytes }
        say("\(files.count) fichiers écrits dans \(out) (\(bytes / 1024) Kio) : \(schools) collège(s), \(years) année(s), \(students) élèves par collège.")
    }
}
