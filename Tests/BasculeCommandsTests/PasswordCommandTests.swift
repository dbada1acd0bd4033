import BasculeCommands
import BasculeDomain
import BasculeTesting
import Foundation
import Testing

@Suite("bascule password")
struct PasswordCommandTests {
    let dir: TemporaryDirectory
    init() throws { dir = try TemporaryDirectory() }

    /// Runs `bascule password …` with `typed` on its standard input.
    func password(_ arguments: [String], typing typed: String) async -> CommandResult {
        await Input.$current.withValue(.text(typed)) {
            await bascule(["password"] + arguments)
        }
    }

    /// An empty list, so that a cracklib dictionary on the machine changes nothing.
    func emptyList() throws -> String {
        try dir.write("vide.txt", text: "").path
    }

    @Test("An accepted password: exit 0, « Mot de passe accepté. », the password shown nowhere")
    func accepted() async throws {
        let secret = "Kw7#pZ2qLm9!"
        let r = await password(["check", "--common-passwords", try emptyList()], typing: secret + "\n")
        #expect(r.exitCode == 0, "\(r.errors)")
        #expect(r.output == "Mot de passe accepté.\n")
        #expect(r.errors.isEmpty)
    }

    @Test("A refused password: exit 1, each reason in French on stderr, the password shown nowhere")
    func refused() async throws {
        let secret = "mdupont-marie"
        let r = await password([
            "check", "--login", "m.dupont", "--first-name", "Marie", "--family-name", "DUPONT",
            "--common-passwords", try emptyList(),
        ], typing: secret + "\r\n")
        #expect(r.exitCode == 1)
        #expect(r.output.isEmpty)
        let lines = r.errors.split(separator: "\n").map(String.init)
        #expect(lines == [
            "Mot de passe refusé :",
            "- " + PasswordRefusal.tooFewClasses(found: 2, required: 3, missing: [.upper, .digit]).french,
            "- " + PasswordRefusal.containsLogin.french,
            "- " + PasswordRefusal.containsFirstName.french,
            "- " + PasswordRefusal.containsFamilyName.french,
        ])
        #expect(r.errors.contains("identifiant") && r.errors.contains("prénom") && r.errors.contains("nom de famille"))
        for shown in [r.output, r.errors] {
            #expect(!shown.contains(secret))
            #expect(!shown.lowercased().contains("mdupont-"))
        }
    }

    @Test("A short password: the length rule in French")
    func short() async throws {
        let r = await password(["check", "--common-passwords", try emptyList()], typing: "Ab1!xyz")
        #expect(r.exitCode == 1)
        #expect(r.errors.contains("Trop court : 7 caractères, il en faut au moins 12."))
        #expect(!r.errors.contains("Ab1!xyz") && !r.output.contains("Ab1!xyz"))
    }

    @Test("--common-passwords: a word of the file is refused, whole or followed by digits")
    func commonList() async throws {
        let list = try dir.write("courants.txt", text: "soleil\r\nChocolatine2026\nchien\n")
        let whole = await password(["check", "--common-passwords", list.path], typing: "CHOCOLATINE2026")
        #expect(whole.exitCode == 1)
        #expect(whole.errors.contains(PasswordRefusal.common.french))
        #expect(!whole.errors.lowercased().contains("chocolatine"))

        let word = await password(["check", "--common-passwords", list.path], typing: "Soleil2026!!")
        #expect(word.exitCode == 1)
        #expect(word.errors.split(separator: "\n").map(String.init) == [
            "Mot de passe refusé :", "- " + PasswordRefusal.commonWord("soleil").french,
        ])
        #expect(!word.errors.lowercased().contains("soleil"))

        let fine = await password(["check", "--common-passwords", list.path], typing: "Chien2026!!!")
        #expect(fine.exitCode == 0, "\(fine.errors)")
    }

    @Test("An unreadable --common-passwords file: exit 2 and a French message")
    func unreadableList() async throws {
        let missing = dir.file("absent.txt").path
        let r = await password(["check", "--common-passwords", missing], typing: "Kw7#pZ2qLm9!")
        #expect(r.exitCode == 2)
        #expect(r.errors.contains("Impossible de lire la liste de mots de passe courants"))
        #expect(r.errors.contains(missing))
        #expect(!r.errors.contains("Kw7#pZ2qLm9!"))
        #expect(r.output.isEmpty)
    }

    @Test("Nothing on standard input: exit 2")
    func noInput() async throws {
        let list = try emptyList()
        let r = await Input.$current.withValue(Input(readLine: { nil })) {
            await bascule(["password", "check", "--common-passwords", list])
        }
        #expect(r.exitCode == 2)
        #expect(r.errors.contains("Aucun mot de passe lu"))
    }

    @Test("password generate --count 3: three different passwords the rule accepts")
    func generate() async {
        let r = await bascule(["password", "generate", "--count", "3"])
        #expect(r.exitCode == 0, "\(r.errors)")
        let lines = r.output.split(separator: "\n").map(String.init)
        #expect(lines.count == 3)
        #expect(Set(lines).count == 3)
        for line in lines {
            #expect(line.count == 12)
            #expect(PasswordRule().check(line).isEmpty, "\(line)")
            #expect(line.allSatisfy { TemporaryPassword.alphabet.contains($0) })
        }
        let one = await bascule(["password", "generate"])
        #expect(one.output.split(separator: "\n").count == 1)
        let none = await bascule(["password", "generate", "--count", "0"])
        #expect(none.exitCode != 0)
    }
}
