import BasculeCalendarFiles
import BasculeTesting
import Foundation
import Testing

/// A two-year collège: the second year imported and applied, so that teachers who left are
/// leaving and wait for the school's approval.
private struct TwoYears {
    let dir: TemporaryDirectory
    let data: [String]
    let uai: String
    let principal: String
    let teacher: String
    let documentalist: String

    static func make() async throws -> TwoYears {
        let dir = try TemporaryDirectory()
        let exports = dir.file("exports").path, data = ["--data", dir.file("data").path]
        #expect(await bascule(["generate", "--students", "60", "--years", "2", "--first-year", "2026", "--seed", "3",
                               "--out", exports]).exitCode == 0)
        for year in [2026, 2027] {
            #expect(await bascule(["import"] + data + ["--date", "\(year)-09-03"] + generatedFiles(exports, year: year)).exitCode == 0)
            let applied = await bascule(["apply"] + data + ["--date", "\(year)-09-03", "--yes", "--password-rounds", "10000"])
            #expect(applied.exitCode == 0, "\(applied.errors)")
        }
        let people = try jsonArray(await bascule(["people"] + data + ["--json"]).output)
        let accounts = try jsonArray(await bascule(["accounts"] + data + ["--json"]).output)
        func login(_ p: [String: Any]?) throws -> String {
            let id = try #require(p?["sourceId"] as? String)
            return try #require(accounts.first { $0["sourceId"] as? String == id && $0["status"] as? String == "active" }?["login"] as? String)
        }
        let present = people.filter { $0["status"] as? String == "active" }
        return TwoYears(dir: dir, data: data, uai: try #require(accounts.first?["uai"] as? String),
                        principal: try login(present.first { $0["function"] as? String == "DIR" }),
                        teacher: try login(present.first { $0["kind"] as? String == "teacher" && $0["function"] as? String != "DIR" }),
                        documentalist: try login(present.first { $0["function"] as? String == "DOC" }))
    }
}

@Suite("Who decides a person's action, and who ran the command")
struct AuditIdentityTests {
    @Test("departures approve goes through the access rules: a teacher is refused and nothing is approved; the direction or the RUPN approves, named in the audit")
    func departuresApproval() async throws {
        let s = try await TwoYears.make()
        defer { s.dir.remove() }
        // A department that keeps the 2024 memo's validation of former staff says so in its calendar.
        let bundled = try String(contentsOf: CalendarStore.defaultBundledDirectory.appendingPathComponent("calendrier-2026-2027.yml"), encoding: .utf8)
        try FileManager.default.createDirectory(atPath: s.data[1] + "/calendriers", withIntermediateDirectories: true)
        try bundled.replacingOccurrences(of: "    concerne: [personnels]\n", with: "    concerne: [personnels]\n    validation_etablissement: true\n")
            .write(toFile: s.data[1] + "/calendriers/2026-2027.yml", atomically: true, encoding: .utf8)
        let day = ["--date", "2027-09-04"]
        let listed = await bascule(["departures", "list"] + s.data + ["--school", s.uai] + day)
        let waiting = listed.output.split(separator: "\n").filter { $0.hasSuffix("à valider") }
            .compactMap { $0.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first.map(String.init) }
        try #require(waiting.count >= 2, "\(listed.output)")
        let (first, second) = (waiting[0], waiting[1])

        let unnamed = await bascule(["departures", "approve"] + s.data + ["--school", s.uai, first])
        #expect(unnamed.exitCode == 64, "--by is required: \(unnamed.errors)")
        let byTeacher = await bascule(["departures", "approve"] + s.data + ["--school", s.uai, "--by", s.teacher, first] + day)
        #expect(byTeacher.exitCode == 4 && byTeacher.errors.contains("ne peut pas valider un départ : seuls la direction"), "\(byTeacher.errors)")
        #expect(await bascule(["departures", "list"] + s.data + ["--school", s.uai] + day).output == listed.output, "nothing approved")
        #expect(try jsonArray(await bascule(["audit"] + s.data + ["--event", "approve-departure", "--json"]).output).isEmpty)

        let byPrincipal = await bascule(["departures", "approve"] + s.data + ["--school", s.uai, "--by", s.principal, first] + day)
        #expect(byPrincipal.exitCode == 0, "\(byPrincipal.errors)")
        let granted = await bascule(["rights", "grant"] + s.data + ["--uai", s.uai, "--by", s.principal, "rupn", s.documentalist] + day)
        #expect(granted.exitCode == 0, "\(granted.errors)")
        let byRUPN = await bascule(["departures", "approve"] + s.data + ["--school", s.uai, "--by", s.documentalist, second] + day)
        #expect(byRUPN.exitCode == 0, "\(byRUPN.errors)")
        let after = await bascule(["departures", "list"] + s.data + ["--school", s.uai] + day).output
        #expect(after.split(separator: "\n").filter { $0.contains("  \(first)  ") || $0.contains("  \(second)  ") }.allSatisfy { $0.hasSuffix("validé") })
        let audit = try jsonArray(await bascule(["audit"] + s.data + ["--event", "approve-departure", "--json"]).output)
        #expect(audit.compactMap { $0["actor"] as? String } == [s.principal, s.documentalist])
        #expect(audit.allSatisfy { ($0["french"] as? String)?.contains("commande lancée par l'utilisateur système") == true })
    }

    @Test("The audit's system user is the real uid's name: USER and SUDO_USER set by the caller name nobody; under sudo, SUDO_UID is noted only when it is an existing user")
    func systemUser() async throws {
        let exe = ChildProcess.basculeExecutable
        try #require(FileManager.default.isExecutableFile(atPath: exe), "build the bascule executable first (swift build)")
        let s = try await TwoYears.make()
        defer { s.dir.remove() }
        let me = try #require(getpwuid(getuid())).pointee
        let myName = String(cString: me.pw_name)
        // Someone else: the first user of the database that is neither the caller nor root.
        setpwent()
        var someone: (uid: uid_t, name: String)?
        while let p = getpwent() {
            if p.pointee.pw_uid != getuid() && p.pointee.pw_uid != 0 { someone = (p.pointee.pw_uid, String(cString: p.pointee.pw_name)); break }
        }
        endpwent()
        let other = try #require(someone)
        var unknownUID: uid_t = 4_242_424
        while getpwuid(unknownUID) != nil { unknownUID += 1 }

        let base = ["PATH": "/usr/bin:/bin", "LC_ALL": "C.UTF-8"]
        func grant(_ right: String, _ environment: [String: String]) async throws -> String {
            let ended = try ChildProcess.outcome(exe, ["rights", "grant"] + s.data + ["--uai", s.uai, "--by", s.principal, right, s.documentalist],
                                                 environment: base.merging(environment) { $1 })
            #expect(ended.code == 0, "\(ended.output)")
            let audit = try jsonArray(await bascule(["audit"] + s.data + ["--event", "grant-right", "--json"]).output)
            return try #require(audit.last?["french"] as? String)
        }
        let lied = try await grant("rupn", ["USER": "principal.imaginaire", "LOGNAME": "principal.imaginaire", "SUDO_USER": "principal.imaginaire"])
        #expect(lied.hasSuffix("commande lancée par l'utilisateur système \(myName)"), "\(lied)")
        #expect(!lied.contains("imaginaire"))

        if getuid() == 0 {
            let viaSudo = try await grant("ent-manager", ["SUDO_UID": "\(other.uid)", "SUDO_USER": "principal.imaginaire"])
            #expect(viaSudo.hasSuffix("utilisateur système root (via sudo : \(other.name))"), "\(viaSudo)")
            let unverifiable = try await grant("gar-assignment", ["SUDO_UID": "\(unknownUID)", "SUDO_USER": "principal.imaginaire"])
            #expect(unverifiable.hasSuffix("utilisateur système root"), "\(unverifiable)")
        }
    }
}
