import ArgumentParser
import BasculeApp

/// `--allow-mass-change --reason "…"` on the syncs, as on `apply`: removals in the real
/// directory or the spaces that no applied plan decided, past 10 % of the school's entries,
/// are refused without them.
struct MassChangeOptions: ParsableArguments {
    @Flag(help: "Accepte des suppressions hors de l'ordinaire (plus de 10 % des entrées de Bascule, sans plan appliqué qui les ait décidées), avec --reason.")
    var allowMassChange = false

    @Option(help: "Pourquoi ces suppressions sont acceptées.")
    var reason: String?

    func validate() throws {
        if allowMassChange && (reason ?? "").trimmingCharacters(in: .whitespaces).isEmpty {
            throw ValidationError("--allow-mass-change demande --reason \"…\".")
        }
    }

    var deletions: SyncDeletionGuard { SyncDeletionGuard(allowMassChange: allowMassChange, reason: reason) }
}
