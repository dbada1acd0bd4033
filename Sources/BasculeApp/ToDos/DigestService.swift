import BasculeDomain
import BasculeMail
import BasculeStore
import Foundation

/// What the day's digests did.
public struct DigestReport: Sendable, Codable {
    public var day: CivilDate
    /// Addresses a digest went to today.
    public var sent: [String] = []
    /// Addresses that already had today's digest (never two a day).
    public var alreadySent: [String] = []
    /// Address (or `*` for all) → why it could not be sent; tried again later that day.
    public var failed: [String: String] = [:]

    public init(day: CivilDate, sent: [String] = [], alreadySent: [String] = [], failed: [String: String] = [:]) {
        self.day = day
        self.sent = sent
        self.alreadySent = alreadySent
        self.failed = failed
    }

    public var french: String {
        var parts = ["courriel du \(day) : \(sent.count) message(s) envoyé(s)"]
        if !alreadySent.isEmpty { parts.append("\(alreadySent.count) déjà envoyé(s) aujourd'hui") }
        if !failed.isEmpty { parts.append("\(failed.count) en échec (\(failed.values.sorted().first ?? ""))") }
        return parts.joined(separator: ", ")
    }
}

/// Tells each person the open to-dos they can act on: one message a day at most per address,
/// in French, through the configured relay. A digest is recorded before it is sent (``Store/claimDigest``),
/// so that a run again that day, or a crash in the middle, never sends it twice.
///
/// It says what the to-dos say (school, kind, reason, how to act), never a password nor anything
/// about a person beyond the logins a to-do names.
public struct DigestService: Sendable {
    public let store: Store
    public let mail: MailSettings
    public let now: @Sendable () -> Date

    public init(store: Store, mail: MailSettings, now: @escaping @Sendable () -> Date) {
        self.store = store
        self.mail = mail
        self.now = now
    }

    public func send(day: CivilDate) async throws -> DigestReport {
        var report = DigestReport(day: day)
        let digests = try await ToDoRecipients(store: store, department: mail.department).digests()
        let client = SMTPClient(relay: mail.relay)
        for digest in digests {
            let ids = digest.items.map(\.row.id)
            guard try await store.claimDigest(day: day, recipient: digest.address.key, todoIDs: ids, at: now()) else {
                report.alreadySent.append(digest.address.value)
                continue
            }
            let message = MailMessage(from: mail.sender, to: digest.address, subject: Self.subject(digest, day: day),
                                      body: Self.body(digest, day: day), date: now())
            do {
                let delivery = try await client.send([message])
                if delivery == [.sent] {
                    try await store.finishDigest(day: day, recipient: digest.address.key, sent: true, at: now())
                    report.sent.append(digest.address.value)
                } else {
                    try await store.finishDigest(day: day, recipient: digest.address.key, sent: false, at: now())
                    report.failed[digest.address.value] = delivery.first.map { "\($0)" } ?? "?"
                }
            } catch let error as MailError {
                try await store.finishDigest(day: day, recipient: digest.address.key, sent: false, at: now())
                report.failed[digest.address.value] = error.french
                // The relay itself is out of reach: the others would fail the same way; all are
                // tried again at the next run of the day.
                if case .rejected = error { continue }
                break
            }
        }
        return report
    }

    static func subject(_ digest: ToDoRecipients.Digest, day: CivilDate) -> String {
        let schools = Set(digest.items.map(\.row.todo.uai.code)).sorted()
        return "Bascule : \(digest.items.count) tâche(s) en attente au \(day) (\(schools.joined(separator: ", ")))"
    }

    static func body(_ digest: ToDoRecipients.Digest, day: CivilDate) -> String {
        var lines = ["Bonjour,", "",
                     "Bascule a \(digest.items.count) tâche(s) en attente qui demandent une personne (état au \(day)).", ""]
        for (n, item) in digest.items.enumerated() {
            let t = item.row.todo
            lines.append("\(n + 1). Tâche n° \(item.row.id) — établissement \(t.uai) — \(t.kind.rawValue), ouverte le \(item.row.openedOn)")
            lines.append("   Qui peut agir : \(t.role.label)")
            lines.append("   \(t.reason.french)")
            lines.append("   Pour agir : \(howToAct(item.row))")
            if let note = item.forwarded {
                lines.append("   Transmise au département : \(note)")
            }
            lines.append("")
        }
        lines += ["Ces tâches restent visibles avec « bascule todos » ; elles se ferment d'elles-mêmes quand leur cause disparaît.",
                  "Vous recevez au plus un message par jour.",
                  "-- ",
                  "Bascule, exécution quotidienne"]
        return lines.joined(separator: "\n")
    }

    static func howToAct(_ row: ToDoRow) -> String {
        let uai = row.todo.uai
        switch row.todo.kind {
        case .planHeld:
            return "vérifier le plan (bascule plan --school \(uai)), puis le confirmer avec une raison (bascule todos confirm \(row.id) --by VOTRE_IDENTIFIANT --reason \"…\"), ou corriger l'export et le déposer de nouveau"
        case .renamesProposed:
            return "accepter ou refuser chaque renommage (bascule accounts rename --uai \(uai) IDENTIFIANT --accept|--decline --by VOTRE_IDENTIFIANT)"
        case .approvalNeeded:
            return "valider les départs (bascule departures approve --school \(uai) --by VOTRE_IDENTIFIANT IDENTIFIANTS…)"
        case .importRefused:
            return "corriger l'export et le déposer de nouveau dans depot/\(uai)/"
        case .directoryFailed, .spacesFailed, .runFailed:
            return "voir les journaux du service ; la prochaine exécution reprend d'elle-même une fois la cause levée"
        case .verificationFindings:
            return "lire le rapport (bascule verify --uai \(uai)) et corriger"
        }
    }
}
