import BasculeTesting
import Foundation
import Testing

@Suite("Copies of imported exports, and their summer clean-up")
struct ImportFilesTests {
    @Test("Each import keeps a private copy; a refused one keeps none; the purge waits for the calendar's window and keeps the newest of each source")
    func keptAndPurged() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let exports = dir.file("exports").path, dataDir = dir.file("data").path, data = ["--data", dataDir]
        #expect(await bascule(["generate", "--students", "60", "--years", "2", "--first-year", "2025", "--seed", "3", "--out", exports]).exitCode == 0)
        #expect(await bascule(["import"] + data + ["--date", "2025-09-03"] + generatedFiles(exports, year: 2025)).exitCode == 0)
        #expect(await bascule(["import"] + data + ["--date", "2026-08-24"] + generatedFiles(exports, year: 2026)).exitCode == 0)
        // The same files again store nothing and keep nothing more.
        #expect(await bascule(["import"] + data + ["--date", "2026-08-25"] + generatedFiles(exports, year: 2026)).exitCode == 0)
        // A truncated file is refused: nothing stored, nothing kept.
        let truncated = dir.file("tronque.xml").path
        let sts = try #require(generatedFiles(exports, year: 2026).first { $0.contains("sts") })
        let bytes = try Data(contentsOf: URL(fileURLWithPath: sts))
        try bytes.prefix(bytes.count / 2).write(to: URL(fileURLWithPath: truncated))
        let refused = await bascule(["import"] + data + ["--date", "2026-08-26", truncated])
        #expect(refused.exitCode == 2 && refused.errors.contains("tronque.xml, ligne"), "\(refused.errors)")

        let kept = try jsonArray(await bascule(["imports"] + data + ["--json"]).output)
        let sources = Set(kept.compactMap { $0["source"] as? String })
        #expect(kept.count == 2 * sources.count && sources.count >= 2, "\(kept)")
        #expect(!kept.contains { ($0["fileName"] as? String)?.contains("tronque") ?? false })
        for f in kept {
            let path = try #require(f["path"] as? String)
            let mode = try #require(try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? NSNumber)
            #expect(mode.intValue & 0o077 == 0, "names and birth dates: owner only (\(path))")
        }
        let listed = await bascule(["imports"] + data)
        #expect(listed.output.components(separatedBy: "— ancien").count - 1 == sources.count)

        let outside = await bascule(["imports", "purge"] + data + ["--date", "2026-10-01"])
        #expect(outside.exitCode == 0 && outside.output.contains("ne sont pas supprimées aujourd'hui"), "\(outside.output)")
        #expect(try jsonArray(await bascule(["imports"] + data + ["--json"]).output).count == kept.count)
        let dry = await bascule(["imports", "purge"] + data + ["--date", "2026-08-25", "--dry-run"])
        #expect(dry.output.contains("seraient supprimées"))
        #expect(try jsonArray(await bascule(["imports"] + data + ["--json"]).output).count == kept.count)

        let purged = await bascule(["imports", "purge"] + data + ["--date", "2026-08-25"])
        #expect(purged.exitCode == 0 && purged.output.contains("\(sources.count) ancienne(s) copie(s) d'export supprimée(s)"), "\(purged.output)")
        let left = try jsonArray(await bascule(["imports"] + data + ["--json"]).output)
        #expect(left.count == sources.count && left.allSatisfy { $0["importedOn"] as? String == "2026-08-24" })
        // The directory still plans from the store, not from the copies.
        #expect(await bascule(["plan"] + data + ["--date", "2026-08-28"]).exitCode == 0)
        let audit = await bascule(["audit"] + data + ["--event", "purge-import-file"])
        #expect(audit.output.contains("période de nettoyage [suppression-anciens-fichiers-import]"), "\(audit.output)")
    }
}
