import ArgumentParser
import BasculeApp
import BasculeDomain
import BasculeStore
import Foundation

struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Le journal d'audit : qui a fait quoi, quand, sur quel compte ou groupe, et pourquoi ; sa purge après sa durée de conservation.",
        subcommands: [List.self, Purge.self], defaultSubcommand: List.self)

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list",
            abstract: "Relit le journal d'audit (c'est aussi « bascule audit » seul).")

        @OptionGroup var options: DataOptions

        @Option(help: "Seulement cet établissement (UAI).")
        var school: UAI?

        @Option(help: "Seulement ce compte (identifiant) ou ce groupe.")
        var target: String?

        @Option(help: "Seulement cet événement (create-account, mark-leaving, apply, approve-departure...).")
        var event: String?

        @Option(help: "Depuis cette date (AAAA-MM-JJ).")
        var since: DateOption?

        @Flag(help: "En JSON.")
        var json = false

        func run() async throws {
            try await reportingErrors {
                let entries = try await options.withStore { store in
                    try await store.auditEntries(AuditFilter(uai: school, target: target, event: event, since: since?.date))
                }
                if json { say(try renderJSON(entries)); return }
                if entries.isEmpty { say("Aucune entrée.") }
                for e in entries {
                    say("\(e.at)  \(e.actor)  \(e.uai)  \(e.event)\(e.target.map { " \($0)" } ?? "") : \(e.french)")
                }
            }
        }
    }

    struct Purge: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "purge",
            abstract: "Supprime les entrées du journal d'audit plus vieilles que leur durée de conservation (12 mois par défaut).",
            discussion: """
                La CNIL recommande de garder les journaux de 6 à 12 mois (recommandation 2021-122) : « audit:
                conservation_mois » dans bascule.yml, 12 par défaut. Restent les entrées qui expliquent ce qui est
                en vigueur aujourd'hui : la protection d'un compte encore protégé, la délégation d'un droit encore
                détenu, un refus de renommage encore valable, un départ validé pas encore exécuté, un renommage
                tant que l'ancien identifiant reste brûlé, une levée de fermeture de l'année. La purge est
                elle-même consignée (audit-purge), sans rien de ce qu'elle a supprimé.
                """)

        @OptionGroup var options: DataOptions

        @Option(help: "Seulement cet établissement (UAI).")
        var school: UAI?

        @Option(help: "Date de la purge (AAAA-MM-JJ), par défaut aujourd'hui.")
        var date: DateOption?

        @Flag(help: "Dit ce qui serait supprimé, sans rien supprimer.")
        var dryRun = false

        @Flag(help: "En JSON.")
        var json = false

        func run() async throws {
            try await reportingErrors {
                let day = try date.orToday()
                if !dryRun {
                    try RunCommand.refuseFuture(day, because: """
                        Purger à une date à venir supprimerait des entrées que la conservation garde encore. \
                        Pour voir ce qui partirait : --dry-run.
                        """, english: "the audit is never purged ahead of its date")
                }
                let configuration = try options.configuration ?? Configuration()
                let months = try configuration.auditRetentionMonths()
                let burnt = try configuration.policy().burntLoginYears
                let outcomes = try await options.withStore { store in
                    var out: [AuditRetention.Outcome] = []
                    let retention = AuditRetention(store: store, months: months, burntLoginYears: burnt)
                    for uai in try await schools(school, in: store) {
                        out.append(try await retention.purge(uai: uai, on: day, dryRun: dryRun, actor: PlanningService.defaultActor))
                    }
                    return out
                }
                if json { say(try renderJSON(outcomes)); return }
                if outcomes.isEmpty { say("Aucun établissement.") }
                for o in outcomes {
                    say("\(o.uai) : \(o.purged) entrée(s) antérieure(s) au \(o.before) \(o.dryRun ? "à supprimer" : "supprimée(s)") (conservation \(months) mois) ; \(o.kept.count) gardée(s).")
                    for k in o.kept { say("  gardée : \(k.seq) \(k.day.map(\.description) ?? "") \(k.event) \(k.target ?? "") — \(k.why)") }
                }
            }
        }
    }
}

struct DeparturesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "departures",
        abstract: "Départs des personnels : liste à valider par l'établissement, et validation (préalable à la suppression des comptes).",
        subcommands: [List.self, Approve.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list",
            abstract: "Personnels partis : quand leur compte sera supprimé, et qui attend la validation de l'établissement là où le calendrier la demande.")

        @OptionGroup var options: DataOptions

        @Option(help: "Seulement cet établissement (UAI).")
        var school: UAI?

        @Option(help: "Date (AAAA-MM-JJ), par défaut aujourd'hui.")
        var date: DateOption?

        func run() async throws {
            try await reportingErrors {
                let day = try date.orToday()
                let policy = try options.policy
                try await options.withStore { store in
                    var any = false
                    let planning = PlanningService(store: store, policy: policy, gate: options.calendarGate)
                    for uai in try await schools(school, in: store) {
                        let gate = try options.calendarGate(uai, day)
                        let asks = gate.approvalRequired.contains(.teacher) || gate.approvalRequired.contains(.staff)
                        let window = gate.deletionWindows[.teacher].map { "du \($0.from?.description ?? "…") au \($0.until?.description ?? "…")" } ?? "—"
                        say(asks
                            ? "\(uai) : le calendrier \(gate.calendar?.year.description ?? "") demande la validation de la liste par l'établissement avant la suppression des anciens personnels (période \(window)) : bascule departures approve."
                            : "\(uai) : le calendrier \(gate.calendar?.year.description ?? "") ne demande pas de validation : les anciens personnels sont supprimés dans la période \(window), les autres trois mois au plus après leur départ.")
                        let plan = try await planning.unhashedPlan(uai: uai, date: day, gate: gate)
                        let approved = try await store.approvedDepartures(uai: uai)
                        let accounts = Dictionary(try await store.directoryState(uai: uai).accounts.map { ($0.login, $0) }, uniquingKeysWith: { a, _ in a })
                        for a in plan.actions where a.kind == .deleteAccount && a.personKind != .student {
                            any = true
                            say("\(uai)  \(a.login ?? "")  \(a.name?.full ?? "")  — supprimé par le plan du \(day)")
                        }
                        for f in plan.deletions where f.personKind != .student {
                            any = true
                            let state = f.awaitsApproval ? "à valider"
                                : (asks && accounts[f.login].map { approved.contains($0.personID) } == true ? "validé" : "")
                            say("\(uai)  \(f.login)  \(f.name)  (\(f.status.rawValue), parti·e le \(f.departure)) — suppression le \(f.deleteOn)\(state.isEmpty ? "" : " — \(state)")")
                        }
                    }
                    if !any { say("Aucun départ de personnel en attente.") }
                }
            }
        }
    }

    struct Approve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "approve",
            abstract: "Valide le départ de ces personnels : leurs comptes seront supprimés dans la période prévue.",
            discussion: "Décision de la direction (fonction DIR dans STS-Web) ou du RUPN, nommés par --by ; consignée dans l'audit.")

        @OptionGroup var options: DataOptions

        @Option(help: "Établissement (UAI).")
        var school: UAI

        @Option(help: "Identifiant de la personne qui valide (direction ou RUPN).")
        var by: String

        @Argument(help: "Identifiants (logins) des comptes dont le départ est validé.")
        var logins: [String]

        @Option(help: "Date de la validation (AAAA-MM-JJ), par défaut aujourd'hui.")
        var date: DateOption?

        /// `--by` speaks for someone else: root's alone (the audit names both).
        func validate() throws {
            try RootOnly.check()
        }

        func run() async throws {
            try await reportingErrors {
                do {
                    let approved = try await options.withStore { store in
                        try await DepartureApprovalService(store: store).approve(uai: school, logins: logins, by: by, on: try date.orToday())
                    }
                    say("\(approved.count) départ(s) validé(s).")
                } catch DepartureApprovalService.Refusal.notDeparted(let login, let uai) {
                    warn("\(login) : aucun personnel parti avec cet identifiant dans \(uai).")
                    throw ExitCode(2)
                }
            }
        }
    }
}
