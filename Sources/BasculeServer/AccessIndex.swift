import BasculeApp
import BasculeCalendarFiles
import BasculeDomain
import BasculeStore
import Foundation

/// The answer of `GET /api/acces`: may this login enter the ENT on that day, and if not, why.
public struct AccessAnswer: Codable, Sendable, Hashable {
    public struct PerAccount: Codable, Sendable, Hashable {
        public var etablissement: String
        public var identifiant: String
        public var profil: String
        public var statut: String
        public var autorise: Bool
        public var motif: String
        public var reason: String
    }

    public var login: String
    public var date: String
    public var autorise: Bool
    /// The first reason that decides (the allowing one when allowed).
    public var motif: String
    public var comptes: [PerAccount]
}

/// Everything the access decision needs, in memory: each school's accounts by network and ENT
/// login, its access liftings and its calendars. Built from the store at start, after every change
/// made through the service or by the daily run, and every few minutes (for what the CLI changed
/// in another process); a request never reads the store.
public struct AccessIndex: Sendable {
    struct Entry: Sendable {
        var uai: UAI
        var account: Account
    }

    var byLogin: [String: [Entry]] = [:]
    var liftings: [UAI: [AccessLifting]] = [:]
    /// Calendars by school and rollover year, loaded when the index was built.
    var calendars: [UAI: [SchoolYear: SchoolCalendar]] = [:]
    public private(set) var accounts = 0
    public private(set) var builtAt = Date.distantPast

    public init() {}

    /// Reads every school's accounts and liftings, and their calendars for the years around `today`.
    public static func build(store: Store, calendars: CalendarStore, today: CivilDate, now: Date) async throws -> AccessIndex {
        var index = AccessIndex()
        index.builtAt = now
        let year = SchoolCalendar.rolloverYear(for: today)
        for uai in try await store.schools() {
            for a in try await store.directoryState(uai: uai).accounts {
                index.byLogin[a.login.lowercased(), default: []].append(Entry(uai: uai, account: a))
                if a.entLogin.lowercased() != a.login.lowercased() {
                    index.byLogin[a.entLogin.lowercased(), default: []].append(Entry(uai: uai, account: a))
                }
                index.accounts += 1
            }
            index.liftings[uai] = try await store.accessLiftings(uai: uai)
            for y in [year.startYear - 1, year.startYear, year.startYear + 1].map(SchoolYear.init(startYear:)) {
                if let c = try? calendars.calendar(for: y, school: uai).calendar { index.calendars[uai, default: [:]][y] = c }
            }
        }
        return index
    }

    static func role(_ kind: PersonKind) -> CalendarRole {
        switch kind {
        case .student: .students
        case .parent: .parents
        case .teacher, .staff: .staff
        }
    }

    /// The decision for `login` on `date`, limited to `schools` (nil: all). The accounts' status is
    /// the one in force now; the date chooses the calendar's closures and liftings.
    public func decide(login: String, on date: CivilDate, schools: Set<UAI>?) -> AccessAnswer {
        let entries = (byLogin[login.lowercased()] ?? []).filter { schools?.contains($0.uai) ?? true }
        var per: [AccessAnswer.PerAccount] = []
        for e in entries.sorted(by: { ($0.uai.code, $0.account.login) < ($1.uai.code, $1.account.login) }) {
            let a = e.account
            let role = Self.role(a.kind)
            var allowed = false
            var why: Reason
            switch a.status {
            case .deleted:
                why = Reason("compte supprimé le \(a.statusSince)", "account deleted on \(a.statusSince)")
            case .disabled:
                why = Reason("compte désactivé depuis le \(a.statusSince) (départ)", "account disabled since \(a.statusSince) (departure)")
            case .active, .leaving:
                let year = SchoolCalendar.rolloverYear(for: date)
                let notices = calendars[e.uai]?[year]?.accessNotices(on: date, liftings: liftings[e.uai] ?? [])
                    .filter { $0.role == role && $0.target == .ent } ?? []
                if let closed = notices.first(where: { !$0.isOpen }) {
                    why = closed.reason
                } else if let lifted = notices.first {
                    allowed = true
                    why = lifted.reason
                } else {
                    allowed = true
                    why = a.status == .leaving
                        ? Reason("compte actif (partant depuis le \(a.statusSince), encore utilisable)", "account usable (leaving since \(a.statusSince))")
                        : Reason("compte actif, aucune fermeture en cours pour les \(role.label)", "account active, no closure in force for \(role.rawValue)")
                }
            }
            per.append(.init(etablissement: e.uai.code, identifiant: a.login, profil: role.rawValue, statut: a.status.rawValue,
                             autorise: allowed, motif: why.french, reason: why.english))
        }
        let decisive = per.first(where: \.autorise) ?? per.first
        return AccessAnswer(login: login, date: date.description, autorise: decisive?.autorise ?? false,
                            motif: decisive?.motif ?? "identifiant inconnu", comptes: per)
    }
}

/// The index in use, swapped whole when rebuilt.
final class AccessIndexBox: @unchecked Sendable {
    private let lock = NSLock()
    private var index = AccessIndex()

    var current: AccessIndex { lock.withLock { index } }
    func replace(_ new: AccessIndex) { lock.withLock { index = new } }
}
