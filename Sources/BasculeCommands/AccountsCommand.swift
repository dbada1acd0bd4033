import ArgumentParser
import BasculeApp
import BasculeDomain
import BasculeStore
import Foundation

struct AccountsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "accounts",
        abstract: "Les comptes gérés par Bascule : liste (par défaut), renommages proposés par le plan, protection contre la suppression.",
        subcommands: [AccountsListCommand.self, AccountsRenameCommand.self, AccountsProtectCommand.self],
        defaultSubcommand: AccountsListCommand.self)
}

struct AccountsRenameCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rename",
        abstract: "Accepte ou refuse le renommage que le plan propose pour un compte (nom corrigé dans la source).",
        discussion: """
            --accept donne au compte l'identifiant que le plan propose, jamais un autre : l'identifiant ENT
            change aussi si le plan le propose, les groupes suivent, l'ancien identifiant est brûlé (redonné à
            personne pendant --burnt-login-years ans), le tout en une transaction et consigné dans l'audit.
            --decline note que la personne garde son identifiant : le plan ne le propose plus tant que son nom
            ne change pas de nouveau. Sans proposition pour cet identifiant, refuse (code 4).
            Décision de la direction (fonction DIR dans STS-Web) ou du RUPN, nommés par --by (sinon, code 4).
            """)

    @OptionGroup var options: DataOptions

    @Option(name: [.customLong("uai"), .customLong("school")], help: "Établissement (UAI).")
    var uai: UAI

    @Argument(help: "Identifiant actuel du compte.")
    var login: String

    @Flag(help: "Accepte le nouvel identifiant proposé.")
    var accept = false

    @Flag(help: "Refuse : la personne garde son identifiant.")
    var decline = false

    @Option(help: "Identifiant de la personne qui décide (direction ou RUPN).")
    var by: String

    @Option(help: "Date (AAAA-MM-JJ) du plan et du renommage, par défaut aujourd'hui.")
    var date: DateOption?

    @OptionGroup var policy: PolicyOptions

    func validate() throws {
        try RootOnly.check()
        guard accept != decline else { throw ValidationError("Choisissez --accept ou --decline.") }
    }

    func run() async throws {
        try await reportingErrors {
            let day = try date.orToday()
            try await options.withStore { store in
                let service = RenameService(planning: PlanningService(store: store, policy: try policy.policy(options), gate: options.calendarGate))
                if accept {
                    let done = try await service.accept(uai: uai, login: login, date: day, by: by)
                    let ent = done.newEntLogin.map { " ; identifiant ENT : \(done.oldEntLogin) → \($0)" } ?? " ; identifiant ENT inchangé (\(done.oldEntLogin))"
                    say("Compte renommé dans \(uai) : \(done.oldLogin) → \(done.newLogin)\(ent).")
                    say("Groupes suivis (\(done.groups.count)) : \(done.groups.isEmpty ? "aucun" : done.groups.joined(separator: ", ")).")
                    say("L'ancien identifiant \(done.oldLogin) est brûlé le \(day) : il n'est redonné à personne pendant \(policy.burntLoginYears) an(s).")
                    say("Le mot de passe ne change pas ; prévenez la personne de son nouvel identifiant.")
                } else {
                    let done = try await service.decline(uai: uai, login: login, date: day, by: by)
                    say("\(done.oldLogin) garde son identifiant dans \(uai) (proposé : \(done.newLogin)) : le plan ne le proposera plus tant que le nom « \(done.proposal.name?.full ?? "") » ne change pas.")
                }
            }
        }
    }
}

struct AccountsProtectCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "protect",
        abstract: "Protège un compte : aucun plan ne le désactive ni ne le supprime (--off lève la protection).",
        discussion: """
            Pour garder un compte au-delà d'un départ (examen en cours, personnel en congé, compte de service) :
            le plan le montre toujours partant, mais ne le désactive ni ne le supprime tant qu'il est protégé.
            Décision de la direction (fonction DIR dans STS-Web) ou du RUPN, nommés par --by ; consignée dans
            l'audit. « bascule accounts » marque les comptes protégés.
            """)

    @OptionGroup var options: DataOptions

    @Option(name: [.customLong("uai"), .customLong("school")], help: "Établissement (UAI).")
    var uai: UAI

    @Argument(help: "Identifiant du compte à protéger.")
    var login: String

    @Option(help: "Identifiant de la personne qui décide (direction ou RUPN).")
    var by: String

    @Option(help: "Pourquoi (consigné dans l'audit).")
    var reason: String?

    @Flag(help: "Lève la protection : le compte suit de nouveau les départs.")
    var off = false

    /// `--by` speaks for someone else: root's alone (the audit names both).
    func validate() throws {
        try RootOnly.check()
    }

    func run() async throws {
        try await reportingErrors {
            let account = try await options.withStore { store in
                try await ProtectionService(store: store).set(uai: uai, login: login, protected: !off, by: by, reason: reason)
            }
            say(off
                ? "Protection levée pour \(account.login) (\(account.name.full)) dans \(uai) : le compte suit de nouveau les départs."
                : "\(account.login) (\(account.name.full)) est protégé dans \(uai) : aucun plan ne le désactive ni ne le supprime (\(account.status.rawValue) depuis le \(account.statusSince)).")
        }
    }
}
