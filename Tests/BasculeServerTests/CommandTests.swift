import ArgumentParser
import AsyncHTTPClient
import BasculeCommands
import BasculeDomain
import BasculeServer
import BasculeStore
import BasculeTesting
import Foundation
import NIOHTTP1
import Testing

final class Lines: @unchecked Sendable {
    private let lock = NSLock()
    private var out = "", err = ""
    func write(_ s: String) { lock.withLock { out += s + "\n" } }
    func writeError(_ s: String) { lock.withLock { err += s + "\n" } }
    var output: String { lock.withLock { out } }
    var errors: String { lock.withLock { err } }
}

/// `bascule` in-process, with standard input `input`, no system clock, no environment.
func bascule(_ arguments: [String], input: String? = nil) async -> (output: String, errors: String, code: Int32) {
    let lines = Lines()
    var code: Int32 = 0
    await CommandEnvironment.$current.withValue(.fixed()) {
        await Input.$current.withValue(input.map(Input.text) ?? Input(readLine: { nil })) {
            await Output.$current.withValue(Output(write: { lines.write($0) }, writeError: { lines.writeError($0) })) {
                do {
                    var command = try BasculeCommand.parseAsRoot(arguments)
                    if var asyncCommand = command as? any AsyncParsableCommand { try await asyncCommand.run() } else { try command.run() }
                } catch let e as ExitCode {
                    code = e.rawValue
                } catch {
                    lines.writeError(BasculeCommand.fullMessage(for: error))
                    code = BasculeCommand.exitCode(for: error).rawValue
                }
            }
        }
    }
    return (lines.output, lines.errors, code)
}

@Suite("bascule admin, bascule token, and --by for root alone", .serialized)
struct CommandTests {
    @Test("admin create reads the password on standard input, under the rule, stores a PBKDF2 hash; the administrator logs in; list and delete")
    func admins() async throws {
        let school = try await School.make()
        defer { Task { await school.close() } }
        let data = ["--data", school.dir.path]
        let weak = await bascule(["admin", "create"] + data + ["alice", "--password-rounds", "10000"], input: "alice2026")
        #expect(weak.code == 2 && weak.errors.contains("Mot de passe refusé"))
        let created = await bascule(["admin", "create"] + data + ["alice", "--password-rounds", "10000"], input: "Departement-Sur-2026!\n")
        #expect(created.code == 0, "\(created.errors)")
        #expect(!created.output.contains("Departement-Sur-2026!") && !created.errors.contains("Departement-Sur-2026!"))
        #expect(await bascule(["admin", "create"] + data + ["alice"], input: "Autre-Mot-Passe-2026!").code == 4, "exists already")
        let stored = try #require(try await school.store.departmentAdmin(login: "alice"))
        #expect(stored.passwordHash.hasPrefix("$pbkdf2-sha256$10000$"))
        #expect(await bascule(["admin", "list"] + data).output.contains("alice"))

        let server = try await Running.start(settings(school, clock: TestClock(rentreeMorning)), store: school.store)
        defer { Task { await server.stop() } }
        let admin = try await server.session("alice", "Departement-Sur-2026!", school: nil)
        #expect(try await server.send(.GET, "/api/etablissements", headers: admin.headers).array.map { $0["uai"] as? String } == [school.uai.code])
        #expect(await bascule(["admin", "delete"] + data + ["alice"]).code == 0)
        #expect(try await server.send(.GET, "/api/moi", headers: admin.headers).status == 401, "deleted: the session ends")
        #expect(await bascule(["admin", "delete"] + data + ["alice"]).code == 2)
        let audit = try await school.store.auditEntries(AuditFilter(uai: Store.departmentAuditUAI)).map(\.event)
        #expect(audit == ["admin-create", "admin-delete"])
    }

    @Test("token create prints the token once (stored hashed); list never shows it; a rupn token acts for its school only; revoke")
    func tokens() async throws {
        let school = try await School.make()
        defer { Task { await school.close() } }
        let data = ["--data", school.dir.path]
        #expect(await bascule(["token", "create"] + data + ["--role", "rupn", "--name", "x"]).code != 0, "rupn needs a school")
        #expect(await bascule(["token", "create"] + data + ["--role", "enseignant", "--school", school.uai.code, "--name", "x"]).code != 0)
        let created = await bascule(["token", "create"] + data + ["--role", "rupn", "--school", school.uai.code, "--name", "script d'import"])
        #expect(created.code == 0, "\(created.errors)")
        let secret = created.output.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(secret.hasPrefix("bsc_") && secret.count > 40)
        let listed = await bascule(["token", "list"] + data + ["--json"])
        #expect(listed.output.contains("script d'import") && !listed.output.contains(secret))
        #expect(try await school.store.tokens().first?.tokenHash == APITokens.hash(secret))

        let clock = TestClock(rentreeMorning)
        let server = try await Running.start(settings(school, clock: clock), store: school.store)
        defer { Task { await server.stop() } }
        let bearer = [("Authorization", "Bearer \(secret)")]
        let plan = try await server.send(.GET, "/api/etablissements/\(school.uai.code)/plan", headers: bearer)
        #expect(plan.status == 200, "\(plan.text.prefix(300))")
        #expect((plan.json["empreinte"] as? String)?.count == 64)
        #expect(try await server.send(.GET, "/api/etablissements/0999999Z/plan", headers: bearer).status == 403)
        #expect(try await server.json(.POST, "/api/etablissements/\(school.uai.code)/droits",
                                      ["droit": "rupn", "identifiant": school.teacher.login, "action": "accorder"], headers: bearer).status == 403,
                "delegating is the direction's")
        // Prometheus's token: for every school or none, the metrics only.
        #expect(await bascule(["token", "create"] + data + ["--role", "supervision", "--school", school.uai.code, "--name", "x"]).code != 0)
        let watch = await bascule(["token", "create"] + data + ["--role", "supervision", "--name", "prometheus"])
        #expect(watch.code == 0, "\(watch.errors)")
        let watching = [("Authorization", "Bearer \(watch.output.trimmingCharacters(in: .whitespacesAndNewlines))")]
        #expect(try await server.send(.GET, "/metrics", headers: watching).status == 200)
        #expect(try await server.send(.GET, "/metrics", headers: bearer).status == 403, "a school's token does not watch the service")
        #expect(try await server.send(.GET, "/api/etablissements/\(school.uai.code)/plan", headers: watching).status == 403)
        #expect(await bascule(["token", "revoke"] + data + ["script d'import"]).code == 0)
        clock.advance(31)
        #expect(try await server.send(.GET, "/api/etablissements/\(school.uai.code)/plan", headers: bearer).status == 401)
    }

    @Test("--by is root's alone: run by another user, refused (exit 4) before anything is read",
          .enabled(if: getuid() == 0, "runs the commands as another user through setpriv: needs root, as in CI"))
    func byIsForRoot() throws {
        let exe = ChildProcess.basculeExecutable
        let commands: [[String]] = [
            ["password", "reset", "--data", "/nonexistent", "--uai", "0860001X", "--by", "rupn", "--date", "2026-09-03", "eleve"],
            ["rights", "grant", "--data", "/nonexistent", "--uai", "0860001X", "--by", "principal", "--date", "2026-09-03", "rupn", "prof"],
            ["calendar", "lift", "--data", "/nonexistent", "--uai", "0860001X", "--by", "principal", "--date", "2026-08-27"],
            ["departures", "approve", "--data", "/nonexistent", "--school", "0860001X", "--by", "principal", "--date", "2026-09-03", "prof"],
            ["accounts", "protect", "--data", "/nonexistent", "--uai", "0860001X", "--by", "principal", "eleve"],
        ]
        for args in commands {
            let ended = try ChildProcess.outcome("/usr/bin/setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", exe] + args,
                                                 environment: ["PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"])
            #expect(ended.code == 4, "\(args[0]) \(args[1]): \(ended.output)")
            #expect(ended.output.contains("--by (agir au nom d'une personne) est réservé à root"), "\(ended.output)")
            // As root, the same command goes on (and stops at the missing store: exit 2).
            let asRoot = try ChildProcess.outcome(exe, args, environment: ["PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"])
            #expect(asRoot.code == 2, "\(args[0]) \(args[1]) as root: \(asRoot.output)")
        }
    }

    @Test("bascule serve, the real executable: listens on 127.0.0.1, answers /healthz, stops on SIGTERM")
    func serveCommand() async throws {
        let school = try await School.make()
        defer { Task { await school.close() } }
        await school.store.close()
        // A port free now (the kernel's choice), given to the command.
        let probe = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in(sin_family: sa_family_t(AF_INET), sin_port: 0, sin_addr: in_addr(s_addr: inet_addr("127.0.0.1")), sin_zero: (0, 0, 0, 0, 0, 0, 0, 0))
        _ = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(probe, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(probe, $0, &length) } }
        let port = Int(UInt16(bigEndian: address.sin_port))
        close(probe)
        let server = try ChildProcess.start(ChildProcess.basculeExecutable, ["serve", "--data", school.dir.path, "--port", "\(port)"],
                                            environment: ["PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"])
        var stopped = false
        defer { if !stopped { server.kill(SIGKILL); server.wait() } }
        var healthy: HTTPClientResponse?
        for _ in 0..<200 where healthy == nil {
            healthy = try? await HTTPClient.shared.execute(HTTPClientRequest(url: "http://127.0.0.1:\(port)/healthz"), timeout: .seconds(2))
            if healthy == nil { try await Task.sleep(for: .milliseconds(100)) }
        }
        #expect(healthy?.status == .ok)
        server.kill(SIGTERM)
        stopped = true
        #expect(server.wait() == 0, "a graceful stop on SIGTERM")
        // The daily run started with the service (what was due at start-up, whatever today is) and
        // finished before the stop: its journal, or its failure as a to-do, is in the store.
        let store = try await Store.open(.embedded(dataDirectory: school.dir.path))
        let runs = try await store.dailyRuns(uai: school.uai)
        let todos = try await store.todos(uai: school.uai)
        await store.close()
        #expect(!runs.isEmpty || todos.contains { $0.todo.kind == .runFailed }, "the scheduler ran inside bascule serve")
    }
}
