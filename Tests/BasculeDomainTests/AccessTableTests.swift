import BasculeDomain
import Testing

@Suite("The access table: every operation, every role")
struct AccessTableTests {
    static let school = UAI("0860001X")!
    static let other = UAI("0860002Y")!

    static func person(_ login: String, kind: PersonKind = .staff, status: AccountStatus = .active, function: String? = nil,
                       rights: Set<SchoolRight> = []) -> Requester {
        .person(AccountHolder(login: login, kind: kind, status: status, function: function, rights: rights), at: school)
    }

    static let admin = Requester(name: "admin:alice", global: [.department])
    static let principal = person("principal", function: "DIR")
    static let rupn = person("rupn.doc", function: "DOC", rights: [.rupn])
    static let teacher = person("prof", kind: .teacher, function: "ENS")
    static let student = person("eleve", kind: .student)
    static let cpe = person("cpe", function: "EDU", rights: [.entManager])
    static let formerPrincipal = person("ancien", status: .disabled, function: "DIR")
    static let ssoToken = Requester(name: "jeton:cas", global: [.access])
    static let rupnToken = Requester(name: "jeton:import", bySchool: [school: [.rupn]])
    static let monitoringToken = Requester(name: "jeton:supervision", global: [.monitoring])

    /// The memo's table, written out once more by hand: who may, per operation, among the
    /// requesters above (the admin may everything; nobody else acts for another school).
    static let expected: [AccessOperation: Set<String>] = [
        .schoolsList: ["principal", "rupn.doc", "prof", "eleve", "cpe", "jeton:import"],
        .schoolState: ["principal", "rupn.doc", "jeton:import"],
        .importUpload: ["rupn.doc", "jeton:import"],
        .planRead: ["rupn.doc", "jeton:import"],
        .planApply: ["rupn.doc", "jeton:import"],
        .todosList: ["principal", "rupn.doc", "jeton:import"],
        .accountsList: ["principal", "rupn.doc", "prof", "jeton:import"],
        .passwordReset: ["rupn.doc", "prof", "jeton:import"],
        .rightsList: ["principal", "rupn.doc", "jeton:import"],
        .rightsChange: ["principal"],
        .closureLift: ["principal"],
        .departuresApprove: ["principal", "rupn.doc", "jeton:import"],
        .verification: ["rupn.doc", "jeton:import"],
        .sheets: ["rupn.doc", "prof", "jeton:import"],
        .ownPassword: ["principal", "rupn.doc", "prof", "eleve", "cpe"],
        .me: ["principal", "rupn.doc", "prof", "eleve", "cpe", "jeton:cas", "jeton:import"],
        .accessDecision: ["jeton:cas"],
        .administration: [],
        .planConfirm: ["rupn.doc", "jeton:import"],
        .contactsList: ["principal", "rupn.doc", "jeton:import"],
        .contactChange: ["principal", "rupn.doc", "prof", "eleve", "cpe", "jeton:import"],
        .metrics: ["jeton:supervision"],
    ]

    static let everyone = [principal, rupn, teacher, student, cpe, formerPrincipal, ssoToken, rupnToken, monitoringToken]

    @Test("Every operation is in the table", arguments: AccessOperation.allCases)
    func covered(_ operation: AccessOperation) {
        #expect(AccessRules.table[operation] != nil)
        #expect(Self.expected[operation] != nil)
    }

    @Test("Each requester, each operation, at their school", arguments: AccessOperation.allCases)
    func table(_ operation: AccessOperation) {
        #expect(AccessRules.route(operation, by: Self.admin, at: Self.school).isAllowed)
        #expect(AccessRules.route(operation, by: Self.admin, at: nil).isAllowed)
        for requester in Self.everyone {
            let decision = AccessRules.route(operation, by: requester, at: Self.isSchoolScoped(operation) ? Self.school : nil)
            let allowed = Self.expected[operation]!.contains(requester.name)
            #expect(decision.isAllowed == allowed, "\(requester.name) \(operation): \(decision.reason.french)")
            if !allowed { #expect(decision.reason.french.contains("ne peut pas \(operation.french)")) }
        }
    }

    @Test("Nobody but the department acts for another school", arguments: AccessOperation.allCases.filter(isSchoolScoped))
    func otherSchool(_ operation: AccessOperation) {
        for requester in [Self.principal, Self.rupn, Self.teacher, Self.rupnToken] {
            let decision = AccessRules.route(operation, by: requester, at: Self.other)
            #expect(!decision.isAllowed)
            #expect(decision.reason.french.contains("n'agit pas pour l'établissement 0860002Y"))
        }
        #expect(AccessRules.route(operation, by: Self.admin, at: Self.other).isAllowed)
    }

    @Test("A departed account holds no role, a right ends with it")
    func departed() {
        #expect(Self.formerPrincipal.roles(at: Self.school).isEmpty)
        let revokedRUPN = Self.person("ex.rupn", status: .leaving, rights: [.rupn])
        #expect(!AccessRules.route(.passwordReset, by: revokedRUPN, at: Self.school).isAllowed)
    }

    static func isSchoolScoped(_ operation: AccessOperation) -> Bool {
        ![.schoolsList, .ownPassword, .me, .accessDecision, .administration, .metrics].contains(operation)
    }
}
